#include "mime/HeaderEncoding.h"

#include <glib.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace mailrig::detail {

namespace {

// RFC 5322 2.1.1: lines SHOULD stay within 78 octets and MUST stay within 998.
constexpr std::size_t kPreferredLine = 78;
// A run of ASCII this long cannot be folded safely; it is written as encoded words instead.
constexpr std::size_t kLongestPlainRun = 900;
// RFC 2231 continuation pieces are kept short enough for one comfortable line each.
constexpr std::size_t kParameterPiece = 60;

std::string base64(const std::string& bytes) {
    gchar* text = g_base64_encode(reinterpret_cast<const guchar*>(bytes.data()), bytes.size());
    std::string out(text);
    g_free(text);
    return out;
}

// Length of the UTF-8 sequence starting at text[pos] when it is valid, else 0.
std::size_t utf8SequenceLength(const std::string& text, std::size_t pos) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char c = byte(pos);
    std::size_t length;
    unsigned minimum;
    unsigned value;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) { length = 2; value = c & 0x1F; minimum = 0x80; }
    else if ((c & 0xF0) == 0xE0) { length = 3; value = c & 0x0F; minimum = 0x800; }
    else if ((c & 0xF8) == 0xF0) { length = 4; value = c & 0x07; minimum = 0x10000; }
    else return 0;
    if (pos + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(pos + i) & 0xC0) != 0x80) return 0;
        value = (value << 6) | (byte(pos + i) & 0x3F);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
    return length;
}

// Unbreakable pieces of a header value; a fold may replace the single space before a piece.
struct Piece {
    std::string text;
    bool spaceBefore;
};

std::string fold(const std::string& name, const std::vector<Piece>& pieces) {
    std::string out = name + ":";
    std::size_t lineLength = out.size();
    bool contentOnLine = false; // never fold right after the field name or a previous fold
    for (const auto& piece : pieces) {
        if (piece.spaceBefore) {
            if (lineLength + 1 + piece.text.size() > kPreferredLine && contentOnLine &&
                !piece.text.empty()) {
                out += "\n ";
                lineLength = 1;
            } else {
                out += ' ';
                ++lineLength;
            }
        }
        out += piece.text;
        lineLength += piece.text.size();
        if (!piece.text.empty()) contentOnLine = true;
    }
    return out + "\n";
}

std::string withoutLineBreaks(const std::string& text) {
    std::string out = text;
    for (auto& c : out)
        if (c == '\r' || c == '\n') c = ' ';
    return out;
}

bool needsEncoding(const std::string& text) {
    if (!isPrintableAscii(text) || text.find("=?") != std::string::npos) return true;
    std::size_t run = 0;
    for (char c : text) {
        run = (c == ' ' || c == '\t') ? 0 : run + 1;
        if (run > kLongestPlainRun) return true;
    }
    return false;
}

bool isAtext(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string("!#$%&'*+-/=?^_`{|}~").find(c) != std::string::npos;
}

std::string quote(const std::string& text);

bool isPlainAtom(const std::string& token) {
    if (token.empty()) return false;
    for (char c : token)
        if (!isAtext(c)) return false;
    return token.find("=?") == std::string::npos;
}

// A display name as phrase pieces. Runs of tokens that are not printable ASCII become encoded
// words (their inner spaces encoded too); other runs stay readable, as atoms or one quoted
// string. Encoded words are only adjacent when one run needs several: RFC 2047 readers (GMime)
// drop the space between adjacent encoded words while Python's email keeps it, so words are
// made as long as allowed (75) to keep such splits rare.
std::vector<Piece> phrasePieces(const std::string& rawName) {
    std::string name = withoutLineBreaks(sanitizeUtf8(rawName));
    std::vector<std::string> tokens;
    for (std::size_t start = 0; start <= name.size();) {
        auto space = name.find(' ', start);
        if (space == std::string::npos) space = name.size();
        tokens.push_back(name.substr(start, space - start));
        start = space + 1;
    }
    auto needsWord = [](const std::string& t) {
        return !isPrintableAscii(t) || t.find("=?") != std::string::npos || t.size() > kLongestPlainRun;
    };
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < tokens.size();) {
        bool encode = needsWord(tokens[i]);
        std::string run = tokens[i];
        std::size_t j = i + 1;
        while (j < tokens.size() && needsWord(tokens[j]) == encode) run += " " + tokens[j++];
        bool separated = !pieces.empty(); // runs are separated by the space that split them
        bool atoms = true;
        for (std::size_t k = i; k < j; ++k)
            if (!isPlainAtom(tokens[k])) atoms = false;
        if (!encode && !atoms && run.size() > kLongestPlainRun) encode = true; // too long to quote
        if (encode) {
            for (auto& word : encodeWords(run, 75)) {
                pieces.push_back({word, separated});
                separated = true; // adjacent encoded words need whitespace between them
            }
        } else {
            if (atoms) {
                for (std::size_t k = i; k < j; ++k) pieces.push_back({tokens[k], separated || k != i});
            } else {
                pieces.push_back({quote(run), separated});
            }
        }
        i = j;
    }
    return pieces;
}

