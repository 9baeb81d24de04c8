#pragma once
// ISO 8601 UTC times as written in scenario files: `2026-12-01T09:00:00Z`.

#include <chrono>
#include <optional>
#include <string>

namespace mailrig::scenario::detail {

/// The years a time may name: what std::chrono::system_clock (nanoseconds) holds, whole years.
constexpr int kFirstYear = 1678;
constexpr int kLastYear = 2261;

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (also `YYYY-MM-DD HH:MM:SS`, `Z` optional: always UTC);
/// std::nullopt when it does not have that shape, names an impossible date, or a year outside
/// kFirstYear to kLastYear.
std::optional<std::chrono::system_clock::time_point> parseUtc(const std::string& text);

/// `YYYY-MM-DDTHH:MM:SSZ`.
std::string formatUtc(std::chrono::system_clock::time_point time);

} // namespace mailrig::scenario::detail
