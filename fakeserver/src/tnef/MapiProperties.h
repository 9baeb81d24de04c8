#pragma once
// MAPI property lists as MS-OXTNEF 2.1.3.4 stores them inside attMsgProps and attAttachment.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailrig::fake::detail {

/// One decoded property. Values are the raw value bytes (fixed types: their 2, 4, 8 or 16
/// bytes; variable types: the bytes after the length, without padding).
struct MapiProperty {
    std::uint16_t type = 0;     ///< e.g. 0x001F (Unicode); the multi-value bit 0x1000 kept
    std::uint16_t id = 0;       ///< e.g. 0x0037 (subject)
    bool named = false;         ///< id >= 0x8000: a named property (GUID + number or name)
    std::vector<std::string> values;
};

/// A property list, parsed. Parsing stops at the first malformed property and records why.
struct MapiPropertyList {
    std::vector<MapiProperty> properties;
    std::optional<std::string> error; ///< names the byte offset within the list and the cause

    /// The first non-named property with `id` (any type), or nullptr.
    const MapiProperty* find(std::uint16_t id) const;
    /// A string property (PT_UNICODE, PT_STRING8 in `codepage`) as UTF-8; nullopt when absent.
    std::optional<std::string> text(std::uint16_t id, std::uint32_t codepage) const;
    /// A binary property's bytes; nullopt when absent.
    std::optional<std::string> binary(std::uint16_t id) const;
    /// A PT_LONG / PT_SHORT / PT_BOOLEAN value; nullopt when absent.
    std::optional<std::int32_t> integer(std::uint16_t id) const;
    /// A PT_SYSTIME value as 100-ns ticks since 1601; nullopt when absent.
    std::optional<std::uint64_t> fileTime(std::uint16_t id) const;
};

/// Parses `bytes` (the data of attMsgProps or attAttachment).
MapiPropertyList parseMapiProperties(const std::string& bytes);

} // namespace mailrig::fake::detail