void checkAddress(const std::string& field, const std::string& address) {
    auto fail = [&](const std::string& why) {
        throw std::invalid_argument(field + ": address '" + address + "' " + why);
    };
    if (address.empty()) fail("is empty");
    if (address.find('@') == std::string::npos) fail("has no '@'");
    for (char c : address) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F) fail("holds whitespace or a control character");
        if (c == '<' || c == '>' || c == ',') fail("holds '<', '>' or ','");
    }
}

bool isAttributeChar(unsigned char c) {
    // RFC 2231 attribute-char: any CHAR except SPACE, CTLs, tspecials, '*', '\'' and '%'.
    return std::isalnum(c) || std::string("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string::npos;
}

std::string quote(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

} // namespace

std::string sanitizeUtf8(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::size_t length = utf8SequenceLength(text, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(text, i, length);
            i += length;
        }
    }
    return out;
}

bool isPrintableAscii(const std::string& text) {
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u > 0x7E) return false;
    }
    return true;
}

std::vector<std::string> encodeWords(const std::string& utf8, std::size_t maxWordLength) {
    // GMime (and so the verifying side) decodes adjacent B words as one base64 stream and stops
    // at padding, so every B word but the last carries a multiple of 3 bytes (no padding). Where
    // no such cut exists (e.g. "a" followed by 3-byte characters) that stretch is a Q word.
    if (maxWordLength > 75) maxWordLength = 75;
    const std::size_t payload = maxWordLength - 12; // "=?UTF-8?B?" + "?="
    const std::size_t maxBytes = payload / 4 * 3;
    std::string text = sanitizeUtf8(utf8);
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (pos < text.size() || words.empty()) {
        if (text.size() - pos <= maxBytes) {
            words.push_back("=?UTF-8?B?" + base64(text.substr(pos)) + "?=");
            break;
        }
        std::size_t end = pos, cut = 0;
        while (end < text.size()) {
            std::size_t next = end + utf8SequenceLength(text, end);
            if (next - pos > maxBytes) break;
            end = next;
            if ((end - pos) % 3 == 0) cut = end;
        }
        if (cut > pos) {
            words.push_back("=?UTF-8?B?" + base64(text.substr(pos, cut - pos)) + "?=");
            pos = cut;
            continue;
        }
        std::string q;
        while (pos < text.size()) {
            std::size_t length = utf8SequenceLength(text, pos);
            std::string encoded;
            for (std::size_t k = 0; k < length; ++k) {
                auto u = static_cast<unsigned char>(text[pos + k]);
                if (std::isalnum(u)) {
                    encoded += static_cast<char>(u);
                } else if (u == ' ') {
                    encoded += '_';
                } else {
                    static const char hex[] = "0123456789ABCDEF";
                    encoded += '=';
                    encoded += hex[u >> 4];
                    encoded += hex[u & 15];
                }
            }
            if (!q.empty() && q.size() + encoded.size() > payload) break;
            q += encoded;
            pos += length;
        }
        words.push_back("=?UTF-8?Q?" + q + "?=");
    }
    return words;
}

std::string formatUnstructured(const std::string& name, const std::string& rawValue) {
    std::string value = withoutLineBreaks(rawValue);
    std::vector<Piece> pieces;
    if (needsEncoding(value)) {
        for (auto& word : encodeWords(value)) pieces.push_back({word, true});
    } else {
        std::size_t start = 0;
        while (start <= value.size()) {
            auto space = value.find(' ', start);
            if (space == std::string::npos) space = value.size();
            pieces.push_back({value.substr(start, space - start), true});
            start = space + 1;
        }
    }
    return fold(name, pieces);
}

