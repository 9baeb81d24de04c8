// MS-OXRTFEX de-encapsulation: the HTML an RTF body with \fromhtml1 carries.
#include "mailrig/fakeserver/TnefView.h"

#include "tnef/TnefStrings.h"

#include <cctype>
#include <cstdlib>
#include <vector>

namespace mailrig::fake {

namespace {

// Per-group state; '{' copies the current one, '}' restores the enclosing one.
struct GroupState {
    bool skip = false;      // a destination whose text is not HTML (font table, \* unknown, ...)
    bool htmlTag = false;   // inside {\*\htmltag...}: copy everything
    bool htmlRtf = false;   // inside \htmlrtf ... \htmlrtf0: RTF-only text, not HTML
    int unicodeSkip = 1;    // \ucN
};

bool isSkippedDestination(const std::string& word) {
    return word == "fonttbl" || word == "colortbl" || word == "stylesheet" || word == "info" || word == "pict" ||
           word == "listtable" || word == "listoverridetable" || word == "mhtmltag";
}

class Deencapsulator {
public:
    explicit Deencapsulator(const std::string& rtf) : _rtf(rtf) {}

    std::optional<std::string> run() {
        if (!headerIsHtml()) return std::nullopt;
        std::vector<GroupState> stack;
        GroupState state;
        bool starredNext = false;
        int fallbackToSkip = 0;
        std::size_t i = 0;
        while (i < _rtf.size()) {
            const char c = _rtf[i];
            if (c == '{') {
                stack.push_back(state);
                ++i;
                continue;
            }
            if (c == '}') {
                flushUnits();
                if (!stack.empty()) {
                    state = stack.back();
                    stack.pop_back();
                }
                ++i;
                continue;
            }
            if (c == '\r' || c == '\n') {
                ++i;
                continue;
            }
            if (c != '\\') {
                if (fallbackToSkip > 0) {
                    --fallbackToSkip;
                } else {
                    emitByte(state, static_cast<unsigned char>(c));
                }
                ++i;
                continue;
            }
            // A control symbol or control word.
            if (i + 1 >= _rtf.size()) break;
            const char s = _rtf[i + 1];
            if (s == '\\' || s == '{' || s == '}') {
                if (fallbackToSkip > 0) --fallbackToSkip; else emitByte(state, static_cast<unsigned char>(s));
                i += 2;
                continue;
            }
            if (s == '*') {
                starredNext = true;
                i += 2;
                continue;
            }
            if (s == '\'') {
                const std::string hex = _rtf.substr(i + 2, 2);
                i += 4;
                if (fallbackToSkip > 0) {
                    --fallbackToSkip;
                    continue;
                }
                const auto byte = static_cast<unsigned char>(std::strtoul(hex.c_str(), nullptr, 16));
                emitText(state, detail::tnefLegacyToUtf8(std::string(1, static_cast<char>(byte)), 1252));
                continue;
            }
            if (!std::isalpha(static_cast<unsigned char>(s))) {
                i += 2; // other control symbols (\~, \-, \_) carry no HTML
                continue;
            }
            std::size_t j = i + 1;
            while (j < _rtf.size() && std::isalpha(static_cast<unsigned char>(_rtf[j]))) ++j;
            const std::string word = _rtf.substr(i + 1, j - i - 1);
            std::size_t k = j;
            if (k < _rtf.size() && (_rtf[k] == '-' || std::isdigit(static_cast<unsigned char>(_rtf[k])))) ++k;
            while (k < _rtf.size() && std::isdigit(static_cast<unsigned char>(_rtf[k]))) ++k;
            const bool hasParam = k > j;
            const long param = hasParam ? std::strtol(_rtf.substr(j, k - j).c_str(), nullptr, 10) : 0;
            if (k < _rtf.size() && _rtf[k] == ' ') ++k; // the delimiter space belongs to the word
            i = k;

            const bool starred = starredNext;
            starredNext = false;
            if (word == "htmltag") {
                flushUnits();
                state.htmlTag = true;
            } else if (starred || isSkippedDestination(word)) {
                state.skip = true;
            } else if (word == "htmlrtf") {
                flushUnits();
                state.htmlRtf = !hasParam || param != 0;
            } else if (word == "par" || word == "line") {
                emitText(state, "\r\n");
            } else if (word == "tab") {
                emitText(state, "\t");
            } else if (word == "uc") {
                state.unicodeSkip = static_cast<int>(param);
            } else if (word == "u") {
                emitUnit(state, static_cast<std::uint32_t>(param < 0 ? param + 0x10000 : param));
                fallbackToSkip = state.unicodeSkip;
            }
        }
        flushUnits();
        return _out;
    }

private:
    // MS-OXRTFEX 2.1.3.1.1: \fromhtml1 among the first tokens of the header.
    bool headerIsHtml() const {
        if (_rtf.compare(0, 6, "{\\rtf1") != 0) return false;
        const std::size_t found = _rtf.find("\\fromhtml1");
        return found != std::string::npos && found < 64;
    }

    bool visible(const GroupState& st) const { return !st.skip && (st.htmlTag || !st.htmlRtf); }

    void emitByte(const GroupState& st, unsigned char c) {
        flushUnits();
        if (visible(st)) _out.push_back(static_cast<char>(c));
    }
    void emitText(const GroupState& st, const std::string& text) {
        flushUnits();
        if (visible(st)) _out += text;
    }
    // \uN values are UTF-16 code units: pair surrogates before writing UTF-8.
    void emitUnit(const GroupState& st, std::uint32_t unit) {
        if (!visible(st)) return;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            flushUnits();
            _highSurrogate = unit;
            return;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF && _highSurrogate) {
            detail::tnefAppendUtf8(_out, 0x10000 + ((_highSurrogate - 0xD800) << 10) + (unit - 0xDC00));
            _highSurrogate = 0;
            return;
        }
        flushUnits();
        detail::tnefAppendUtf8(_out, unit >= 0xD800 && unit <= 0xDFFF ? 0xFFFD : unit);
    }
    void flushUnits() {
        if (_highSurrogate) detail::tnefAppendUtf8(_out, 0xFFFD);
        _highSurrogate = 0;
    }

    const std::string& _rtf;
    std::string _out;
    std::uint32_t _highSurrogate = 0;
};

} // namespace

std::optional<std::string> htmlFromRtf(const std::string& rtf) {
    return Deencapsulator(rtf).run();
}

} // namespace mailrig::fake
