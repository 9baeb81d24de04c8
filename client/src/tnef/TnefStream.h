#pragma once
// The byte-level pieces of MS-OXTNEF: attribute records with their checksums and MAPI property
// lists. Little-endian throughout.

#include <chrono>
#include <cstdint>
#include <string>

namespace mailrig::detail {

/// TNEF attribute ids (type in the high 16 bits, number in the low 16; MS-OXTNEF 2.1.3.3).
namespace tnefatt {
constexpr std::uint32_t kTnefVersion = 0x00089006;
constexpr std::uint32_t kOemCodepage = 0x00069007;
constexpr std::uint32_t kMessageClass = 0x00078008;
constexpr std::uint32_t kSubject = 0x00018004;
constexpr std::uint32_t kDateSent = 0x00038005;
constexpr std::uint32_t kPriority = 0x0004800D;
constexpr std::uint32_t kBody = 0x0002800C;
constexpr std::uint32_t kMsgProps = 0x00069003;
constexpr std::uint32_t kAttachRendData = 0x00069002;
constexpr std::uint32_t kAttachTitle = 0x00018010;
constexpr std::uint32_t kAttachModifyDate = 0x00038013;
constexpr std::uint32_t kAttachData = 0x0006800F;
constexpr std::uint32_t kAttachment = 0x00069005;
} // namespace tnefatt

/// Attribute levels.
constexpr std::uint8_t kLevelMessage = 1;
constexpr std::uint8_t kLevelAttachment = 2;

/// Appends little-endian integers.
void putU16(std::string& out, std::uint16_t v);
void putU32(std::string& out, std::uint32_t v);
void putU64(std::string& out, std::uint64_t v);

/// The 14-byte TNEF date (year, month, day, hour, minute, second, day of week), in UTC.
std::string tnefDate(std::chrono::system_clock::time_point when);
/// A FILETIME: 100-ns intervals since 1601-01-01 UTC.
std::uint64_t fileTime(std::chrono::system_clock::time_point when);

/// Writes a TNEF stream: the signature and key, then attributes in the order added.
class TnefStreamWriter {
public:
    explicit TnefStreamWriter(std::uint16_t key);
    /// Appends level, id, length, data and the checksum (sum of the data bytes mod 65536).
    /// Throws std::invalid_argument when the data exceeds 4 GiB.
    void add(std::uint8_t level, std::uint32_t id, const std::string& data);
    /// The stream so far.
    std::string take() { return std::move(_out); }

private:
    std::string _out;
};

/// A MAPI property list as attMsgProps and attAttachment carry it: the count, then per property
/// its tag and value, every value padded to 4 bytes.
class MapiPropertyList {
public:
    /// PT_LONG (0x0003).
    void addLong(std::uint16_t id, std::int32_t value);
    /// PT_BOOLEAN (0x000B), 4 bytes on the wire.
    void addBoolean(std::uint16_t id, bool value);
    /// PT_SYSTIME (0x0040), a FILETIME.
    void addTime(std::uint16_t id, std::chrono::system_clock::time_point when);
    /// PT_UNICODE (0x001F): UTF-8 in, UTF-16LE with a 2-byte terminator on the wire.
    void addUnicode(std::uint16_t id, const std::string& utf8);
    /// PT_BINARY (0x0102), the bytes as given.
    void addBinary(std::uint16_t id, const std::string& bytes);
    /// The encoded list.
    std::string bytes() const;
    std::uint32_t count() const { return _count; }

private:
    void tag(std::uint16_t type, std::uint16_t id);
    void variable(const std::string& bytes);

    std::uint32_t _count = 0;
    std::string _body;
};

} // namespace mailrig::detail
