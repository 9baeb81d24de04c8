#pragma once
// A small pretty-printing JSON writer that keeps key order and never emits invalid UTF-8. It
// appends to a caller's buffer, so a spool can reuse one buffer for every message.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailrig::fake::detail {

/// Builds one JSON document at the end of `out` (which it does not own and never clears). Calls
/// must nest properly (begin/end pairs; `key` before each value inside an object; at most
/// `kMaxDepth` open containers); the writer adds commas, newlines and two-space indentation.
class JsonText {
public:
    static constexpr int kMaxDepth = 64;

    explicit JsonText(std::string& out) : _out(out) {}

    JsonText& beginObject();
    JsonText& endObject();
    JsonText& beginArray();
    JsonText& endArray();
    /// The next member's name (inside an object).
    JsonText& key(std::string_view name);
    /// A string value; bytes that are not valid UTF-8 become U+FFFD.
    JsonText& value(std::string_view text);
    JsonText& value(const char* text) { return value(std::string_view(text)); }
    JsonText& value(std::uint64_t number);
    JsonText& value(bool flag);
    /// An ISO 8601 UTC timestamp with milliseconds, e.g. `2026-01-02T03:04:05.678Z`.
    JsonText& value(std::chrono::system_clock::time_point time);
    JsonText& null();
    /// A value already in JSON form (a number, or a string known to need no escaping, with its
    /// quotes), appended as is.
    JsonText& raw(std::string_view json);
    /// Ends the document with a newline.
    void finish() { _out += '\n'; }

private:
    void beforeValue();
    void open(char bracket);
    void close(char bracket);
    std::string& _out;
    std::uint64_t _used = 0; ///< bit d: the container at depth d has a member already
    int _depth = 0;
    bool _afterKey = false;
};

/// Appends `text` as a quoted JSON string (control characters escaped, invalid UTF-8 replaced
/// by `\ufffd`, everything else copied as is).
void appendJsonQuoted(std::string& out, std::string_view text);
/// `text` as a quoted JSON string.
std::string jsonQuote(std::string_view text);
/// Appends an ISO 8601 UTC time with milliseconds (`2026-01-02T03:04:05.678Z`).
void appendIsoTime(std::string& out, std::chrono::system_clock::time_point time);
/// ISO 8601 UTC with milliseconds.
std::string isoTime(std::chrono::system_clock::time_point time);

} // namespace mailrig::fake::detail
