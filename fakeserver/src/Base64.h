#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailrig::fake::detail {

/// Base64 (RFC 4648) without line breaks, as SASL and RFC 2047 `B` words use it: padded output.
std::string encodeBase64(std::string_view bytes);
/// std::nullopt for bad input (a character outside the alphabet, wrong padding or length).
std::optional<std::string> decodeBase64(std::string_view text);

/// The value of one base64 digit, or -1 for any other character (padding, whitespace,
/// garbage): callers decide what those mean.
inline int base64Digit(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

} // namespace mailrig::fake::detail
