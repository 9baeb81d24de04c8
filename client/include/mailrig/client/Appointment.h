#pragma once

#include "mailrig/client/MailAddress.h"
#include "mailrig/client/MimeTypes.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mailrig {

class MailMessage;

/// The iTIP method (RFC 5546) of a calendar message: written as `METHOD:` in the VCALENDAR and
/// as the `method=` parameter of the `text/calendar` MIME part.
enum class CalendarMethod {
    Request, ///< an invitation or an update to one (`REQUEST`)
    Cancel,  ///< the organizer cancels the event (`CANCEL`)
    Reply,   ///< an attendee answers an invitation (`REPLY`)
};

/// `REQUEST`, `CANCEL` or `REPLY`.
std::string toString(CalendarMethod method);

/// An attendee's `ROLE=` parameter.
enum class AttendeeRole { Chair, Required, Optional, NonParticipant };

/// `CHAIR`, `REQ-PARTICIPANT`, `OPT-PARTICIPANT` or `NON-PARTICIPANT`.
std::string toString(AttendeeRole role);

/// An attendee's `PARTSTAT=` parameter.
enum class ParticipationStatus { NeedsAction, Accepted, Declined, Tentative, Delegated };

/// `NEEDS-ACTION`, `ACCEPTED`, `DECLINED`, `TENTATIVE` or `DELEGATED`.
std::string toString(ParticipationStatus status);

/// The event's `STATUS:` property.
enum class EventStatus { Tentative, Confirmed, Cancelled };

/// `TENTATIVE`, `CONFIRMED` or `CANCELLED`.
std::string toString(EventStatus status);

/// One `ATTENDEE` line: `ATTENDEE;CN=name;ROLE=...;PARTSTAT=...;RSVP=TRUE:mailto:address`.
/// The display name of `mailbox` becomes `CN` (quoted when it holds `,;:`).
struct Attendee {
    MailAddress mailbox;                                          ///< address and optional name
    AttendeeRole role = AttendeeRole::Required;                   ///< `ROLE=`
    ParticipationStatus status = ParticipationStatus::NeedsAction; ///< `PARTSTAT=`
    bool rsvp = true;                                             ///< `RSVP=TRUE` / `RSVP=FALSE`
};

/// A `VALARM` inside the event: `ACTION:DISPLAY`, `TRIGGER:-PT<n>M` (relative to the start).
struct Reminder {
    std::chrono::minutes before{15};    ///< how long before the start; must not be negative
    std::string description = "Reminder"; ///< the alarm's `DESCRIPTION` (UTF-8)
};

/// How Appointment::attachTo() puts the calendar into a message.
struct CalendarMailOptions {
    /// Transfer encoding of the `text/calendar` view. `Auto` writes 7bit for ASCII (the
    /// calendar's lines never exceed 75 octets) and quoted-printable when the calendar holds
    /// 8-bit text (as Notes does; it stays readable on the wire); `QuotedPrintable` and `Base64`
    /// (as Outlook does) are honoured; `SevenBit`/`EightBit` mean `Auto`, so nothing depends on
    /// 8BITMIME.
    TransferEncoding transferEncoding = TransferEncoding::Auto;
    /// Also attach the calendar as a file (`application/ics`, what Outlook itself adds), in an
    /// outer multipart/mixed.
    bool addIcsAttachment = false;
    /// The attachment's file name when `addIcsAttachment` is set.
    std::string attachmentName = "invite.ics";
    /// Set the message's subject to the event's summary when the message has none (for CANCEL
    /// prefixed `Cancelled: `, for REPLY `Accepted: `/`Declined: `/`Tentative: `).
    bool subjectFromSummary = true;
};

