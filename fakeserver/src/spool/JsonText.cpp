#include "spool/JsonText.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace mailrig::fake::detail {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence of two or more bytes starting at text[i] (whose lead
// byte is >= 0x80), or 0 when it is not valid.
std::size_t utf8Length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned min = 0;
    unsigned code = 0;
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

// The escape for an ASCII byte that cannot appear in a JSON string as is.
const char* escapeFor(unsigned char c, char (&buffer)[7]) {
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default:
        buffer[0] = '\\';
        buffer[1] = 'u';
        buffer[2] = '0';
        buffer[3] = '0';
        buffer[4] = kHex[c >> 4];
        buffer[5] = kHex[c & 0xF];
        buffer[6] = '\0';
        return buffer;
    }
}

// Writes `value` as exactly `width` decimal digits ending just before `end`.
void digits(char* end, unsigned value, int width) {
    for (int k = 0; k < width; ++k) {
        *--end = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// Per byte: 0 copied as it is, 1 escaped, 2 the lead of a multi-byte sequence to validate.
struct ByteClasses {
    unsigned char of[256];
    constexpr ByteClasses() : of() {
        for (int c = 0; c < 256; ++c) of[c] = c >= 0x80 ? 2 : (c < 0x20 || c == 0x7F || c == '"' || c == '\\') ? 1 : 0;
    }
};
constexpr ByteClasses kByteClasses;

} // namespace

void appendJsonQuoted(std::string& out, std::string_view text) {
    out += '"';
    std::size_t run = 0; // start of the bytes not yet appended, all copied as they are
    std::size_t i = 0;
    char buffer[7];
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    while (i < text.size()) {
        while (i < text.size() && kByteClasses.of[bytes[i]] == 0) ++i;
        if (i == text.size()) break;
        const unsigned char c = bytes[i];
        if (c >= 0x80) {
            const std::size_t length = utf8Length(text, i);
            if (length != 0) {
                i += length;
                continue;
            }
            out.append(text.data() + run, i - run);
            out += "\\ufffd";
            run = ++i;
            continue;
        }
        out.append(text.data() + run, i - run);
        out += escapeFor(c, buffer);
        run = ++i;
    }
    out.append(text.data() + run, text.size() - run);
    out += '"';
}

std::string jsonQuote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    appendJsonQuoted(out, text);
    return out;
}

void appendIsoTime(std::string& out, std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    // Milliseconds truncated toward zero, then the remainder made non-negative: the second
    // before the epoch is 1969-12-31T23:59:59.xxxZ.
    const auto millis = duration_cast<milliseconds>(time.time_since_epoch()).count();
    std::int64_t seconds = millis / 1000;
    std::int64_t rest = millis % 1000;
    if (rest < 0) {
        rest += 1000;
        --seconds;
    }
    std::int64_t days = seconds / 86400;
    std::int64_t ofDay = seconds % 86400;
    if (ofDay < 0) {
        ofDay += 86400;
        --days;
    }
    // Proleptic Gregorian date from days since 1970-01-01 (H. Hinnant's civil_from_days).
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t dayOfEra = z - era * 146097;
    const std::int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const std::int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const std::int64_t shifted = (5 * dayOfYear + 2) / 153; // month counted from March
    const unsigned day = static_cast<unsigned>(dayOfYear - (153 * shifted + 2) / 5 + 1);
    const unsigned month = static_cast<unsigned>(shifted < 10 ? shifted + 3 : shifted - 9);
    const std::int64_t year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    const unsigned hour = static_cast<unsigned>(ofDay / 3600);
    const unsigned minute = static_cast<unsigned>(ofDay / 60 % 60);
    const unsigned second = static_cast<unsigned>(ofDay % 60);
    if (year < 0 || year > 9999) { // not reachable with a 64-bit nanosecond clock; kept exact anyway
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02u:%02u:%02u.%03lldZ", static_cast<long long>(year),
                      month, day, hour, minute, second, static_cast<long long>(rest));
        out += buffer;
        return;
    }
    char text[] = "YYYY-MM-DDTHH:MM:SS.mmmZ";
    digits(text + 4, static_cast<unsigned>(year), 4);
    digits(text + 7, month, 2);
    digits(text + 10, day, 2);
    digits(text + 13, hour, 2);
    digits(text + 16, minute, 2);
    digits(text + 19, second, 2);
    digits(text + 23, static_cast<unsigned>(rest), 3);
    out.append(text, sizeof text - 1);
}

std::string isoTime(std::chrono::system_clock::time_point time) {
    std::string out;
    appendIsoTime(out, time);
    return out;
}

void JsonText::beforeValue() {
    if (_afterKey) {
        _afterKey = false;
        return;
    }
    if (_depth == 0) return;
    const std::uint64_t bit = std::uint64_t{1} << (_depth - 1);
    if (_used & bit) _out += ',';
    _used |= bit;
    _out += '\n';
    _out.append(static_cast<std::size_t>(_depth) * 2, ' ');
}

void JsonText::open(char bracket) {
    if (_depth == kMaxDepth) throw std::logic_error("JsonText: more than 64 nested containers");
    beforeValue();
    _out += bracket;
    ++_depth;
    _used &= ~(std::uint64_t{1} << (_depth - 1));
}

void JsonText::close(char bracket) {
    const bool used = _used & (std::uint64_t{1} << (_depth - 1));
    --_depth;
    if (used) {
        _out += '\n';
        _out.append(static_cast<std::size_t>(_depth) * 2, ' ');
    }
    _out += bracket;
}

JsonText& JsonText::beginObject() { open('{'); return *this; }
JsonText& JsonText::endObject() { close('}'); return *this; }
JsonText& JsonText::beginArray() { open('['); return *this; }
JsonText& JsonText::endArray() { close(']'); return *this; }

JsonText& JsonText::key(std::string_view name) {
    beforeValue();
    appendJsonQuoted(_out, name);
    _out += ": ";
    _afterKey = true;
    return *this;
}

JsonText& JsonText::value(std::string_view text) {
    beforeValue();
    appendJsonQuoted(_out, text);
    return *this;
}

JsonText& JsonText::value(std::uint64_t number) {
    beforeValue();
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    _out.append(buffer, result.ptr);
    return *this;
}

JsonText& JsonText::value(bool flag) {
    beforeValue();
    _out += flag ? "true" : "false";
    return *this;
}

JsonText& JsonText::value(std::chrono::system_clock::time_point time) {
    beforeValue();
    _out += '"';
    appendIsoTime(_out, time);
    _out += '"';
    return *this;
}

JsonText& JsonText::null() {
    beforeValue();
    _out += "null";
    return *this;
}

JsonText& JsonText::raw(std::string_view json) {
    beforeValue();
    _out += json;
    return *this;
}

} // namespace mailrig::fake::detail
