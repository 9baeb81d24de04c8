#pragma once
// A small pretty-printing JSON writer that keeps key order and never emits invalid UTF-8.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailrig::fake::detail {

/// Builds one JSON document. Calls must nest properly (begin/end pairs; `key` before each value
/// inside an object); the writer adds commas, newlines and two-space indentation.
class JsonText {
public:
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
    /// The document, ending with a newline.
    std::string str() const { return _out + "\n"; }

private:
    void beforeValue();
    void open(char bracket);
    void close(char bracket);
    std::string _out;
    std::vector<bool> _empty; ///< per open container: nothing written in it yet
    bool _afterKey = false;
};

/// `text` as a quoted JSON string (control characters escaped, invalid UTF-8 replaced).
std::string jsonQuote(std::string_view text);
/// ISO 8601 UTC with milliseconds.
std::string isoTime(std::chrono::system_clock::time_point time);

} // namespace mailrig::fake::detail
