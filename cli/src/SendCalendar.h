#pragma once
// The meeting-request options of `mailrig send`: an existing .ics file or a simple event built
// from flags, put into the composed message as Outlook and Notes expect it.

#include "mailrig/client/MailMessage.h"

#include <string>
#include <vector>

namespace mailrig::cli {

/// What `--ical` and the `--meeting-*` flags asked for.
struct CalendarOptions {
    std::string icsFile;   ///< --ical FILE
    std::string start;     ///< --meeting-start, ISO 8601 with a zone (2026-12-01T09:00:00Z)
    std::string end;       ///< --meeting-end, same form
    std::string location;  ///< --meeting-location
    std::string timeZone;  ///< --meeting-zone, an IANA zone name for TZID (default UTC)
    bool icsAttachment = false; ///< --ics-attachment: also attach the calendar as invite.ics

    /// True when any calendar option was given.
    bool wanted() const { return !icsFile.empty() || !start.empty() || !end.empty() || !location.empty() || !timeZone.empty(); }
};

/// Takes the calendar option at `args[i]` (and its value); false for any other argument.
bool takeCalendarOption(const std::vector<std::string>& args, std::size_t& i, CalendarOptions& options);

/// Throws std::invalid_argument when the options contradict each other (--ical with
/// --meeting-*, a start without an end).
void checkCalendarOptions(const CalendarOptions& options);

/// Adds the meeting request to `message` (already carrying From, To/Cc and Subject): the file's
/// text for --ical, else an Appointment with organizer = From, required attendees = To, optional
/// attendees = Cc, summary = Subject. Throws std::invalid_argument naming the option or file for
/// an unreadable file, a calendar without METHOD, or a time that does not parse.
void addCalendar(const CalendarOptions& options, MailMessage& message);

/// The `--help` lines for the calendar options.
const char* calendarOptionsUsage();

} // namespace mailrig::cli
