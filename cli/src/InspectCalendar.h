#pragma once
// The calendar section of `mailrig inspect`: the meeting a message carries (its text/calendar
// part), read and checked by the verifying side (mailrig::fake::CalendarView), as text and JSON.

#include "mailrig/fakeserver/CalendarView.h"
#include "mailrig/fakeserver/MessageView.h"

#include <Poco/Dynamic/Var.h>

#include <optional>
#include <ostream>

namespace mailrig::cli {

/// The calendar of one message, read once and shared by the text and JSON output.
struct InspectedCalendar {
    const fake::MimePart* part = nullptr;     ///< the text/calendar part, nullptr when none
    std::optional<fake::CalendarView> calendar; ///< its calendar, nullopt when none
    /// True when there is a calendar and it has findings (the exit status counts them).
    bool hasFindings() const { return calendar && !calendar->clean(); }
};

/// Finds and checks the calendar of `view` (see fake::calendarOf). The result points into
/// `view`, which must outlive it.
InspectedCalendar inspectCalendar(const fake::MessageView& view);

/// Prints "Calendar:" with the method, every event (UID, sequence, status, start and end,
/// location, organizer, attendees, recurrence, alarms) and the calendar findings, or nothing
/// when the message carries no calendar.
void printCalendarSection(const InspectedCalendar& inspected, std::ostream& out);

/// The same as a JSON object (`null` when the message carries no calendar).
Poco::Dynamic::Var calendarJson(const InspectedCalendar& inspected);

} // namespace mailrig::cli
