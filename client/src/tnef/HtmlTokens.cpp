#include "tnef/HtmlTokens.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

namespace mailrig::detail {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The end of a tag starting at `at` ('<'), honouring quoted attribute values; npos when the
// document ends first.
std::size_t tagEnd(const std::string& html, std::size_t at) {
    char quote = 0;
    for (std::size_t i = at + 1; i < html.size(); ++i) {
        const char c = html[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i;
        }
    }
    return std::string::npos;
}

} // namespace

std::vector<HtmlToken> tokenizeHtml(const std::string& html) {
    std::vector<HtmlToken> tokens;
    auto addText = [&tokens](std::string text) {
        if (text.empty()) return;
        if (!tokens.empty() && tokens.back().kind == HtmlToken::Kind::Text) {
            tokens.back().raw += text;
        } else {
            HtmlToken t;
            t.raw = std::move(text);
            tokens.push_back(std::move(t));
        }
    };
    std::size_t i = 0;
    while (i < html.size()) {
        const std::size_t lt = html.find('<', i);
        if (lt == std::string::npos) {
            addText(html.substr(i));
            break;
        }
        addText(html.substr(i, lt - i));
        const char next = lt + 1 < html.size() ? html[lt + 1] : '\0';
        HtmlToken t;
        std::size_t end = std::string::npos;
        if (html.compare(lt, 4, "<!--") == 0) {
            const std::size_t close = html.find("-->", lt + 4);
            end = close == std::string::npos ? std::string::npos : close + 2;
            t.kind = HtmlToken::Kind::Comment;
        } else if (next == '!' || next == '?') {
            end = html.find('>', lt);
            t.kind = HtmlToken::Kind::Declaration;
        } else if (std::isalpha(static_cast<unsigned char>(next)) || next == '/') {
            end = tagEnd(html, lt);
            t.kind = HtmlToken::Kind::Tag;
        } else {
            addText("<");
            i = lt + 1;
            continue;
        }
        if (end == std::string::npos) {
            addText(html.substr(lt));
            break;
        }
        t.raw = html.substr(lt, end - lt + 1);
        if (t.kind == HtmlToken::Kind::Tag) {
            std::size_t n = 1;
            if (t.raw[n] == '/') {
                t.closing = true;
                ++n;
            }
            std::size_t e = n;
            while (e < t.raw.size() && (std::isalnum(static_cast<unsigned char>(t.raw[e])) || t.raw[e] == '-' || t.raw[e] == ':')) ++e;
            t.name = lower(t.raw.substr(n, e - n));
        }
        tokens.push_back(std::move(t));
        i = end + 1;
    }
    return tokens;
}

bool isHiddenElement(const std::string& name) {
    return name == "head" || name == "style" || name == "script" || name == "title";
}

bool breaksLine(const std::string& name) {
    static const char* const names[] = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5",
                                        "h6", "table", "ul", "ol", "blockquote", "pre", "hr"};
    return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return name == n; });
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string decodeEntity(const std::string& html, std::size_t at, std::size_t& length) {
    length = 0;
    const std::size_t semi = html.find(';', at);
    if (semi == std::string::npos || semi - at > 10) return {};
    const std::string body = html.substr(at + 1, semi - at - 1);
    char32_t cp = 0;
    if (body.size() > 1 && body[0] == '#') {
        const bool hex = body[1] == 'x' || body[1] == 'X';
        const std::string digits = body.substr(hex ? 2 : 1);
        if (digits.empty() || digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
            return {};
        cp = static_cast<char32_t>(std::strtoul(digits.c_str(), nullptr, hex ? 16 : 10));
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
    } else {
        static const std::pair<const char*, char32_t> named[] = {
            {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
            {"nbsp", 0xA0}, {"copy", 0xA9}, {"reg", 0xAE}, {"euro", 0x20AC}, {"hellip", 0x2026},
            {"ndash", 0x2013}, {"mdash", 0x2014}, {"laquo", 0xAB}, {"raquo", 0xBB}};
        const auto it = std::find_if(std::begin(named), std::end(named),
                                     [&](const auto& n) { return body == n.first; });
        if (it == std::end(named)) return {};
        cp = it->second;
    }
    length = semi - at + 1;
    std::string out;
    appendUtf8(out, cp);
    return out;
}

std::string htmlToPlainText(const std::string& html) {
    std::string out;
    int hidden = 0;
    bool pendingSpace = false;
    auto newline = [&out, &pendingSpace] {
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += "\r\n";
        pendingSpace = false;
    };
    for (const auto& t : tokenizeHtml(html)) {
        if (t.kind == HtmlToken::Kind::Tag) {
            if (isHiddenElement(t.name)) hidden = std::max(0, hidden + (t.closing ? -1 : 1));
            const bool atLineEnd = out.empty() || out.back() == '\n';
            if (!hidden && t.name == "br")
                newline();
            else if (!hidden && breaksLine(t.name) && !atLineEnd)
                newline();
            continue;
        }
        if (t.kind != HtmlToken::Kind::Text || hidden) continue;
        for (std::size_t i = 0; i < t.raw.size(); ++i) {
            const char c = t.raw[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                pendingSpace = true;
                continue;
            }
            const bool atLineStart = out.empty() || out.back() == '\n';
            if (pendingSpace && !atLineStart) out.push_back(' ');
            pendingSpace = false;
            std::size_t length = 0;
            const std::string decoded = c == '&' ? decodeEntity(t.raw, i, length) : std::string();
            if (length) {
                out += decoded == "\xC2\xA0" ? std::string(" ") : decoded;
                i += length - 1;
            } else {
                out.push_back(c);
            }
        }
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (!out.empty()) out += "\r\n";
    return out;
}

} // namespace mailrig::detail
