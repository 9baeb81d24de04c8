#pragma once

#include "mailrig/fakeserver/CalendarView.h"

#include <string>
#include <vector>

namespace mailrig::fake::detail {

/// RFC 5545 §3.1 checks on the raw text, which libical's parser does not make: every line ends
/// with CRLF (`ical-line-ending`), no line is longer than 75 octets (`ical-line-too-long`) and no
/// fold breaks a UTF-8 character (`ical-fold-splits-utf8`). One finding per code, at the first
/// offending line, saying how many lines offend.
std::vector<CalendarFinding> lintCalendarText(const std::string& text);

/// The 1-based physical line of the first content line whose name is `name` (case-insensitive,
/// e.g. `DTSTART`), searching from `fromLine`; 0 when there is none.
std::size_t findContentLine(const std::string& text, const std::string& name, std::size_t fromLine = 1);

} // namespace mailrig::fake::detail
