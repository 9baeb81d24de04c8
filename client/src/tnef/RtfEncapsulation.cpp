// RTF bodies for PR_RTF_COMPRESSED: HTML encapsulated in RTF (MS-OXRTFEX, \fromhtml1) and
// plain text as RTF (\fromtext).
#include "mailrig/client/Tnef.h"

#include "tnef/HtmlTokens.h"
#include "tnef/TnefText.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace mailrig {

namespace {

constexpr const char* kFontTable = "\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}{\\f1\\fmodern\\fcharset0 Courier New;}}\r\n";
// An HTML tag group; the parameter is informational (readers restore the content whatever it is).
constexpr const char* kTagOpen = "{\\*\\htmltag64 ";

// \uN takes a signed 16-bit UTF-16 code unit; the `?` after it is the fallback \uc1 skips.
void appendUnicode(std::string& out, char32_t cp) {
    char16_t units[2];
    const int n = detail::toUtf16(cp, units);
    for (int k = 0; k < n; ++k) out += "\\u" + std::to_string(static_cast<std::int16_t>(units[k])) + "?";
}

// Appends UTF-8 text as RTF text: specials escaped, line breaks as \par, tabs as \tab,
// non-ASCII as \uN? (with \uc1 in force).
void appendRtfText(std::string& out, const std::string& utf8) {
    const auto cps = detail::utf8CodePoints(utf8);
    for (std::size_t i = 0; i < cps.size(); ++i) {
        const char32_t cp = cps[i];
        if (cp == '\\' || cp == '{' || cp == '}') {
            out.push_back('\\');
            out.push_back(static_cast<char>(cp));
        } else if (cp == '\r' || cp == '\n') {
            if (cp == '\r' && i + 1 < cps.size() && cps[i + 1] == '\n') ++i;
            out += "\\par\r\n";
        } else if (cp == '\t') {
            out += "\\tab ";
        } else if (cp < 0x20 || cp == 0x7F) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\'%02x", static_cast<unsigned>(cp));
            out += hex;
        } else if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else {
            appendUnicode(out, cp);
        }
    }
}

void appendTagGroup(std::string& out, const std::string& html) {
    out += kTagOpen;
    appendRtfText(out, html);
    out += "}";
}

// Visible text between tags: character references are kept for HTML (in a tag group) and shown
// decoded to RTF readers (inside \htmlrtf, which de-encapsulation skips); source line breaks
// are kept for HTML and read as a space in RTF.
void appendVisibleText(std::string& out, const std::string& text) {
    std::size_t plainFrom = 0;
    auto flush = [&](std::size_t to) {
        appendRtfText(out, std::string(text, plainFrom, to - plainFrom));
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '&') {
            std::size_t length = 0;
            const std::string decoded = detail::decodeEntity(text, i, length);
            if (!length) continue;
            flush(i);
            appendTagGroup(out, text.substr(i, length));
            out += "\\htmlrtf ";
            appendRtfText(out, decoded);
            out += "\\htmlrtf0 ";
            i += length - 1;
            plainFrom = i + 1;
        } else if (c == '\r' || c == '\n') {
            flush(i);
            const std::size_t length = (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
            appendTagGroup(out, text.substr(i, length));
            out += "\\htmlrtf  \\htmlrtf0 ";
            i += length - 1;
            plainFrom = i + 1;
        }
    }
    flush(text.size());
}

} // namespace

std::string htmlToRtf(const std::string& html) {
    std::string out = "{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 ";
    out += kFontTable;
    out += "\\uc1\\pard\\plain\\f0\\fs20 ";
    int hidden = 0;
    for (const auto& t : detail::tokenizeHtml(html)) {
        if (t.kind != detail::HtmlToken::Kind::Text) {
            appendTagGroup(out, t.raw);
            if (t.kind != detail::HtmlToken::Kind::Tag) continue;
            if (detail::isHiddenElement(t.name)) hidden = std::max(0, hidden + (t.closing ? -1 : 1));
            if (!hidden && detail::breaksLine(t.name) && (t.closing || t.name == "br"))
                out += "\\htmlrtf \\par\r\n\\htmlrtf0 ";
        } else if (hidden) {
            appendTagGroup(out, t.raw);
        } else {
            appendVisibleText(out, t.raw);
        }
    }
    out += "}\r\n";
    return out;
}

std::string textToRtf(const std::string& text) {
    std::string out = "{\\rtf1\\ansi\\ansicpg1252\\fromtext ";
    out += kFontTable;
    out += "\\uc1\\pard\\plain\\f0\\fs20 ";
    appendRtfText(out, text);
    out += "}\r\n";
    return out;
}

} // namespace mailrig
