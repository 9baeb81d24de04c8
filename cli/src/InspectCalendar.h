#pragma once
// The calendar section of `mailrig inspect`: the meeting a message carries (its text/calendar
// part), read and checked by the verifying side (mailrig::fake::CalendarView), as text and JSON.

#include "mailrig/fakeserver/CalendarView.h"
#include "mailrig/fakeserver/MessageView.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <ostream>
#include <string>

namespace mailrig::cli {

/// Prints "Calendar: METHOD (WHERE)" with every event and the calendar findings.
void printCalendar(const fake::CalendarView& calendar, const std::string& where, std::ostream& out);

/// The calendar as a JSON object: method, productId, events, findings.
Poco::JSON::Object::Ptr calendarObject(const fake::CalendarView& calendar);

/// Prints "Calendar:" with the method, every event (UID, sequence, status, start and end,
/// location, organizer, attendees, recurrence, alarms) and the calendar findings, or nothing
/// when the message carries no calendar.
void printCalendarSection(const fake::MessageView& view, std::ostream& out);

/// True when the message carries no calendar or a calendar without findings.
bool calendarIsClean(const fake::MessageView& view);

/// The same as a JSON object (`null` when the message carries no calendar).
Poco::Dynamic::Var calendarJson(const fake::MessageView& view);

} // namespace mailrig::cli
