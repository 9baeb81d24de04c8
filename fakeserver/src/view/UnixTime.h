#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace mailrig::fake::detail {

/// The instant `seconds` after 1970-01-01T00:00:00Z, or nullopt when system_clock cannot hold
/// it (with its nanosecond ticks: before 1677 or after 2262). Dates read from captured bytes
/// (Date fields, iCalendar times, TNEF dates) may name any year up to 9999 or beyond; converting
/// those unchecked would overflow. Never throws.
std::optional<std::chrono::system_clock::time_point> timePointFromUnixSeconds(std::int64_t seconds);

} // namespace mailrig::fake::detail
