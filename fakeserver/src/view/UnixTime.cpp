#include "view/UnixTime.h"

namespace mailrig::fake::detail {

std::optional<std::chrono::system_clock::time_point> timePointFromUnixSeconds(std::int64_t seconds) {
    using Clock = std::chrono::system_clock;
    using Seconds = std::chrono::seconds;
    constexpr auto lowest = std::chrono::duration_cast<Seconds>(Clock::duration::min()).count();
    constexpr auto highest = std::chrono::duration_cast<Seconds>(Clock::duration::max()).count();
    if (seconds <= lowest || seconds >= highest) return std::nullopt;
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(Seconds(seconds)));
}

} // namespace mailrig::fake::detail
