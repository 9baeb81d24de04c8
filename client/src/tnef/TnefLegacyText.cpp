#include "tnef/TnefLegacyText.h"

#include "tnef/TnefText.h"

namespace mailrig::detail {

namespace {

// A longer "extension" is more likely part of the name (e.g. "v1.2 of the long plan") and is
// cut with it.
constexpr std::size_t kMaxKeptExtensionBytes = 16;

bool isUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

} // namespace

LegacyText legacyText(const std::vector<std::string>& utf8) {
    LegacyText out;
    for (const auto& s : utf8) {
        auto converted = utf8ToCp1252(s);
        if (!converted) {
            out.codepage = kCodepageUtf8;
            out.strings = utf8;
            return out;
        }
        out.strings.push_back(std::move(*converted));
    }
    return out;
}

std::string cutLegacy(const std::string& text, std::uint32_t codepage, std::size_t maxBytes) {
    if (text.size() <= maxBytes) return text;
    std::size_t end = maxBytes;
    if (codepage == kCodepageUtf8)
        while (end > 0 && isUtf8Continuation(text[end])) --end;
    return text.substr(0, end);
}

std::string shortLegacyName(const std::string& name, std::uint32_t codepage, std::size_t ordinal,
                            std::size_t maxBytes) {
    if (name.size() <= maxBytes) return name;
    // '.' is one byte in Windows-1252 and UTF-8 and never part of a UTF-8 sequence.
    const auto dot = name.rfind('.');
    const bool keepExtension = dot != std::string::npos && dot > 0 && name.size() - dot <= kMaxKeptExtensionBytes;
    const std::string extension = keepExtension ? name.substr(dot) : std::string();
    const std::string suffix = "~" + std::to_string(ordinal) + extension;
    const std::string stem = name.substr(0, keepExtension ? dot : name.size());
    if (suffix.size() >= maxBytes) return cutLegacy(name, codepage, maxBytes);
    return cutLegacy(stem, codepage, maxBytes - suffix.size()) + suffix;
}

} // namespace mailrig::detail
