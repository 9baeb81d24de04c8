#include "tnef/TnefStream.h"

#include "tnef/TnefText.h"

#include <cstdio>
#include <ctime>
#include <limits>
#include <stdexcept>

namespace mailrig::detail {

namespace {
constexpr std::uint32_t kSignature = 0x223E9F78;
constexpr std::uint16_t kTypeLong = 0x0003;
constexpr std::uint16_t kTypeBoolean = 0x000B;
constexpr std::uint16_t kTypeSysTime = 0x0040;
constexpr std::uint16_t kTypeUnicode = 0x001F;
constexpr std::uint16_t kTypeBinary = 0x0102;
constexpr std::int64_t kUnixToFileTimeSeconds = 11644473600LL;

std::string hexId(std::uint32_t id) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", id);
    return text;
}
} // namespace

void putU16(std::string& out, std::uint16_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(v >> 8));
}

void putU32(std::string& out, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

void putU64(std::string& out, std::uint64_t v) {
    for (int k = 0; k < 8; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

std::string tnefDate(std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::string out;
    putU16(out, static_cast<std::uint16_t>(tm.tm_year + 1900));
    putU16(out, static_cast<std::uint16_t>(tm.tm_mon + 1));
    putU16(out, static_cast<std::uint16_t>(tm.tm_mday));
    putU16(out, static_cast<std::uint16_t>(tm.tm_hour));
    putU16(out, static_cast<std::uint16_t>(tm.tm_min));
    putU16(out, static_cast<std::uint16_t>(tm.tm_sec));
    putU16(out, static_cast<std::uint16_t>(tm.tm_wday));
    return out;
}

std::uint64_t fileTime(std::chrono::system_clock::time_point when) {
    const auto sinceEpoch = std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count();
    const std::int64_t ticks = (sinceEpoch + kUnixToFileTimeSeconds * 1000000LL) * 10;
    return ticks < 0 ? 0 : static_cast<std::uint64_t>(ticks);
}

TnefStreamWriter::TnefStreamWriter(std::uint16_t key) {
    putU32(_out, kSignature);
    putU16(_out, key);
}

void TnefStreamWriter::add(std::uint8_t level, std::uint32_t id, const std::string& data) {
    if (data.size() > std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument("TNEF attribute " + hexId(id) + " of " +
                                    std::to_string(data.size()) + " bytes exceeds the 32-bit length field");
    std::uint32_t sum = 0;
    for (unsigned char c : data) sum += c;
    _out.reserve(_out.size() + data.size() + 11);
    _out.push_back(static_cast<char>(level));
    putU32(_out, id);
    putU32(_out, static_cast<std::uint32_t>(data.size()));
    _out += data;
    putU16(_out, static_cast<std::uint16_t>(sum & 0xFFFF));
}

void MapiPropertyList::tag(std::uint16_t type, std::uint16_t id) {
    putU16(_body, type);
    putU16(_body, id);
    ++_count;
}

void MapiPropertyList::variable(const std::string& bytes) {
    if (bytes.size() > std::numeric_limits<std::uint32_t>::max() - 4)
        throw std::invalid_argument("MAPI property value of " + std::to_string(bytes.size()) +
                                    " bytes exceeds the 32-bit length field");
    putU32(_body, 1); // one value
    putU32(_body, static_cast<std::uint32_t>(bytes.size()));
    _body += bytes;
    _body.append((4 - bytes.size() % 4) % 4, '\0');
}

void MapiPropertyList::addLong(std::uint16_t id, std::int32_t value) {
    tag(kTypeLong, id);
    putU32(_body, static_cast<std::uint32_t>(value));
}

void MapiPropertyList::addBoolean(std::uint16_t id, bool value) {
    tag(kTypeBoolean, id);
    putU32(_body, value ? 1 : 0);
}

void MapiPropertyList::addTime(std::uint16_t id, std::chrono::system_clock::time_point when) {
    tag(kTypeSysTime, id);
    putU64(_body, fileTime(when));
}

void MapiPropertyList::addUnicode(std::uint16_t id, const std::string& utf8) {
    tag(kTypeUnicode, id);
    variable(utf8ToUtf16le(utf8) + std::string(2, '\0'));
}

void MapiPropertyList::addBinary(std::uint16_t id, const std::string& bytes) {
    tag(kTypeBinary, id);
    variable(bytes);
}

std::string MapiPropertyList::bytes() const {
    std::string out;
    out.reserve(_body.size() + 4);
    putU32(out, _count);
    out += _body;
    return out;
}

} // namespace mailrig::detail