/// A meeting (the seed's Appointment): one VEVENT inside a VCALENDAR with an iTIP method,
/// built and serialised with libical. A value type: copying copies everything.
///
/// Times are instants (`system_clock` time points, i.e. UTC). With no time zone set they are
/// written in UTC (`DTSTART:20261201T090000Z`); with an IANA zone (`Europe/Berlin`) they are
/// written as local wall time with `TZID=Europe/Berlin`, and a `VTIMEZONE` generated from the
/// system time-zone database (through libical's built-in zones) is written before the VEVENT,
/// holding only the observances that apply from a year before the start onwards.
///
/// toIcs() writes `PRODID`, `VERSION:2.0`, `METHOD`, then `UID`, `DTSTAMP` (UTC), `SEQUENCE`,
/// `DTSTART`, `DTEND`, `SUMMARY`, `LOCATION`, `DESCRIPTION`, `STATUS`, `ORGANIZER`, the
/// `ATTENDEE`s, `RRULE` and the `VALARM`s, with CRLF line ends, text values escaped
/// (`\\ \; \, \n`) and every line folded at 75 octets, never inside a UTF-8 character.
///
/// Not thread-safe for concurrent mutation; concurrent const access is safe.
class Appointment {
public:
    using TimePoint = std::chrono::system_clock::time_point;

    /// A REQUEST with a fresh UID (`<random hex>@mailrig`), sequence 0, status CONFIRMED, a
    /// start at the next full hour and a one-hour duration.
    Appointment();

    // --- identity ---------------------------------------------------------------------------
    /// The `UID`, identical across the request, its updates, its cancellation and replies.
    const std::string& uid() const { return _uid; }
    /// Sets the UID; throws std::invalid_argument when it is empty or holds a control character.
    void setUid(const std::string& uid);
    /// The `SEQUENCE`: 0 for a first request, incremented by updated() and cancelled().
    int sequence() const { return _sequence; }
    /// Throws std::invalid_argument when negative.
    void setSequence(int sequence);
    CalendarMethod method() const { return _method; }
    void setMethod(CalendarMethod method) { _method = method; }
    EventStatus status() const { return _status; }
    void setStatus(EventStatus status) { _status = status; }
    /// The `DTSTAMP`; when unset toIcs() writes the time of serialisation.
    const std::optional<TimePoint>& stamp() const { return _stamp; }
    void setStamp(TimePoint stamp) { _stamp = stamp; }

    // --- what and where ---------------------------------------------------------------------
    /// `SUMMARY` (UTF-8): the meeting's title.
    const std::string& summary() const { return _summary; }
    void setSummary(const std::string& summary) { _summary = summary; }
    /// `LOCATION` (UTF-8); empty writes none.
    const std::string& location() const { return _location; }
    void setLocation(const std::string& location) { _location = location; }
    /// `DESCRIPTION` (UTF-8, may hold newlines); empty writes none. attachTo() also uses it
    /// as the text/plain body when the message has none.
    const std::string& description() const { return _description; }
    void setDescription(const std::string& description) { _description = description; }

    // --- when -------------------------------------------------------------------------------
    TimePoint start() const { return _start; }
    TimePoint end() const { return _end; }
    /// Sets `DTSTART` and `DTEND` (whole seconds). Throws std::invalid_argument when `end` is
    /// not after `start`.
    void setTimes(TimePoint start, TimePoint end);
    /// The IANA zone the times are written in; empty for UTC.
    const std::string& timeZone() const { return _timeZone; }
    /// Sets the IANA zone (`Europe/Berlin`, `America/New_York`) or UTC for an empty name or
    /// `UTC`. Throws std::invalid_argument naming the zone when the time-zone database does not
    /// know it.
    void setTimeZone(const std::string& zone);
    /// The `RRULE` value without the `RRULE:` prefix (e.g. `FREQ=WEEKLY;COUNT=10;BYDAY=MO`);
    /// empty for a single event.
    const std::string& recurrenceRule() const { return _rrule; }
    /// Sets the RRULE; empty removes it. Throws std::invalid_argument with libical's reason when
    /// the rule does not parse.
    void setRecurrenceRule(const std::string& rule);

    // --- who --------------------------------------------------------------------------------
    /// The `ORGANIZER` (`ORGANIZER;CN=name:mailto:address`); required for every method.
    const std::optional<MailAddress>& organizer() const { return _organizer; }
    void setOrganizer(const MailAddress& organizer) { _organizer = organizer; }
    const std::vector<Attendee>& attendees() const { return _attendees; }
    /// Adds an attendee; throws std::invalid_argument when the address has no `@` or is
    /// already an attendee (compared case-insensitively).
    void addAttendee(const Attendee& attendee);
    /// Adds a required attendee who is asked to reply; throws like addAttendee(Attendee).
    void addAttendee(const MailAddress& mailbox,
                     AttendeeRole role = AttendeeRole::Required, bool rsvp = true);
    void clearAttendees() { _attendees.clear(); }

