#include "mime/EncodedWordRuns.h"

#include "mime/HeaderEncoding.h"

#include <glib.h>

#include <vector>

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

/// One `=?charset?B?text?=` word in a header value: where it is and what it holds.
struct Word {
    std::size_t position = 0;
    std::size_t length = 0;
    std::string charset;
    std::string text; ///< the base64 text
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool isBase64(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
           c == '=';
}

/// The base64-encoded words of `raw`, in order (a plain scan: header values may
/// be megabytes long, and a backtracking regular expression would overflow the stack).
std::vector<Word> base64Words(const std::string& raw) {
    std::vector<Word> words;
    for (std::size_t at = raw.find("=?"); at != std::string::npos; at = raw.find("=?", at + 1)) {
        std::size_t i = at + 2;
        const std::size_t charsetStart = i;
        while (i < raw.size() && raw[i] != '?' && !isSpace(raw[i])) ++i;
        if (i == charsetStart || i + 2 >= raw.size() || raw[i] != '?' || (raw[i + 1] != 'b' && raw[i + 1] != 'B') ||
            raw[i + 2] != '?')
            continue;
        const std::size_t charsetEnd = i;
        i += 3;
        const std::size_t textStart = i;
        while (i < raw.size() && isBase64(raw[i])) ++i;
        if (i + 1 >= raw.size() || raw[i] != '?' || raw[i + 1] != '=') continue;
        words.push_back(Word{at, i + 2 - at, raw.substr(charsetStart, charsetEnd - charsetStart),
                             raw.substr(textStart, i - textStart)});
        at = i + 1;
    }
    return words;
}

} // namespace

std::string joinEncodedWordRuns(const std::string& raw) {
    if (raw.find("=?") == std::string::npos) return raw;
    const std::vector<Word> words = base64Words(raw);
    std::string out;
    std::size_t copied = 0;
    for (std::size_t w = 0; w < words.size();) {
        const Word& first = words[w];
        const std::string charset = asciiLower(first.charset);
        std::string bytes = decodeBase64(first.text);
        std::size_t runEnd = first.position + first.length;
        std::size_t next = w + 1;
        for (; next < words.size(); ++next) {
            const std::size_t gapEnd = words[next].position;
            bool onlySpace = gapEnd > runEnd;
            for (std::size_t i = runEnd; i < gapEnd; ++i)
                if (!isSpace(raw[i])) onlySpace = false;
            if (!onlySpace || asciiLower(words[next].charset) != charset) break;
            bytes += decodeBase64(words[next].text);
            runEnd = gapEnd + words[next].length;
        }
        if (next - w > 1) {
            out.append(raw, copied, first.position - copied);
            out += "=?" + first.charset + "?B?" + encodeBase64(bytes) + "?=";
            copied = runEnd;
        }
        w = next;
    }
    out.append(raw, copied, std::string::npos);
    return out;
}

} // namespace mailrig::detail
