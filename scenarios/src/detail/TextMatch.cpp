#include "detail/TextMatch.h"

#include <algorithm>
#include <regex>

namespace mailrig::scenario::detail {

MismatchSink MismatchSink::sub(const std::string& key) const {
    MismatchSink child(_out, join(_prefix, key), _line);
    child._lines = _lines;
    child._linePath = join(_linePath, key);
    return child;
}

void MismatchSink::add(const std::string& key, const std::string& expected, const std::string& actual) const {
    _out.push_back(Mismatch{join(_prefix, key), lineOf(key), expected, actual});
}

int MismatchSink::lineOf(const std::string& key) const {
    if (!_lines) return _line;
    // `a.b[1].c` → `a.b[1]` → `a.b` → `a`: the nearest key that was written in the file.
    for (std::string path = join(_linePath, key); !path.empty();) {
        const auto it = _lines->find(path);
        if (it != _lines->end() && it->second > 0) return it->second;
        const auto cut = path.find_last_of(".[");
        if (cut == std::string::npos) break;
        path.erase(cut);
    }
    return _line;
}

std::string MismatchSink::join(const std::string& prefix, const std::string& key) {
    if (key.empty()) return prefix;
    if (prefix.empty()) return key;
    return prefix + (key[0] == '[' ? "" : ".") + key;
}

namespace {

std::string trimEnd(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

} // namespace

bool searchRegex(const std::string& pattern, const std::string& text) {
    return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
}

void checkText(const TextCheck& check, const std::string& text, const MismatchSink& sink) {
    for (const auto& needle : check.contains)
        if (text.find(needle) == std::string::npos) sink.add("contains", "contains \"" + needle + "\"", abbreviate(text));
    for (const auto& needle : check.notContains)
        if (text.find(needle) != std::string::npos) sink.add("not_contains", "does not contain \"" + needle + "\"", abbreviate(text));
    for (const auto& pattern : check.matches)
        if (!searchRegex(pattern, text)) sink.add("matches", "matches /" + pattern + "/", abbreviate(text));
    if (check.equals && trimEnd(*check.equals) != trimEnd(text)) sink.add("equals", *check.equals, abbreviate(text));
}

std::string joinList(const std::vector<std::string>& items, const std::string& separator) {
    std::string joined;
    for (const auto& item : items) joined += (joined.empty() ? "" : separator) + item;
    return joined.empty() ? "(none)" : joined;
}

std::string abbreviate(const std::string& text, std::size_t limit) {
    if (text.size() <= limit) return text;
    return text.substr(0, limit) + "... (" + std::to_string(text.size() - limit) + " more bytes)";
}

std::string lowerAscii(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace mailrig::scenario::detail
