#include "mime/EncodedWordRuns.h"

#include "mime/HeaderEncoding.h"

#include <glib.h>

#include <regex>

namespace mailrig::detail {

namespace {

std::string decodeBase64(const std::string& text) {
    gsize length = 0;
    guchar* bytes = g_base64_decode(text.c_str(), &length);
    std::string out(reinterpret_cast<const char*>(bytes), length);
    g_free(bytes);
    return out;
}

std::string encodeBase64(const std::string& bytes) {
    gchar* text = g_base64_encode(reinterpret_cast<const guchar*>(bytes.data()), bytes.size());
    std::string out(text);
    g_free(text);
    return out;
}

} // namespace

std::string joinEncodedWordRuns(const std::string& raw) {
    if (raw.find("=?") == std::string::npos) return raw;
    static const std::regex word(R"(=\?([^?\s]+)\?[bB]\?([A-Za-z0-9+/=]*)\?=)");
    std::string out;
    std::size_t copied = 0;
    auto begin = std::sregex_iterator(raw.begin(), raw.end(), word);
    auto end = std::sregex_iterator();
    for (auto it = begin; it != end;) {
        std::size_t runStart = static_cast<std::size_t>(it->position());
        std::string charset = asciiLower((*it)[1].str());
        std::string bytes = decodeBase64((*it)[2].str());
        std::size_t runEnd = runStart + static_cast<std::size_t>(it->length());
        int words = 1;
        auto next = std::next(it);
        while (next != end) {
            std::size_t gapStart = runEnd, gapEnd = static_cast<std::size_t>(next->position());
            bool onlySpace = gapEnd > gapStart;
            for (std::size_t i = gapStart; i < gapEnd; ++i)
                if (raw[i] != ' ' && raw[i] != '\t' && raw[i] != '\r' && raw[i] != '\n') onlySpace = false;
            if (!onlySpace || asciiLower((*next)[1].str()) != charset) break;
            bytes += decodeBase64((*next)[2].str());
            runEnd = gapEnd + static_cast<std::size_t>(next->length());
            ++words;
            ++next;
        }
        if (words > 1) {
            out.append(raw, copied, runStart - copied);
            out += "=?" + (*it)[1].str() + "?B?" + encodeBase64(bytes) + "?=";
            copied = runEnd;
        }
        it = next;
    }
    out.append(raw, copied, std::string::npos);
    return out;
}

} // namespace mailrig::detail
