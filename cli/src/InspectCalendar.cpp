#include "InspectCalendar.h"

#include "mailrig/fakeserver/MessageCalendar.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

namespace mailrig::cli {

namespace {

using fake::CalendarEvent;
using fake::CalendarView;
using fake::displayText;

using TimePoint = std::chrono::system_clock::time_point;

std::string iso(const TimePoint& t) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%dT%H:%M:%SZ");
}

/// `20261201T100000 Europe/Berlin (2026-12-01T09:00:00Z)`, or what is known of it.
std::string whenText(const std::string& written, const std::string& zone, const std::optional<TimePoint>& instant) {
    if (written.empty()) return "(none)";
    std::string out = written;
    if (!zone.empty() && zone != "UTC") out += " " + zone;
    if (instant) out += " (" + iso(*instant) + ")";
    else out += " (instant unknown)";
    return out;
}

std::string person(const std::string& name, const std::string& address) {
    return name.empty() ? address : name + " <" + address + ">";
}

void printEvent(const CalendarEvent& e, std::ostream& out) {
    out << "  Event: " << displayText(e.summary) << "\n";
    out << "    UID:        " << displayText(e.uid) << "\n";
    out << "    Sequence:   " << e.sequence << "\n";
    if (!e.status.empty()) out << "    Status:     " << e.status << "\n";
    out << "    Start:      " << whenText(e.startText, e.startZone, e.start) << "\n";
    out << "    End:        " << whenText(e.endText, e.endZone, e.end) << "\n";
    if (!e.location.empty()) out << "    Location:   " << displayText(e.location) << "\n";
    if (e.organizer) out << "    Organizer:  " << displayText(person(e.organizer->name, e.organizer->address)) << "\n";
    for (const auto& a : e.attendees) {
        out << "    Attendee:   " << displayText(person(a.name, a.address));
        if (!a.role.empty()) out << "  " << a.role;
        if (!a.partstat.empty()) out << "  " << a.partstat;
        if (a.rsvp) out << "  RSVP";
        out << "\n";
    }
    if (!e.rrule.empty()) out << "    Recurrence: " << e.rrule << "\n";
    if (e.alarms) out << "    Alarms:     " << e.alarms << "\n";
}

Poco::Dynamic::Var optionalTime(const std::optional<TimePoint>& t) {
    return t ? Poco::Dynamic::Var(iso(*t)) : Poco::Dynamic::Var();
}

Poco::JSON::Object::Ptr eventJson(const CalendarEvent& e) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("uid", displayText(e.uid));
    o->set("sequence", e.sequence);
    o->set("summary", displayText(e.summary));
    o->set("location", displayText(e.location));
    o->set("status", e.status);
    o->set("start", optionalTime(e.start));
    o->set("end", optionalTime(e.end));
    o->set("startText", e.startText);
    o->set("endText", e.endText);
    o->set("startZone", displayText(e.startZone));
    o->set("endZone", displayText(e.endZone));
    if (e.organizer) {
        Poco::JSON::Object::Ptr organizer = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        organizer->set("name", displayText(e.organizer->name));
        organizer->set("address", displayText(e.organizer->address));
        o->set("organizer", organizer);
    } else {
        o->set("organizer", Poco::Dynamic::Var());
    }
    Poco::JSON::Array::Ptr attendees = new Poco::JSON::Array;
    for (const auto& a : e.attendees) {
        Poco::JSON::Object::Ptr attendee = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        attendee->set("name", displayText(a.name));
        attendee->set("address", displayText(a.address));
        attendee->set("role", a.role);
        attendee->set("partstat", a.partstat);
        attendee->set("rsvp", a.rsvp);
        attendees->add(attendee);
    }
    o->set("attendees", attendees);
    o->set("rrule", e.rrule);
    o->set("alarms", static_cast<Poco::UInt64>(e.alarms));
    return o;
}

} // namespace

void printCalendar(const CalendarView& calendar, const std::string& where, std::ostream& out) {
    out << "\nCalendar: " << (calendar.method().empty() ? "(no METHOD)" : calendar.method()) << " (" << where << ")\n";
    for (const auto& e : calendar.events()) printEvent(e, out);
    out << "  Calendar lint: ";
    if (calendar.clean()) {
        out << "no findings\n";
        return;
    }
    out << calendar.findings().size() << (calendar.findings().size() == 1 ? " finding\n" : " findings\n");
    for (const auto& f : calendar.findings()) {
        out << "    ";
        if (f.line) out << "line " << f.line << ": ";
        out << f.code << ": " << displayText(f.message) << "\n";
    }
}

void printCalendarSection(const fake::MessageView& view, std::ostream& out) {
    const fake::MimePart* part = fake::calendarPart(view);
    if (!part) return;
    printCalendar(*fake::calendarOf(view), "part " + (part->path().empty() ? std::string("(root)") : part->path()), out);
}

bool calendarIsClean(const fake::MessageView& view) {
    const auto calendar = fake::calendarOf(view);
    return !calendar || calendar->clean();
}

Poco::JSON::Object::Ptr calendarObject(const CalendarView& calendar) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("method", calendar.method());
    o->set("productId", displayText(calendar.productId()));
    Poco::JSON::Array::Ptr events = new Poco::JSON::Array;
    for (const auto& e : calendar.events()) events->add(eventJson(e));
    o->set("events", events);
    Poco::JSON::Array::Ptr findings = new Poco::JSON::Array;
    for (const auto& f : calendar.findings()) {
        Poco::JSON::Object::Ptr finding = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        finding->set("code", f.code);
        finding->set("message", displayText(f.message));
        finding->set("line", f.line ? Poco::Dynamic::Var(static_cast<Poco::UInt64>(f.line)) : Poco::Dynamic::Var());
        findings->add(finding);
    }
    o->set("findings", findings);
    return o;
}

Poco::Dynamic::Var calendarJson(const fake::MessageView& view) {
    const fake::MimePart* part = fake::calendarPart(view);
    if (!part) return Poco::Dynamic::Var();
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("part", part->path());
    const Poco::JSON::Object::Ptr rest = calendarObject(*fake::calendarOf(view));
    for (const auto& name : rest->getNames()) o->set(name, rest->get(name));
    return o;
}

} // namespace mailrig::cli