    // --- reminders --------------------------------------------------------------------------
    const std::vector<Reminder>& reminders() const { return _reminders; }
    /// Adds a VALARM; throws std::invalid_argument when `before` is negative.
    void addReminder(const Reminder& reminder);
    void clearReminders() { _reminders.clear(); }

    // --- derived messages -------------------------------------------------------------------
    /// The same meeting as an update: same UID, SEQUENCE + 1, method REQUEST, DTSTAMP unset (so
    /// it is written anew). Change times, place or attendees on the copy and send it.
    Appointment updated() const;
    /// The cancellation: same UID, SEQUENCE + 1, method CANCEL, `STATUS:CANCELLED`, DTSTAMP
    /// unset, every attendee kept (they all receive it).
    Appointment cancelled() const;
    /// An attendee's answer: method REPLY, same UID and SEQUENCE, exactly one ATTENDEE (the one
    /// whose address equals `attendeeAddress`, case-insensitively) with `status` and no RSVP,
    /// reminders dropped, DTSTAMP unset. Throws std::invalid_argument when that address is not
    /// an attendee or `status` is NeedsAction.
    Appointment reply(const std::string& attendeeAddress, ParticipationStatus status) const;

    // --- output -----------------------------------------------------------------------------
    /// The VCALENDAR text as described on the class (CRLF line ends, ends with CRLF). Throws
    /// std::logic_error naming what is missing when there is no organizer, when a REQUEST or
    /// CANCEL has no attendee, or when a REPLY does not have exactly one attendee; and
    /// std::invalid_argument for a recurring meeting that starts in the hour repeated when
    /// daylight time ends (no form names both its start and its repetitions right).
    std::string toIcs() const;
    /// Puts the meeting into `message` as Outlook and Notes expect it: adds the `text/calendar;
    /// method=<METHOD>; charset=UTF-8` alternate view (after the text and HTML bodies inside
    /// multipart/alternative), a text/plain body when the message has none (the summary, time,
    /// location and description), the header `Content-Class: urn:content-classes:calendarmessage`
    /// (replacing an earlier one), the subject when the message has none and the options ask for
    /// it, and optionally a `.ics` attachment. Sets From, when the message has none, to the
    /// organizer (for a REPLY: to the attendee who answers). Throws like toIcs(), and std::logic_error when the message already carries a
    /// text/calendar view (one calendar per message).
    void attachTo(MailMessage& message, const CalendarMailOptions& options = {}) const;

private:
    std::string _uid;
    int _sequence = 0;
    CalendarMethod _method = CalendarMethod::Request;
    EventStatus _status = EventStatus::Confirmed;
    std::optional<TimePoint> _stamp;
    std::string _summary, _location, _description;
    TimePoint _start, _end;
    std::string _timeZone;
    std::string _rrule;
    std::optional<MailAddress> _organizer;
    std::vector<Attendee> _attendees;
    std::vector<Reminder> _reminders;
};

/// Puts an existing iCalendar text (a .ics file, say) into `message` exactly as
/// Appointment::attachTo() does: the `text/calendar; method=<METHOD>; charset=UTF-8` view with
/// the METHOD read from the text, `Content-Class: urn:content-classes:calendarmessage`, a
/// text/plain body (summary, start, location, organizer, description of the first VEVENT) when
/// the message has none, the subject from SUMMARY and From from ORGANIZER (a REPLY's from its
/// ATTENDEE) when the message has none, and the optional `.ics` attachment. Line ends are normalised to CRLF and lines longer
/// than 75 octets are folded (never inside a UTF-8 character); nothing else is changed. Throws
/// std::invalid_argument naming `name` when the text holds no VCALENDAR or no METHOD (Outlook
/// rejects a calendar without one), and std::logic_error when the message already carries a
/// text/calendar view.
void attachCalendar(MailMessage& message, const std::string& icsText, const CalendarMailOptions& options = {},
                    const std::string& name = "calendar");

} // namespace mailrig
