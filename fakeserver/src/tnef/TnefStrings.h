#pragma once
// String decoding for the TNEF reader: UTF-16LE and legacy code pages to UTF-8.

#include <cstdint>
#include <string>

namespace mailrig::fake::detail {

/// UTF-16LE bytes to UTF-8, stopping at the first U+0000; unpaired surrogates become U+FFFD.
std::string tnefUtf16ToUtf8(const std::string& utf16le);

/// 8-bit text in `codepage` to UTF-8, stopping at the first zero byte. 1252 and 28591 are
/// converted; 65001 and 20127 are taken as they are; any other code page is taken as is when it
/// is valid UTF-8, else read as Windows-1252.
std::string tnefLegacyToUtf8(const std::string& bytes, std::uint32_t codepage);

/// `0x` and `width` upper-case hex digits, e.g. tnefHex(0x9003, 8) == "0x00009003".
std::string tnefHex(std::uint32_t value, int width);

/// Appends the UTF-8 encoding of a code point.
void tnefAppendUtf8(std::string& out, std::uint32_t cp);

} // namespace mailrig::fake::detail
