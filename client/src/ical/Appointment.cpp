#include "mailrig/client/Appointment.h"

#include "ical/IcsWriter.h"
#include "ical/LibicalHandle.h"
#include "ical/TimeZoneComponent.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <stdexcept>

namespace mailrig {

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

/// 128 random bits as hex, `@mailrig`: unique without revealing the host.
std::string generateUid() {
    std::random_device device;
    std::string uid;
    const char* hex = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) uid += hex[device() % 16];
    return uid + "@mailrig";
}

Appointment::TimePoint wholeSeconds(Appointment::TimePoint t) {
    return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

bool hasControl(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
}

} // namespace

std::string toString(CalendarMethod method) {
    switch (method) {
    case CalendarMethod::Request: return "REQUEST";
    case CalendarMethod::Cancel: return "CANCEL";
    case CalendarMethod::Reply: return "REPLY";
    }
    return "REQUEST";
}

std::string toString(AttendeeRole role) {
    switch (role) {
    case AttendeeRole::Chair: return "CHAIR";
    case AttendeeRole::Required: return "REQ-PARTICIPANT";
    case AttendeeRole::Optional: return "OPT-PARTICIPANT";
    case AttendeeRole::NonParticipant: return "NON-PARTICIPANT";
    }
    return "REQ-PARTICIPANT";
}

std::string toString(ParticipationStatus status) {
    switch (status) {
    case ParticipationStatus::NeedsAction: return "NEEDS-ACTION";
    case ParticipationStatus::Accepted: return "ACCEPTED";
    case ParticipationStatus::Declined: return "DECLINED";
    case ParticipationStatus::Tentative: return "TENTATIVE";
    case ParticipationStatus::Delegated: return "DELEGATED";
    }
    return "NEEDS-ACTION";
}

std::string toString(EventStatus status) {
    switch (status) {
    case EventStatus::Tentative: return "TENTATIVE";
    case EventStatus::Confirmed: return "CONFIRMED";
    case EventStatus::Cancelled: return "CANCELLED";
    }
    return "CONFIRMED";
}

Appointment::Appointment() : _uid(generateUid()) {
    using namespace std::chrono;
    const auto nextHour = time_point_cast<hours>(system_clock::now()) + hours(1);
    _start = nextHour;
    _end = nextHour + hours(1);
}

void Appointment::setUid(const std::string& uid) {
    if (uid.empty() || hasControl(uid))
        throw std::invalid_argument("Appointment UID must be non-empty text without control characters");
    _uid = uid;
}

void Appointment::setSequence(int sequence) {
    if (sequence < 0) throw std::invalid_argument("Appointment SEQUENCE must not be negative");
    _sequence = sequence;
}

void Appointment::setTimes(TimePoint start, TimePoint end) {
    start = wholeSeconds(start);
    end = wholeSeconds(end);
    if (end <= start) throw std::invalid_argument("Appointment end must be after its start (DTEND > DTSTART)");
    _start = start;
    _end = end;
}

void Appointment::setTimeZone(const std::string& zone) {
    if (zone.empty() || zone == "UTC" || zone == "Etc/UTC") {
        _timeZone.clear();
        return;
    }
    if (!detail::findTimeZone(zone))
        throw std::invalid_argument("unknown time zone '" + zone + "' (expected an IANA name such as Europe/Berlin)");
    _timeZone = zone;
}

void Appointment::setRecurrenceRule(const std::string& rule) {
    if (rule.empty()) {
        _rrule.clear();
        return;
    }
    const std::string value = rule.rfind("RRULE:", 0) == 0 ? rule.substr(6) : rule;
    icalerror_clear_errno();
    const icalrecurrencetype parsed = icalrecurrencetype_from_string(value.c_str());
    if (parsed.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
        const std::string reason = icalerror_strerror(icalerrno);
        icalerror_clear_errno();
        throw std::invalid_argument("invalid RRULE '" + value + "': " + reason);
    }
    _rrule = value;
}

void Appointment::addAttendee(const Attendee& attendee) {
    const std::string& address = attendee.mailbox.address;
    if (address.find('@') == std::string::npos || hasControl(address))
        throw std::invalid_argument("attendee address '" + address + "' is not an email address");
    const bool known = std::any_of(_attendees.begin(), _attendees.end(), [&](const Attendee& a) {
        return lower(a.mailbox.address) == lower(address);
    });
    if (known) throw std::invalid_argument("'" + address + "' is already an attendee");
    _attendees.push_back(attendee);
}

void Appointment::addAttendee(const MailAddress& mailbox, AttendeeRole role, bool rsvp) {
    Attendee attendee;
    attendee.mailbox = mailbox;
    attendee.role = role;
    attendee.rsvp = rsvp;
    addAttendee(attendee);
}

void Appointment::addReminder(const Reminder& reminder) {
    if (reminder.before.count() < 0) throw std::invalid_argument("a reminder cannot come after the start");
    _reminders.push_back(reminder);
}

Appointment Appointment::updated() const {
    Appointment next = *this;
    next._sequence = _sequence + 1;
    next._method = CalendarMethod::Request;
    next._stamp.reset();
    return next;
}

Appointment Appointment::cancelled() const {
    Appointment next = *this;
    next._sequence = _sequence + 1;
    next._method = CalendarMethod::Cancel;
    next._status = EventStatus::Cancelled;
    next._stamp.reset();
    return next;
}

Appointment Appointment::reply(const std::string& attendeeAddress, ParticipationStatus status) const {
    if (status == ParticipationStatus::NeedsAction)
        throw std::invalid_argument("a REPLY must answer: ACCEPTED, DECLINED, TENTATIVE or DELEGATED");
    const auto it = std::find_if(_attendees.begin(), _attendees.end(), [&](const Attendee& a) {
        return lower(a.mailbox.address) == lower(attendeeAddress);
    });
    if (it == _attendees.end())
        throw std::invalid_argument("'" + attendeeAddress + "' is not an attendee of '" + _summary + "'");
    Appointment answer = *this;
    Attendee me = *it;
    me.status = status;
    me.rsvp = false;
    answer._attendees = {me};
    answer._method = CalendarMethod::Reply;
    answer._reminders.clear();
    answer._stamp.reset();
    return answer;
}

std::string Appointment::toIcs() const {
    return detail::writeIcs(*this, std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
}

} // namespace mailrig
