#include "tnef/MapiProperties.h"

#include "tnef/TnefStrings.h"

#include <stdexcept>

namespace mailrig::fake::detail {

namespace {

constexpr std::uint16_t kMultiValue = 0x1000;
constexpr std::uint16_t kTypeString8 = 0x001E;
constexpr std::uint16_t kTypeUnicode = 0x001F;

// Size of a fixed-size value on the wire (before padding), 0 for variable-size types,
// -1 for types the format does not define.
int fixedSize(std::uint16_t type) {
    switch (type) {
    case 0x0002: return 2;  // PT_SHORT
    case 0x0003: return 4;  // PT_LONG
    case 0x0004: return 4;  // PT_FLOAT
    case 0x0005: return 8;  // PT_DOUBLE
    case 0x0006: return 8;  // PT_CURRENCY
    case 0x0007: return 8;  // PT_APPTIME
    case 0x000A: return 4;  // PT_ERROR
    case 0x000B: return 2;  // PT_BOOLEAN
    case 0x0014: return 8;  // PT_I8
    case 0x0040: return 8;  // PT_SYSTIME
    case 0x0048: return 16; // PT_CLSID
    case 0x000D:            // PT_OBJECT
    case kTypeString8:
    case kTypeUnicode:
    case 0x0102:            // PT_BINARY
        return 0;
    default: return -1;
    }
}

struct Reader {
    const std::string& data;
    std::size_t pos = 0;

    void need(std::size_t n, const char* what) const {
        if (data.size() - pos < n)
            throw std::runtime_error("offset " + std::to_string(pos) + ": " + what + " needs " + std::to_string(n) +
                                     " bytes, " + std::to_string(data.size() - pos) + " remain");
    }
    std::uint32_t u32(const char* what) {
        need(4, what);
        std::uint32_t v = 0;
        for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(data[pos + k]);
        pos += 4;
        return v;
    }
    std::uint16_t u16(const char* what) {
        need(2, what);
        const auto v = static_cast<std::uint16_t>(static_cast<unsigned char>(data[pos]) | (static_cast<unsigned char>(data[pos + 1]) << 8));
        pos += 2;
        return v;
    }
    std::string bytes(std::size_t n, const char* what) {
        need(n, what);
        std::string v = data.substr(pos, n);
        pos += n;
        return v;
    }
    void pad() { pos += std::min<std::size_t>((4 - pos % 4) % 4, data.size() - pos); }
};

} // namespace

MapiPropertyList parseMapiProperties(const std::string& bytes) {
    MapiPropertyList list;
    Reader r{bytes};
    try {
        const std::uint32_t count = r.u32("property count");
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::size_t start = r.pos;
            MapiProperty p;
            p.type = r.u16("property type");
            p.id = r.u16("property id");
            if (p.id >= 0x8000) {
                p.named = true;
                r.bytes(16, "named property GUID");
                const std::uint32_t kind = r.u32("named property kind");
                if (kind == 0) {
                    r.u32("named property number");
                } else if (kind == 1) {
                    const std::uint32_t length = r.u32("named property name length");
                    r.bytes(length, "named property name");
                    r.pad();
                } else {
                    throw std::runtime_error("offset " + std::to_string(start) + ": named property kind " +
                                             std::to_string(kind) + " is neither 0 nor 1");
                }
            }
            const std::uint16_t base = p.type & ~kMultiValue;
            const int size = fixedSize(base);
            if (size < 0)
                throw std::runtime_error("offset " + std::to_string(start) + ": unknown property type " +
                                         tnefHex(p.type, 4) + " (property " + tnefHex(p.id, 4) + ")");
            const bool multi = (p.type & kMultiValue) != 0;
            const std::uint32_t values = (multi || size == 0) ? r.u32("value count") : 1;
            if (values > bytes.size())
                throw std::runtime_error("offset " + std::to_string(start) + ": value count " +
                                         std::to_string(values) + " exceeds the list");
            for (std::uint32_t v = 0; v < values; ++v) {
                if (size == 0) {
                    const std::uint32_t length = r.u32("value length");
                    p.values.push_back(r.bytes(length, "value"));
                } else {
                    p.values.push_back(r.bytes(static_cast<std::size_t>(size), "value"));
                }
                r.pad();
            }
            list.properties.push_back(std::move(p));
        }
        if (r.pos != bytes.size())
            list.error = "offset " + std::to_string(r.pos) + ": " + std::to_string(bytes.size() - r.pos) +
                         " bytes after the last property";
    } catch (const std::exception& e) {
        list.error = e.what();
    }
    return list;
}

const MapiProperty* MapiPropertyList::find(std::uint16_t id) const {
    for (const auto& p : properties)
        if (!p.named && p.id == id && !p.values.empty()) return &p;
    return nullptr;
}

std::optional<std::string> MapiPropertyList::text(std::uint16_t id, std::uint32_t codepage) const {
    const MapiProperty* p = find(id);
    if (!p) return std::nullopt;
    if (p->type == kTypeUnicode) return tnefUtf16ToUtf8(p->values[0]);
    if (p->type == kTypeString8) return tnefLegacyToUtf8(p->values[0], codepage);
    return std::nullopt;
}

std::optional<std::string> MapiPropertyList::binary(std::uint16_t id) const {
    const MapiProperty* p = find(id);
    if (!p || p->type != 0x0102) return std::nullopt;
    return p->values[0];
}

std::optional<std::int32_t> MapiPropertyList::integer(std::uint16_t id) const {
    const MapiProperty* p = find(id);
    if (!p) return std::nullopt;
    const std::string& v = p->values[0];
    if (p->type == 0x0003 && v.size() == 4) {
        std::uint32_t u = 0;
        for (int k = 3; k >= 0; --k) u = (u << 8) | static_cast<unsigned char>(v[k]);
        return static_cast<std::int32_t>(u);
    }
    if ((p->type == 0x0002 || p->type == 0x000B) && v.size() == 2)
        return static_cast<std::int16_t>(static_cast<unsigned char>(v[0]) | (static_cast<unsigned char>(v[1]) << 8));
    return std::nullopt;
}

std::optional<std::uint64_t> MapiPropertyList::fileTime(std::uint16_t id) const {
    const MapiProperty* p = find(id);
    if (!p || p->type != 0x0040 || p->values[0].size() != 8) return std::nullopt;
    std::uint64_t v = 0;
    for (int k = 7; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(p->values[0][k]);
    return v;
}

} // namespace mailrig::fake::detail
