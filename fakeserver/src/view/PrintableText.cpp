#include "mailrig/fakeserver/PrintableText.h"

namespace mailrig::fake {

std::string printableText(std::string_view text) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string shown;
    shown.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool control = byte < 0x20 || byte == 0x7F;
        if (!control || c == '\n' || c == '\t') {
            shown.push_back(c);
            continue;
        }
        shown.append("\\x");
        shown.push_back(kHex[byte >> 4]);
        shown.push_back(kHex[byte & 0xF]);
    }
    return shown;
}

} // namespace mailrig::fake