std::string formatAddresses(const std::string& name, const std::vector<MailAddress>& addresses) {
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < addresses.size(); ++i) {
        const auto& a = addresses[i];
        checkAddress(name, a.address);
        std::string angle = "<" + a.address + ">";
        if (a.displayName.empty()) {
            pieces.push_back({angle, true});
        } else {
            auto phrase = phrasePieces(a.displayName);
            phrase.front().spaceBefore = true;
            pieces.insert(pieces.end(), phrase.begin(), phrase.end());
            pieces.push_back({angle, true});
        }
        if (i + 1 < addresses.size()) pieces.back().text += ',';
    }
    return fold(name, pieces);
}

/// True when `name="value"` can be written as a plain quoted string: printable ASCII that no
/// reader mistakes for an encoded word (RFC 2047 5 forbids them in quoted strings, but common
/// readers decode them anyway), on one line of at most 78 octets with its tab and `;`.
bool fitsAsQuotedParameter(const std::string& name, const std::string& value) {
    return isPrintableAscii(value) && value.find('\t') == std::string::npos && value.find("=?") == std::string::npos &&
           1 + name.size() + 1 + quote(value).size() + 1 <= kPreferredLine;
}

std::string asciiFallbackName(const std::string& utf8Name) {
    if (fitsAsQuotedParameter("name", utf8Name)) return utf8Name;
    std::string out;
    bool lastWasReplacement = false;
    for (char c : utf8Name) {
        auto u = static_cast<unsigned char>(c);
        bool safe = u >= 0x20 && u < 0x7F && c != '"' && c != '\\' && c != '/' &&
                    !(c == '?' && !out.empty() && out.back() == '='); // never the start of an encoded word
        if (safe) {
            out += c;
            lastWasReplacement = false;
        } else if (!lastWasReplacement) {
            out += '_';
            lastWasReplacement = true;
        }
    }
    if (out.empty() || out == "_") out = "attachment";
    if (out.size() > kParameterPiece) {
        auto dot = out.rfind('.');
        std::string extension =
            (dot != std::string::npos && out.size() - dot <= 10) ? out.substr(dot) : std::string();
        out = out.substr(0, kParameterPiece - extension.size()) + extension;
    }
    return out;
}

std::string formatParameter(const std::string& name, const std::string& rawValue) {
    std::string value = sanitizeUtf8(rawValue);
    // File names: a plain quoted string only when no reader can mistake or fold it; other
    // parameters (readers seldom know RFC 2231 for them) stay plain while they are ASCII.
    const bool fileName = name == "name" || name == "filename";
    if (fileName ? fitsAsQuotedParameter(name, value)
                 : isPrintableAscii(value) && value.find('\t') == std::string::npos && value.size() <= kParameterPiece * 3)
        return ";\n\t" + name + "=" + quote(value);

    std::string out;
    // Percent-encode whole characters into pieces that never split a character.
    std::vector<std::string> pieces{"UTF-8''"};
    for (std::size_t i = 0; i < value.size();) {
        std::size_t length = utf8SequenceLength(value, i);
        std::string encoded;
        for (std::size_t k = 0; k < length; ++k) {
            auto u = static_cast<unsigned char>(value[i + k]);
            if (isAttributeChar(u)) {
                encoded += static_cast<char>(u);
            } else {
                static const char hex[] = "0123456789ABCDEF";
                encoded += '%';
                encoded += hex[u >> 4];
                encoded += hex[u & 15];
            }
        }
        if (pieces.back().size() + encoded.size() > kParameterPiece) pieces.emplace_back();
        pieces.back() += encoded;
        i += length;
    }
    if (pieces.size() == 1) return ";\n\t" + name + "*=" + pieces.front();
    for (std::size_t i = 0; i < pieces.size(); ++i)
        out += ";\n\t" + name + "*" + std::to_string(i) + "*=" + pieces[i];
    return out;
}

std::string formatDate(std::chrono::system_clock::time_point when) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buffer;
}

std::string asciiLower(std::string text) {
    for (auto& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

} // namespace mailrig::detail
