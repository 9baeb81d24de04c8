#include "spool/JsonText.h"

#include <cstdio>
#include <ctime>

namespace mailrig::fake::detail {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid.
std::size_t utf8Length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned min = 0;
    unsigned code = 0;
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) { length = 2; code = lead & 0x1F; min = 0x80; }
    else if ((lead & 0xF0) == 0xE0) { length = 3; code = lead & 0x0F; min = 0x800; }
    else if ((lead & 0xF8) == 0xF0) { length = 4; code = lead & 0x07; min = 0x10000; }
    else return 0;
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

} // namespace

std::string jsonQuote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        std::size_t length = utf8Length(text, i);
        if (length == 0) {
            out += "\\ufffd";
            ++i;
            continue;
        }
        if (length > 1) {
            out.append(text.substr(i, length));
            i += length;
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7F) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                out += escaped;
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
    out += '"';
    return out;
}

std::string isoTime(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto millis = duration_cast<milliseconds>(time.time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(millis / 1000);
    long rest = static_cast<long>(millis % 1000);
    if (rest < 0) {
        rest += 1000;
        --seconds;
    }
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, rest);
    return buffer;
}

void JsonText::beforeValue() {
    if (_afterKey) {
        _afterKey = false;
        return;
    }
    if (_empty.empty()) return;
    if (!_empty.back()) _out += ',';
    _empty.back() = false;
    _out += '\n';
    _out.append(_empty.size() * 2, ' ');
}

void JsonText::open(char bracket) {
    beforeValue();
    _out += bracket;
    _empty.push_back(true);
}

void JsonText::close(char bracket) {
    const bool empty = _empty.back();
    _empty.pop_back();
    if (!empty) {
        _out += '\n';
        _out.append(_empty.size() * 2, ' ');
    }
    _out += bracket;
}

JsonText& JsonText::beginObject() { open('{'); return *this; }
JsonText& JsonText::endObject() { close('}'); return *this; }
JsonText& JsonText::beginArray() { open('['); return *this; }
JsonText& JsonText::endArray() { close(']'); return *this; }

JsonText& JsonText::key(std::string_view name) {
    beforeValue();
    _out += jsonQuote(name);
    _out += ": ";
    _afterKey = true;
    return *this;
}

JsonText& JsonText::value(std::string_view text) {
    beforeValue();
    _out += jsonQuote(text);
    return *this;
}

JsonText& JsonText::value(std::uint64_t number) {
    beforeValue();
    _out += std::to_string(number);
    return *this;
}

JsonText& JsonText::value(bool flag) {
    beforeValue();
    _out += flag ? "true" : "false";
    return *this;
}

JsonText& JsonText::value(std::chrono::system_clock::time_point time) { return value(isoTime(time)); }

JsonText& JsonText::null() {
    beforeValue();
    _out += "null";
    return *this;
}

} // namespace mailrig::fake::detail
