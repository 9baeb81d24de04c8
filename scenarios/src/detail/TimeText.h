#pragma once
// ISO 8601 UTC times as written in scenario files: `2026-12-01T09:00:00Z`.

#include <chrono>
#include <optional>
#include <string>

namespace mailrig::scenario::detail {

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (also `YYYY-MM-DD HH:MM:SS`, `Z` optional: always UTC);
/// std::nullopt when it does not have that shape or names an impossible date.
std::optional<std::chrono::system_clock::time_point> parseUtc(const std::string& text);

/// `YYYY-MM-DDTHH:MM:SSZ`.
std::string formatUtc(std::chrono::system_clock::time_point time);

} // namespace mailrig::scenario::detail
