// DSN parameter syntax: NOTIFY (RFC 3461) and ORCPT (RFC 3461, RFC 6533 for utf-8 addresses).
#include "smtp/DsnParams.h"
#include "smtp/CommandParser.h"

#include <cctype>
#include <cstdint>
#include <string>

namespace mailrig::fake::detail {

namespace {

/// RFC 3461 4.2: the whole ORCPT value is at most this long.
constexpr std::size_t kMaxOriginalRecipient = 500;

bool isUpperHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

/// RFC 6533 HEXPOINT, as its grammar spells it: two digits only for `01`..`09`, `10`..`19`,
/// `20`, `2B`, `3D`, `5C`, `7F` (what cannot appear as itself) and `80`..`FF`; more digits never
/// with a leading zero, never a surrogate, at most `10FFFF`.
bool isHexPoint(std::string_view digits) {
    if (digits.size() < 2 || digits.size() > 6) return false;
    for (char c : digits)
        if (!isUpperHex(c)) return false;
    if (digits.size() == 2) {
        const char a = digits[0], b = digits[1];
        return ((a == '0' || a == '1') && b >= '1' && b <= '9') || digits == "10" || digits == "20" ||
               digits == "2B" || digits == "3D" || digits == "5C" || digits == "7F" || a >= '8';
    }
    if (digits[0] == '0') return false;
    std::uint32_t code = 0;
    for (char c : digits) code = code * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : c - 'A' + 10);
    return (code < 0xD800 || code > 0xDFFF) && code <= 0x10FFFF;
}

/// The length of the well-formed UTF-8 sequence of a non-ASCII character at `text[i]`, or 0.
std::size_t utf8Length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                       : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
    if (length == 0 || i + length > text.size()) return 0;
    std::uint32_t code = lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0) != 0x80) return 0;
        code = (code << 6) | (next & 0x3F);
    }
    if (length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) return 0;
    if (length == 4 && (code < 0x10000 || code > 0x10FFFF)) return 0;
    return length;
}

/// RFC 6533 utf-8-addr-xtext, or utf-8-addr-unitext when `unicode`.
bool isUtf8AddrText(std::string_view text, bool unicode) {
    if (text.empty()) return false;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\\') {
            const std::size_t close = text.find('}', i);
            if (text.substr(i, 3) != "\\x{" || close == std::string_view::npos ||
                !isHexPoint(text.substr(i + 3, close - i - 3)))
                return false;
            i = close + 1;
        } else if (c >= 0x80) {
            const std::size_t length = unicode ? utf8Length(text, i) : 0;
            if (length == 0) return false;
            i += length;
        } else if (c < 0x21 || c > 0x7E || c == '+' || c == '=') {
            return false;
        } else {
            ++i;
        }
    }
    return true;
}

} // namespace

bool isNotify(std::string_view given) {
    const std::string value = upper(given); // RFC 3461 4.1: the keywords are case-insensitive
    if (value == "NEVER") return true;
    for (std::size_t start = 0;;) {
        const std::size_t comma = value.find(',', start);
        const std::string_view item =
            std::string_view(value).substr(start, comma == std::string::npos ? std::string_view::npos : comma - start);
        if (item != "SUCCESS" && item != "FAILURE" && item != "DELAY") return false;
        if (comma == std::string_view::npos) return true;
        start = comma + 1;
    }
}

bool isOriginalRecipient(std::string_view value, bool smtpUtf8) {
    if (value.size() > kMaxOriginalRecipient) return false;
    const std::size_t semicolon = value.find(';');
    if (semicolon == std::string_view::npos || semicolon == 0) return false;
    const std::string_view type = value.substr(0, semicolon);
    const std::string_view address = value.substr(semicolon + 1);
    std::string lowerType;
    for (char c : type) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
        lowerType.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (lowerType == "utf-8") return isUtf8AddrText(address, smtpUtf8);
    return !address.empty() && isXtext(address);
}

} // namespace mailrig::fake::detail
