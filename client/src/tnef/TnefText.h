#pragma once
// Text conversions the TNEF writer needs: UTF-8 to UTF-16LE (Unicode MAPI properties) and to
// Windows-1252 (legacy 8-bit attributes), plus code point iteration for RTF escaping.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailrig::detail {

/// Decodes UTF-8 into code points; each invalid byte becomes U+FFFD.
std::vector<char32_t> utf8CodePoints(const std::string& utf8);

/// Splits a code point into UTF-16 code units (a surrogate pair above U+FFFF); returns how many.
int toUtf16(char32_t cp, char16_t units[2]);

/// UTF-8 → UTF-16LE bytes without a terminator (invalid bytes become U+FFFD).
std::string utf8ToUtf16le(const std::string& utf8);

/// UTF-8 → Windows-1252, or nothing when a character has no Windows-1252 byte.
std::optional<std::string> utf8ToCp1252(const std::string& utf8);

} // namespace mailrig::detail
