// RFC 2047 §4-§6 decoding, one encoded word at a time, then runs of adjacent words joined.
#include "view/EncodedWords.h"

#include "Base64.h"

#include "view/Charset.h"

#include <optional>
#include <vector>

namespace mailrig::fake::detail {

namespace {

/// One decoded encoded word: where it sits in the value and what it carries.
struct Word {
    std::size_t begin = 0;
    std::size_t end = 0; ///< one past the closing "?="
    std::string charset; ///< without an RFC 2231 language suffix
    std::string bytes;   ///< the decoded payload, still in `charset`
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool onlySpace(std::string_view s) {
    for (char c : s)
        if (!isSpace(c)) return false;
    return true;
}

std::string lower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// RFC 2047 §4.1. Padding belongs to this word only; missing padding is tolerated (as Python
// does), a stray character or '=' inside the data makes the word malformed.
std::optional<std::string> decodeWordBase64(std::string_view payload) {
    std::size_t dataEnd = payload.size();
    while (dataEnd > 0 && payload[dataEnd - 1] == '=') --dataEnd;
    if (payload.size() - dataEnd > 2 || dataEnd % 4 == 1) return std::nullopt;
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < dataEnd; ++i) {
        const int v = base64Digit(payload[i]);
        if (v < 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

// RFC 2047 §4.2: '_' is a space, "=XX" a byte; an '=' without two hex digits is kept as written.
std::string decodeQ(std::string_view payload) {
    std::string out;
    for (std::size_t i = 0; i < payload.size(); ++i) {
        const char c = payload[i];
        if (c == '_') {
            out += ' ';
        } else if (c == '=' && i + 2 < payload.size() && hexValue(payload[i + 1]) >= 0 &&
                   hexValue(payload[i + 2]) >= 0) {
            out += static_cast<char>(hexValue(payload[i + 1]) * 16 + hexValue(payload[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

// The encoded word starting at `at` ("=?" there), or nullopt when it is malformed.
std::optional<Word> wordAt(std::string_view raw, std::size_t at) {
    const std::size_t charsetEnd = raw.find('?', at + 2);
    if (charsetEnd == std::string_view::npos || charsetEnd == at + 2) return std::nullopt;
    std::string charset(raw.substr(at + 2, charsetEnd - at - 2));
    for (char c : charset)
        if (isSpace(c) || static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7E)
            return std::nullopt;
    if (const std::size_t star = charset.find('*'); star != std::string::npos) charset.resize(star); // RFC 2231 §5
    if (charset.empty() || charsetEnd + 3 > raw.size() || raw[charsetEnd + 2] != '?') return std::nullopt;
    const char encoding = raw[charsetEnd + 1];
    const std::size_t payloadBegin = charsetEnd + 3;
    std::size_t payloadEnd = payloadBegin;
    while (payloadEnd < raw.size() && raw[payloadEnd] != '?' && !isSpace(raw[payloadEnd])) ++payloadEnd;
    if (payloadEnd + 1 >= raw.size() || raw[payloadEnd] != '?' || raw[payloadEnd + 1] != '=') return std::nullopt;
    const std::string_view payload = raw.substr(payloadBegin, payloadEnd - payloadBegin);
    Word word{at, payloadEnd + 2, lower(charset), {}};
    if (encoding == 'B' || encoding == 'b') {
        std::optional<std::string> bytes = decodeWordBase64(payload);
        if (!bytes) return std::nullopt;
        word.bytes = std::move(*bytes);
    } else if (encoding == 'Q' || encoding == 'q') {
        word.bytes = decodeQ(payload);
    } else {
        return std::nullopt;
    }
    return word;
}

/// A stretch of the value: literal text, or a run of adjacent encoded words.
struct Piece {
    std::string_view literal;
    std::vector<Word> run; ///< empty for literal text
};

// Splits `raw` into literal text and runs of encoded words separated only by whitespace.
std::vector<Piece> split(std::string_view raw) {
    std::vector<Piece> pieces;
    std::size_t literalBegin = 0;
    std::size_t search = 0;
    while ((search = raw.find("=?", search)) != std::string_view::npos) {
        std::optional<Word> word = wordAt(raw, search);
        if (!word) {
            ++search;
            continue;
        }
        const std::string_view between = raw.substr(literalBegin, word->begin - literalBegin);
        const bool joins = !pieces.empty() && !pieces.back().run.empty() && onlySpace(between);
        if (!joins) {
            if (!between.empty()) pieces.push_back({between, {}});
            pieces.push_back({{}, {}});
        }
        search = literalBegin = word->end;
        pieces.back().run.push_back(std::move(*word));
    }
    if (literalBegin < raw.size()) pieces.push_back({raw.substr(literalBegin), {}});
    return pieces;
}

// A run's text: bytes of consecutive words in one charset are converted together.
std::string runText(const std::vector<Word>& run) {
    std::string out;
    for (std::size_t i = 0; i < run.size();) {
        std::string bytes;
        std::size_t j = i;
        for (; j < run.size() && run[j].charset == run[i].charset; ++j) bytes += run[j].bytes;
        out += toUtf8(bytes, run[i].charset);
        i = j;
    }
    return out;
}

std::string unfold(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != '\r' && c != '\n') out += c;
    return out;
}

} // namespace

bool mayHoldEncodedWords(std::string_view raw) { return raw.find("=?") != std::string_view::npos; }

std::string decodeEncodedWords(std::string_view raw) {
    std::string out;
    for (const Piece& piece : split(raw))
        out += piece.run.empty() ? toUtf8(unfold(piece.literal), "") : runText(piece.run);
    return out;
}

std::string mergeEncodedWords(std::string_view raw) {
    std::string out;
    for (const Piece& piece : split(raw))
        out += piece.run.empty() ? unfold(piece.literal) : "=?UTF-8?B?" + encodeBase64(runText(piece.run)) + "?=";
    return out;
}

} // namespace mailrig::fake::detail
