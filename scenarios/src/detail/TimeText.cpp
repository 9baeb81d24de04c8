#include "detail/TimeText.h"

#include <cstdio>
#include <ctime>

namespace mailrig::scenario::detail {

std::optional<std::chrono::system_clock::time_point> parseUtc(const std::string& text) {
    int year, month, day, hour, minute, second;
    char separator = 0;
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &year, &month, &day, &separator, &hour, &minute,
                    &second, &consumed) != 7)
        return std::nullopt;
    const std::string rest = text.substr(static_cast<std::size_t>(consumed));
    if ((separator != 'T' && separator != ' ') || !(rest.empty() || rest == "Z")) return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (year < kFirstYear || year > kLastYear) return std::nullopt; // system_clock's range
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t t = timegm(&tm);
    std::tm back{};
    gmtime_r(&t, &back);
    if (back.tm_mday != day) return std::nullopt; // 31 February and the like
    return std::chrono::system_clock::from_time_t(t);
}

std::string formatUtc(std::chrono::system_clock::time_point time) {
    const std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

} // namespace mailrig::scenario::detail
