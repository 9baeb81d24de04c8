#pragma once

#include "mailrig/fakeserver/CalendarView.h"

#include <set>
#include <string>
#include <vector>

namespace mailrig::fake::detail {

/// What libical read from a calendar text, before mailrig's own lint.
struct ParsedCalendar {
    bool parsed = false;                   ///< a VCALENDAR was found
    std::string method, productId;
    std::vector<std::string> timeZones;    ///< TZIDs of the VTIMEZONEs
    std::set<std::string> usedTzids;       ///< every TZID parameter outside VTIMEZONEs
    std::vector<CalendarEvent> events;
    std::vector<CalendarFinding> findings; ///< `ical-unparsable`, `ical-syntax`, `ical-itip`
};

/// Parses `text` with libical, reads the VEVENTs and runs `icalrestriction_check` (RFC 5546).
/// Never throws for bad input.
ParsedCalendar readCalendar(const std::string& text);

} // namespace mailrig::fake::detail
