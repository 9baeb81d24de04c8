#include "mailrig/fakeserver/CalendarView.h"
#include "mailrig/fakeserver/InputFile.h"

#include "ical/CalendarReader.h"
#include "ical/CalendarTextLint.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace mailrig::fake {

namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

void lintTimeZones(const std::string& raw, const detail::ParsedCalendar& calendar,
                   std::vector<CalendarFinding>& findings) {
    for (const std::string& tzid : calendar.usedTzids) {
        if (std::find(calendar.timeZones.begin(), calendar.timeZones.end(), tzid) != calendar.timeZones.end())
            continue;
        const std::size_t line = detail::findContentLine(raw, "DTSTART");
        findings.push_back({"ical-tzid-undefined",
                            "TZID=" + tzid + " is used but the calendar has no VTIMEZONE with TZID:" + tzid, line});
    }
}

void lintMethod(const std::string& raw, const detail::ParsedCalendar& calendar, const CalendarContext& context,
                std::vector<CalendarFinding>& findings) {
    if (calendar.method.empty())
        findings.push_back({"ical-method-missing",
                            "the VCALENDAR has no METHOD (REQUEST, CANCEL, REPLY...); Outlook rejects such an invitation",
                            0});
    if (!context.mimeMethod) return;
    if (context.mimeMethod->empty()) {
        findings.push_back({"ical-mime-method-missing",
                            "the text/calendar part has no method parameter (RFC 6047 2.4 requires it)", 0});
        return;
    }
    if (!calendar.method.empty() && upper(*context.mimeMethod) != upper(calendar.method))
        findings.push_back({"ical-method-mismatch",
                            "METHOD:" + calendar.method + " differs from the MIME parameter method=" +
                                *context.mimeMethod,
                            detail::findContentLine(raw, "METHOD")});
}

void lintEvents(const std::string& raw, const detail::ParsedCalendar& calendar, const CalendarContext& context,
                std::vector<CalendarFinding>& findings) {
    if (calendar.events.empty()) {
        findings.push_back({"ical-no-event", "the calendar holds no VEVENT", 0});
        return;
    }
    std::size_t searchFrom = 1;
    for (const CalendarEvent& event : calendar.events) {
        const std::size_t line = detail::findContentLine(raw, "DTEND", searchFrom);
        if (line) searchFrom = line + 1;
        if (event.start && event.end && *event.end <= *event.start)
            findings.push_back({"ical-dtend-not-after-dtstart",
                                "event " + event.uid + ": DTEND " + event.endText + " is not after DTSTART " +
                                    event.startText,
                                line});
        if (context.fromAddress.empty()) continue;
        const std::string from = lower(context.fromAddress);
        if (upper(calendar.method) == "REPLY") {
            const bool fromAttendee = std::any_of(event.attendees.begin(), event.attendees.end(),
                                                  [&](const CalendarAttendee& a) { return lower(a.address) == from; });
            if (!fromAttendee)
                findings.push_back({"ical-attendee-not-from",
                                    "event " + event.uid + ": the REPLY comes from " + context.fromAddress +
                                        ", who is not its ATTENDEE",
                                    detail::findContentLine(raw, "ATTENDEE")});
        } else if (event.organizer && lower(event.organizer->address) != from) {
            findings.push_back({"ical-organizer-not-from",
                                "event " + event.uid + ": ORGANIZER " + event.organizer->address +
                                    " differs from the From address " + context.fromAddress,
                                detail::findContentLine(raw, "ORGANIZER")});
        }
    }
}

} // namespace

CalendarView::CalendarView(std::string text, const CalendarContext& context) : _raw(std::move(text)) {
    detail::ParsedCalendar calendar = detail::readCalendar(_raw);
    _parsed = calendar.parsed;
    _method = upper(calendar.method);
    _productId = calendar.productId;
    _timeZones = calendar.timeZones;
    _events = calendar.events;
    _findings = calendar.findings;
    if (!_parsed) return;

    std::vector<CalendarFinding> lint = detail::lintCalendarText(_raw);
    lintTimeZones(_raw, calendar, lint);
    lintMethod(_raw, calendar, context, lint);
    lintEvents(_raw, calendar, context, lint);
    std::stable_sort(lint.begin(), lint.end(),
                     [](const CalendarFinding& a, const CalendarFinding& b) { return a.line < b.line; });
    _findings.insert(_findings.end(), lint.begin(), lint.end());
}

CalendarView CalendarView::fromFile(const std::string& path, const CalendarContext& context) {
    return CalendarView(readInputFile(path, kMaxTextInput), context);
}

bool CalendarView::hasFinding(const std::string& code) const {
    return std::any_of(_findings.begin(), _findings.end(), [&](const CalendarFinding& f) { return f.code == code; });
}

} // namespace mailrig::fake
