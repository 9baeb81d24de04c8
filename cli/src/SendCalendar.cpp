#include "SendCalendar.h"

#include "ClientOptions.h"
#include "InputFile.h"

#include "mailrig/client/Appointment.h"
#include "mailrig/fakeserver/InputFile.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>

#include <stdexcept>

namespace mailrig::cli {

namespace {

/// True when `text` ends in `Z` or in an offset `+HH:MM` / `-HHMM` of at most 23:59 (the parser
/// alone takes `+99:99`, four days off).
bool hasValidZone(const std::string& text) {
    if (!text.empty() && text.back() == 'Z') return true;
    const std::size_t sign = text.find_last_of("+-");
    if (sign == std::string::npos || sign < 10) return false;
    std::string digits = text.substr(sign + 1);
    if (digits.size() == 5 && digits[2] == ':') digits.erase(2, 1);
    if (digits.size() != 4 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
    return std::stoi(digits.substr(0, 2)) <= 23 && std::stoi(digits.substr(2)) <= 59;
}

/// An ISO 8601 time with its zone ("2026-12-01T09:00:00Z", "2026-12-01T10:00:00+01:00").
std::chrono::system_clock::time_point parseTime(const std::string& option, const std::string& text) {
    int zoneDifferential = 0;
    Poco::DateTime parsed;
    if (!hasValidZone(text) ||
        !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, text, parsed, zoneDifferential))
        throw std::invalid_argument(option + " needs a time with its zone like 2026-12-01T09:00:00Z, not '" + text + "'");
    parsed.makeUTC(zoneDifferential);
    if (parsed.year() < 1678 || parsed.year() > 2261) // what system_clock (nanoseconds) holds
        throw std::invalid_argument(option + " must lie in the years 1678 to 2261, not '" + text + "'");
    return std::chrono::system_clock::time_point(
        std::chrono::microseconds(parsed.timestamp().epochMicroseconds()));
}

std::string readIcs(const std::string& path) {
    try {
        return fake::readInputFile(path, fake::kMaxTextInput);
    } catch (const fake::InputFileError& e) {
        throw std::invalid_argument("--ical: cannot read '" + path + "': " + e.cause());
    }
}

} // namespace

bool takeCalendarOption(const std::vector<std::string>& args, std::size_t& i, CalendarOptions& o) {
    const std::string& a = args[i];
    if (a == "--ical") o.icsFile = optionValue(args, i);
    else if (a == "--meeting-start") o.start = optionValue(args, i);
    else if (a == "--meeting-end") o.end = optionValue(args, i);
    else if (a == "--meeting-location") o.location = optionValue(args, i);
    else if (a == "--meeting-zone") o.timeZone = optionValue(args, i);
    else if (a == "--ics-attachment") o.icsAttachment = true;
    else return false;
    return true;
}

void checkCalendarOptions(const CalendarOptions& o) {
    const bool built = !o.start.empty() || !o.end.empty() || !o.location.empty() || !o.timeZone.empty();
    if (!o.icsFile.empty() && built) throw std::invalid_argument("--ical cannot be combined with --meeting-* options");
    if (built && (o.start.empty() || o.end.empty()))
        throw std::invalid_argument("a meeting needs both --meeting-start and --meeting-end");
    if (o.icsAttachment && !o.wanted()) throw std::invalid_argument("--ics-attachment needs --ical or --meeting-start");
}

void addCalendar(const CalendarOptions& o, MailMessage& message) {
    CalendarMailOptions mail;
    mail.addIcsAttachment = o.icsAttachment;
    if (!o.icsFile.empty()) {
        attachCalendar(message, readIcs(o.icsFile), mail, o.icsFile);
        return;
    }
    Appointment meeting;
    meeting.setSummary(message.subject());
    meeting.setLocation(o.location);
    meeting.setDescription(message.textBody());
    const auto start = parseTime("--meeting-start", o.start); // the first wrong option is named
    meeting.setTimes(start, parseTime("--meeting-end", o.end));
    if (!o.timeZone.empty()) meeting.setTimeZone(o.timeZone);
    if (message.from()) meeting.setOrganizer(*message.from());
    for (const auto& a : message.to()) meeting.addAttendee(a, AttendeeRole::Required);
    for (const auto& a : message.cc()) meeting.addAttendee(a, AttendeeRole::Optional);
    meeting.attachTo(message, mail);
}

const char* calendarOptionsUsage() {
    return "meeting request (with --from/--to):\n"
           "  --ical FILE           send FILE's iCalendar (with its METHOD) as a meeting request\n"
           "  --meeting-start T --meeting-end T\n"
           "                        build one: T like 2026-12-01T09:00:00Z or ...T10:00:00+01:00;\n"
           "                        organizer --from, attendees --to (required) and --cc\n"
           "                        (optional), summary --subject, description --text\n"
           "  --meeting-location L  where\n"
           "  --meeting-zone Z      show the times in IANA zone Z (TZID with VTIMEZONE)\n"
           "  --ics-attachment      also attach the calendar as invite.ics\n";
}

} // namespace mailrig::cli
