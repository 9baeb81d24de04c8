#include "ical/IcsWriter.h"

#include "ical/IcsFolding.h"
#include "ical/LibicalHandle.h"
#include "ical/TimeZoneComponent.h"

#include <cstdio>
#include <stdexcept>

namespace mailrig::detail {

namespace {

constexpr const char* productId = "-//mailrig//mailrig " MAILRIG_VERSION "//EN";
constexpr std::time_t zoneMargin = 366 * 24 * 3600; // VTIMEZONE history kept before DTSTART

std::time_t toTimeT(Appointment::TimePoint t) { return std::chrono::system_clock::to_time_t(t); }

icalproperty_method toIcal(CalendarMethod method) {
    switch (method) {
    case CalendarMethod::Request: return ICAL_METHOD_REQUEST;
    case CalendarMethod::Cancel: return ICAL_METHOD_CANCEL;
    case CalendarMethod::Reply: return ICAL_METHOD_REPLY;
    }
    throw std::logic_error("unknown calendar method");
}

icalproperty_status toIcal(EventStatus status) {
    switch (status) {
    case EventStatus::Tentative: return ICAL_STATUS_TENTATIVE;
    case EventStatus::Confirmed: return ICAL_STATUS_CONFIRMED;
    case EventStatus::Cancelled: return ICAL_STATUS_CANCELLED;
    }
    throw std::logic_error("unknown event status");
}

icalparameter_role toIcal(AttendeeRole role) {
    switch (role) {
    case AttendeeRole::Chair: return ICAL_ROLE_CHAIR;
    case AttendeeRole::Required: return ICAL_ROLE_REQPARTICIPANT;
    case AttendeeRole::Optional: return ICAL_ROLE_OPTPARTICIPANT;
    case AttendeeRole::NonParticipant: return ICAL_ROLE_NONPARTICIPANT;
    }
    throw std::logic_error("unknown attendee role");
}

icalparameter_partstat toIcal(ParticipationStatus status) {
    switch (status) {
    case ParticipationStatus::NeedsAction: return ICAL_PARTSTAT_NEEDSACTION;
    case ParticipationStatus::Accepted: return ICAL_PARTSTAT_ACCEPTED;
    case ParticipationStatus::Declined: return ICAL_PARTSTAT_DECLINED;
    case ParticipationStatus::Tentative: return ICAL_PARTSTAT_TENTATIVE;
    case ParticipationStatus::Delegated: return ICAL_PARTSTAT_DELEGATED;
    }
    throw std::logic_error("unknown participation status");
}

/// A CN parameter value: parameter values cannot hold `"` or line breaks (RFC 5545 3.2), so
/// those become `'` and spaces; libical quotes the value when it holds `,;:`.
std::string parameterText(const std::string& text) {
    std::string out = text;
    for (char& c : out) {
        if (c == '"') c = '\'';
        else if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    }
    return out;
}

/// A TEXT value as RFC 5545 3.3.11 allows it: CRLF and lone CR become LF (written `\n`), other
/// control characters except TAB are dropped (libical would write them raw).
std::string textValue(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
            continue;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

icalproperty* addressProperty(icalproperty* property, const MailAddress& mailbox) {
    if (!mailbox.displayName.empty())
        icalproperty_add_parameter(property, icalparameter_new_cn(parameterText(mailbox.displayName).c_str()));
    return property;
}

std::string mailto(const MailAddress& mailbox) { return "mailto:" + mailbox.address; }

/// DTSTART/DTEND: UTC (`...Z`) without a zone, else local wall time with `TZID=<zone>`; UTC too
/// for an instant in the repeated hour of a change back from daylight time, which local time
/// would name an hour early (RFC 5545 3.3.5: the first occurrence).
icalproperty* timeProperty(icalproperty* (*make)(icaltimetype), Appointment::TimePoint when,
                           const std::string& zone) {
    icaltimezone* tz = zone.empty() ? icaltimezone_get_utc_timezone() : findTimeZone(zone);
    if (!tz) throw std::invalid_argument("unknown time zone '" + zone + "'");
    if (!zone.empty() && wallTimeOccursEarlier(tz, toTimeT(when))) tz = icaltimezone_get_utc_timezone();
    icaltimetype t = icaltime_from_timet_with_zone(toTimeT(when), 0, tz);
    if (tz == icaltimezone_get_utc_timezone()) return make(t);
    t.zone = nullptr; // written as local time; the TZID parameter names the zone
    icalproperty* property = make(t);
    icalproperty_add_parameter(property, icalparameter_new_tzid(zone.c_str()));
    return property;
}

void checkComplete(const Appointment& a) {
    const std::string method = toString(a.method());
    if (!a.organizer() || a.organizer()->address.empty())
        throw std::logic_error("a " + method + " needs an ORGANIZER: call setOrganizer()");
    if (a.method() == CalendarMethod::Reply && a.attendees().size() != 1)
        throw std::logic_error("a REPLY carries exactly one ATTENDEE (the one answering), not " +
                               std::to_string(a.attendees().size()) + ": use Appointment::reply()");
    if (a.method() != CalendarMethod::Reply && a.attendees().empty())
        throw std::logic_error("a " + method + " needs at least one ATTENDEE: call addAttendee()");
}

IcalComponentPtr buildEvent(const Appointment& a, std::time_t now) {
    IcalComponentPtr event(icalcomponent_new_vevent());
    icalcomponent* e = event.get();
    icalcomponent_add_property(e, icalproperty_new_uid(a.uid().c_str()));
    const std::time_t stamp = a.stamp() ? toTimeT(*a.stamp()) : now;
    icalcomponent_add_property(
        e, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(stamp, 0, icaltimezone_get_utc_timezone())));
    icalcomponent_add_property(e, icalproperty_new_sequence(a.sequence()));
    if (!a.timeZone().empty() && !a.recurrenceRule().empty() &&
        wallTimeOccursEarlier(findTimeZone(a.timeZone()), toTimeT(a.start())))
        // Local time would name the first of the two (an hour early); UTC would keep the first
        // start but move every repetition after the next change by an hour of local time.
        throw std::invalid_argument("a recurring meeting cannot start in the hour repeated when daylight time ends (" +
                                    formatLocalTime(a.start(), a.timeZone()) + " happens twice in " + a.timeZone() +
                                    "): start it outside that hour");
    icalcomponent_add_property(e, timeProperty(icalproperty_new_dtstart, a.start(), a.timeZone()));
    icalcomponent_add_property(e, timeProperty(icalproperty_new_dtend, a.end(), a.timeZone()));
    if (!a.summary().empty()) icalcomponent_add_property(e, icalproperty_new_summary(textValue(a.summary()).c_str()));
    if (!a.location().empty()) icalcomponent_add_property(e, icalproperty_new_location(textValue(a.location()).c_str()));
    if (!a.description().empty())
        icalcomponent_add_property(e, icalproperty_new_description(textValue(a.description()).c_str()));
    icalcomponent_add_property(e, icalproperty_new_status(toIcal(a.status())));
    icalcomponent_add_property(e, addressProperty(icalproperty_new_organizer(mailto(*a.organizer()).c_str()),
                                                  *a.organizer()));
    for (const Attendee& attendee : a.attendees()) {
        icalproperty* p = addressProperty(icalproperty_new_attendee(mailto(attendee.mailbox).c_str()),
                                          attendee.mailbox);
        icalproperty_add_parameter(p, icalparameter_new_role(toIcal(attendee.role)));
        icalproperty_add_parameter(p, icalparameter_new_partstat(toIcal(attendee.status)));
        if (a.method() != CalendarMethod::Reply)
            icalproperty_add_parameter(p, icalparameter_new_rsvp(attendee.rsvp ? ICAL_RSVP_TRUE : ICAL_RSVP_FALSE));
        icalcomponent_add_property(e, p);
    }
    if (!a.recurrenceRule().empty()) {
        icalerror_clear_errno();
        const icalrecurrencetype rule = icalrecurrencetype_from_string(a.recurrenceRule().c_str());
        icalcomponent_add_property(e, icalproperty_new_rrule(rule));
    }
    for (const Reminder& reminder : a.reminders()) {
        icalcomponent* alarm = icalcomponent_new_valarm();
        icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
        icaltriggertype trigger{};
        trigger.time = icaltime_null_time();
        trigger.duration = icaldurationtype_from_int(-static_cast<int>(reminder.before.count() * 60));
        icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
        icalcomponent_add_property(alarm, icalproperty_new_description(textValue(reminder.description).c_str()));
        icalcomponent_add_component(e, alarm);
    }
    return event;
}

} // namespace

std::string writeIcs(const Appointment& a, std::time_t now) {
    checkComplete(a);
    IcalComponentPtr calendar(icalcomponent_new_vcalendar());
    icalcomponent* c = calendar.get();
    icalcomponent_add_property(c, icalproperty_new_prodid(productId));
    icalcomponent_add_property(c, icalproperty_new_version("2.0"));
    icalcomponent_add_property(c, icalproperty_new_method(toIcal(a.method())));
    if (!a.timeZone().empty())
        icalcomponent_add_component(c, makeTimeZoneComponent(a.timeZone(), toTimeT(a.start()) - zoneMargin).release());
    icalcomponent_add_component(c, buildEvent(a, now).release());
    return foldContentLines(takeIcalString(icalcomponent_as_ical_string_r(c)));
}

std::string formatLocalTime(Appointment::TimePoint when, const std::string& zone) {
    icaltimezone* tz = zone.empty() ? icaltimezone_get_utc_timezone() : findTimeZone(zone);
    if (!tz) throw std::invalid_argument("unknown time zone '" + zone + "'");
    const icaltimetype t = icaltime_from_timet_with_zone(toTimeT(when), 0, tz);
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
    return text;
}

} // namespace mailrig::detail
