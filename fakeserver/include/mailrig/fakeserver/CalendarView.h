#pragma once
/// The verifying side's view of an iCalendar object (a meeting request, update, cancellation or
/// reply) found in captured mail. It parses with libical and never with the client's composing
/// code, runs libical's iTIP restriction check (RFC 5546) and adds mailrig's own lint for what
/// libical does not check.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mailrig::fake {

/// One problem found in a calendar. Codes are stable kebab-case names:
/// - `ical-unparsable`: no VCALENDAR could be read at all, or its components nest more than 16
///   deep (refused unread: libical recurses once per level)
/// - `ical-syntax`: libical's parser rejected a line, property, parameter or value
/// - `ical-itip`: libical's iTIP restriction check failed (RFC 5546: a property missing, repeated
///   or not allowed for the method)
/// - `ical-line-ending`: a line ends with a bare LF or CR instead of CRLF (RFC 5545 §3.1)
/// - `ical-line-too-long`: a line is longer than 75 octets without its CRLF (RFC 5545 §3.1)
/// - `ical-fold-splits-utf8`: a folded line breaks inside a UTF-8 character (RFC 5545 §3.1)
/// - `ical-tzid-undefined`: a TZID parameter names a zone no VTIMEZONE in the calendar defines
/// - `ical-method-missing`: the VCALENDAR has no METHOD (Outlook rejects it)
/// - `ical-mime-method-missing`: the text/calendar MIME part has no `method` parameter
/// - `ical-method-mismatch`: METHOD differs from the MIME `method` parameter (RFC 6047 §2.4)
/// - `ical-no-event`: the calendar holds no VEVENT
/// - `ical-dtend-not-after-dtstart`: an event's DTEND is not later than its DTSTART
/// - `ical-organizer-not-from`: a REQUEST's or CANCEL's ORGANIZER differs from the From address
/// - `ical-attendee-not-from`: a REPLY's ATTENDEE differs from the From address
struct CalendarFinding {
    std::string code;     ///< one of the codes above
    std::string message;  ///< a sentence for people naming the place and the cause
    std::size_t line = 0; ///< 1-based physical line in CalendarView::raw(), 0 when not tied to one
};

/// A calendar user: an ORGANIZER or ATTENDEE.
struct CalendarUser {
    std::string address; ///< the address without `mailto:` (the whole value when not mailto)
    std::string name;    ///< the CN parameter, "" when absent
};

/// One ATTENDEE with its parameters as written (upper case; "" when absent).
struct CalendarAttendee {
    std::string address;  ///< without `mailto:`
    std::string name;     ///< CN
    std::string role;     ///< ROLE, e.g. `REQ-PARTICIPANT`
    std::string partstat; ///< PARTSTAT, e.g. `NEEDS-ACTION`
    bool rsvp = false;    ///< RSVP=TRUE
};

/// A VEVENT as read back.
struct CalendarEvent {
    std::string uid;
    int sequence = 0; ///< 0 when SEQUENCE is absent
    std::string summary, location, description;
    std::string status; ///< STATUS, e.g. `CONFIRMED`, "" when absent
    std::string rrule;  ///< the RRULE value, "" when absent
    /// DTSTART/DTEND as instants, resolved through the calendar's VTIMEZONEs (or UTC); nullopt
    /// when absent, floating, in a zone nothing defines, or outside what system_clock can hold
    /// (years 1678 to 2261).
    std::optional<std::chrono::system_clock::time_point> start, end;
    std::string startText, endText; ///< the values as written, e.g. `20261201T090000`
    std::string startZone, endZone; ///< `UTC`, the TZID, or "" for floating or absent times
    std::optional<CalendarUser> organizer;
    std::vector<CalendarAttendee> attendees;
    std::size_t alarms = 0; ///< number of VALARMs
};

/// What the surrounding message says, to check the calendar against.
struct CalendarContext {
    /// The `method` parameter of the text/calendar part: nullopt skips the comparison (the text
    /// did not come from a MIME part); "" means the part had none.
    std::optional<std::string> mimeMethod;
    /// The From address of the message; "" skips the ORGANIZER/ATTENDEE check.
    std::string fromAddress;
};

/// A parsed and checked calendar. Construction does all the work; the view is then immutable,
/// a value type, and safe to read from several threads. Views may be built concurrently.
class CalendarView {
public:
    /// Parses `text` (the decoded text/calendar content, or a .ics file) and checks it. Never
    /// throws for bad calendars: every problem becomes a finding.
    explicit CalendarView(std::string text, const CalendarContext& context = {});
    /// Reads and checks a .ics file. Throws InputFileError (a std::runtime_error) naming the path
    /// and the cause when the file cannot be read or holds more than 64 MiB (kMaxTextInput).
    static CalendarView fromFile(const std::string& path, const CalendarContext& context = {});

    /// The text this view was parsed from.
    const std::string& raw() const { return _raw; }
    /// True when libical found a VCALENDAR.
    bool parsed() const { return _parsed; }
    /// The METHOD, upper case, "" when absent.
    const std::string& method() const { return _method; }
    /// The PRODID, "" when absent.
    const std::string& productId() const { return _productId; }
    /// TZIDs of the VTIMEZONEs the calendar carries.
    const std::vector<std::string>& timeZones() const { return _timeZones; }
    /// Every VEVENT in order.
    const std::vector<CalendarEvent>& events() const { return _events; }
    /// The first VEVENT, or nullptr when there is none. Valid while this view lives.
    const CalendarEvent* event() const { return _events.empty() ? nullptr : &_events.front(); }

    /// Every finding in a stable order: syntax, iTIP, then mailrig's lint in line order.
    const std::vector<CalendarFinding>& findings() const { return _findings; }
    /// True when there is a finding with that code.
    bool hasFinding(const std::string& code) const;
    /// True when there are no findings at all.
    bool clean() const { return _findings.empty(); }

private:
    std::string _raw;
    bool _parsed = false;
    std::string _method, _productId;
    std::vector<std::string> _timeZones;
    std::vector<CalendarEvent> _events;
    std::vector<CalendarFinding> _findings;
};

} // namespace mailrig::fake
