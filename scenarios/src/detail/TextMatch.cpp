#include "detail/TextMatch.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <pthread.h>
#include <regex>
#include <stdexcept>

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

namespace {

/// std::regex (libstdc++) recurses once or more per character of the text, up to about 750 bytes
/// of stack per character: texts this short are searched on the caller's stack, longer ones on a
/// thread with a stack that fits the longest text allowed.
constexpr std::size_t kSearchedInPlace = 4 * 1024;
constexpr std::size_t kMaxRegexText = 1024 * 1024;
constexpr std::size_t kRegexStack = std::size_t{1} << 30;

struct RegexSearch {
    const std::string& pattern;
    const std::string& text;
    bool found = false;
    std::exception_ptr error;

    void run() noexcept {
        try {
            found = std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
        } catch (...) {
            error = std::current_exception();
        }
    }
};

void* runSearch(void* search) {
    static_cast<RegexSearch*>(search)->run();
    return nullptr;
}

} // namespace

bool searchRegex(const std::string& pattern, const std::string& text) {
    RegexSearch search{pattern, text, false, nullptr};
    if (text.size() <= kSearchedInPlace) {
        search.run();
    } else {
        if (text.size() > kMaxRegexText)
            throw std::length_error("a regular expression is searched in at most 1 MiB, and this text has " +
                                    std::to_string(text.size()) +
                                    " bytes: match a smaller part (a header, the text body, an attachment)");
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setstacksize(&attributes, kRegexStack);
        pthread_t thread;
        const int error = pthread_create(&thread, &attributes, runSearch, &search);
        pthread_attr_destroy(&attributes);
        if (error != 0)
            throw std::runtime_error("cannot start a thread to search a regular expression in " +
                                     std::to_string(text.size()) + " bytes: " + std::strerror(error));
        pthread_join(thread, nullptr);
    }
    if (search.error) std::rethrow_exception(search.error);
    return search.found;
}

void checkText(const TextCheck& check, const std::string& text, const MismatchSink& sink) {
    for (const auto& needle : check.contains)
        if (text.find(needle) == std::string::npos) sink.add("contains", "contains \"" + needle + "\"", abbreviate(text));
    for (const auto& needle : check.notContains)
        if (text.find(needle) != std::string::npos) sink.add("not_contains", "does not contain \"" + needle + "\"", abbreviate(text));
    for (const auto& pattern : check.matches) {
        try {
            if (!searchRegex(pattern, text)) sink.add("matches", "matches /" + pattern + "/", abbreviate(text));
        } catch (const std::length_error& e) {
            sink.add("matches", "matches /" + pattern + "/", e.what());
        }
    }
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
