#include "ical/CalendarReader.h"
#include "view/UnixTime.h"

#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <memory>
#include <optional>
#include <string_view>

namespace mailrig::fake::detail {

namespace {

struct ComponentFree {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};

std::string text(const char* value) { return value ? value : ""; }

/// `mailto:a@b` → `a@b` (scheme case-insensitive); other values unchanged.
std::string withoutMailto(const std::string& value) {
    if (value.size() >= 7) {
        std::string scheme = value.substr(0, 7);
        for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (scheme == "mailto:") return value.substr(7);
    }
    return value;
}

/// A parameter's value as written (quotes removed), "" when absent.
std::string parameterText(icalproperty* p, icalparameter_kind kind) {
    icalparameter* param = icalproperty_get_first_parameter(p, kind);
    if (!param) return "";
    if (kind == ICAL_CN_PARAMETER) return text(icalparameter_get_cn(param));
    const std::string written = text(icalparameter_as_ical_string(param)); // NAME=value
    std::string value = written.substr(written.find('=') + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
}

std::string propertyText(icalcomponent* c, icalproperty_kind kind) {
    icalproperty* p = icalcomponent_get_first_property(c, kind);
    if (!p) return "";
    if (kind == ICAL_SUMMARY_PROPERTY || kind == ICAL_LOCATION_PROPERTY || kind == ICAL_DESCRIPTION_PROPERTY ||
        kind == ICAL_UID_PROPERTY) {
        icalvalue* v = icalproperty_get_value(p);
        return v && icalvalue_isa(v) == ICAL_TEXT_VALUE ? text(icalvalue_get_text(v))
                                                        : text(icalproperty_get_value_as_string(p));
    }
    return text(icalproperty_get_value_as_string(p));
}

/// Seconds east of UTC that `zone` observes at the UTC instant `utcSeconds`.
int zoneOffset(icaltimezone* zone, std::time_t utcSeconds) {
    icaltimetype at = icaltime_from_timet_with_zone(utcSeconds, 0, icaltimezone_get_utc_timezone());
    int isDaylight = 0;
    return icaltimezone_get_utc_offset_of_utc_time(zone, &at, &isDaylight);
}

/// The instant a local time in `zone` names, as RFC 5545 3.3.5 reads it: a time that occurs twice
/// (the hour repeated after daylight time) is its first occurrence; a time that never occurs (the
/// hour skipped) is read with the offset before the gap. (libical's own conversion takes the
/// second occurrence of a repeated time.)
std::time_t localInstant(const icaltimetype& local, icaltimezone* zone) {
    icaltimetype wallFields = local;
    wallFields.zone = nullptr;
    const std::time_t wall = icaltime_as_timet(wallFields); // the fields counted as if UTC
    // Offset changes are far more than a day apart: the readings can only use the offset in
    // force a day before or a day after.
    const int before = zoneOffset(zone, wall - 86400);
    const int after = zoneOffset(zone, wall + 86400);
    std::optional<std::time_t> first;
    for (int offset : {before, after}) {
        const std::time_t candidate = wall - offset;
        if (zoneOffset(zone, candidate) == offset && (!first || candidate < *first)) first = candidate;
    }
    return first ? *first : wall - before;
}

/// Reads DTSTART or DTEND: the text as written, the zone, and the instant when it is known.
void readTime(icalcomponent* event, icalproperty_kind kind, std::optional<std::chrono::system_clock::time_point>& instant,
              std::string& written, std::string& zone) {
    icalproperty* p = icalcomponent_get_first_property(event, kind);
    if (!p) return;
    written = text(icalproperty_get_value_as_string(p));
    icaltimetype t = kind == ICAL_DTSTART_PROPERTY ? icalcomponent_get_dtstart(event) : icalproperty_get_dtend(p);
    const std::string tzid = text(icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER)
                                      ? icalparameter_get_tzid(icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER))
                                      : nullptr);
    if (kind == ICAL_DTEND_PROPERTY && !tzid.empty()) {
        // resolve DTEND's zone the way libical resolves DTSTART's: the calendar's VTIMEZONEs first
        for (icalcomponent* c = event; c; c = icalcomponent_get_parent(c))
            if (icaltimezone* tz = icalcomponent_get_timezone(c, tzid.c_str())) {
                t = icaltime_set_timezone(&t, tz);
                break;
            }
    }
    if (icaltime_is_null_time(t) || t.is_date) {
        zone = tzid;
        return;
    }
    if (icaltime_is_utc(t)) {
        zone = "UTC";
    } else {
        zone = tzid;
        if (!t.zone && !tzid.empty()) {
            if (icaltimezone* builtin = icaltimezone_get_builtin_timezone(tzid.c_str()))
                t = icaltime_set_timezone(&t, builtin);
        }
        if (!t.zone) return; // floating, or a zone nothing defines
    }
    instant = timePointFromUnixSeconds(icaltime_is_utc(t) ? icaltime_as_timet(t) : localInstant(t, const_cast<icaltimezone*>(t.zone)));
}

CalendarEvent readEvent(icalcomponent* e) {
    CalendarEvent event;
    event.uid = propertyText(e, ICAL_UID_PROPERTY);
    if (icalproperty* p = icalcomponent_get_first_property(e, ICAL_SEQUENCE_PROPERTY))
        event.sequence = icalproperty_get_sequence(p);
    event.summary = propertyText(e, ICAL_SUMMARY_PROPERTY);
    event.location = propertyText(e, ICAL_LOCATION_PROPERTY);
    event.description = propertyText(e, ICAL_DESCRIPTION_PROPERTY);
    event.status = propertyText(e, ICAL_STATUS_PROPERTY);
    event.rrule = propertyText(e, ICAL_RRULE_PROPERTY);
    readTime(e, ICAL_DTSTART_PROPERTY, event.start, event.startText, event.startZone);
    readTime(e, ICAL_DTEND_PROPERTY, event.end, event.endText, event.endZone);
    if (icalproperty* p = icalcomponent_get_first_property(e, ICAL_ORGANIZER_PROPERTY))
        event.organizer = CalendarUser{withoutMailto(text(icalproperty_get_organizer(p))),
                                       parameterText(p, ICAL_CN_PARAMETER)};
    for (icalproperty* p = icalcomponent_get_first_property(e, ICAL_ATTENDEE_PROPERTY); p;
         p = icalcomponent_get_next_property(e, ICAL_ATTENDEE_PROPERTY)) {
        CalendarAttendee attendee;
        attendee.address = withoutMailto(text(icalproperty_get_attendee(p)));
        attendee.name = parameterText(p, ICAL_CN_PARAMETER);
        attendee.role = parameterText(p, ICAL_ROLE_PARAMETER);
        attendee.partstat = parameterText(p, ICAL_PARTSTAT_PARAMETER);
        attendee.rsvp = parameterText(p, ICAL_RSVP_PARAMETER) == "TRUE";
        event.attendees.push_back(attendee);
    }
    event.alarms = static_cast<std::size_t>(icalcomponent_count_components(e, ICAL_VALARM_COMPONENT));
    return event;
}

/// Every X-LIC-ERROR libical left in the tree, as findings; removes them so that a later pass
/// reports only its own.
void takeErrors(icalcomponent* c, std::vector<CalendarFinding>& findings) {
    std::vector<icalproperty*> errors;
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY))
        errors.push_back(p);
    for (icalproperty* p : errors) {
        icalparameter* type = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER);
        const bool itip = type && icalparameter_get_xlicerrortype(type) == ICAL_XLICERRORTYPE_INVALIDITIP;
        const std::string where = text(icalcomponent_kind_to_string(icalcomponent_isa(c)));
        findings.push_back({itip ? "ical-itip" : "ical-syntax",
                            where + ": " + text(icalproperty_get_xlicerror(p)), 0});
        icalcomponent_remove_property(c, p);
        icalproperty_free(p);
    }
    for (icalcomponent* child = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); child;
         child = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        takeErrors(child, findings);
}

/// TZID parameters of every property outside VTIMEZONEs.
void collectTzids(icalcomponent* c, std::set<std::string>& tzids) {
    if (icalcomponent_isa(c) == ICAL_VTIMEZONE_COMPONENT) return;
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY))
        for (icalparameter* param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER); param;
             param = icalproperty_get_next_parameter(p, ICAL_TZID_PARAMETER))
            tzids.insert(text(icalparameter_get_tzid(param)));
    for (icalcomponent* child = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); child;
         child = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        collectTzids(child, tzids);
}

/// The VCALENDAR inside what the parser returned (it wraps several top-level components in an
/// XROOT), or nullptr.
icalcomponent* findCalendar(icalcomponent* root) {
    if (!root) return nullptr;
    if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) return root;
    return icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
}

/// Components nested deeper than this are refused before libical sees them: its parser, checks
/// and free recurse once per level. Real calendars nest three deep (VCALENDAR, VEVENT, VALARM).
constexpr std::size_t maxComponentDepth = 16;

bool startsWithNoCase(std::string_view line, std::string_view prefix) {
    if (line.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(line[i])) != prefix[i]) return false;
    return true;
}

/// How deep BEGIN: lines nest in `input`, read as libical reads it: unfolded first.
std::size_t componentDepth(const std::string& input) {
    std::string unfolded;
    unfolded.reserve(input.size());
    for (std::size_t i = 0; i < input.size(); ++i) {
        const std::size_t eol = input[i] == '\r' && i + 1 < input.size() && input[i + 1] == '\n' ? 2 : input[i] == '\n' ? 1 : 0;
        if (eol && i + eol < input.size() && (input[i + eol] == ' ' || input[i + eol] == '\t')) {
            i += eol; // drop the line break and the blank that folds
            continue;
        }
        unfolded += input[i];
    }
    std::size_t depth = 0, deepest = 0, pos = 0;
    while (pos < unfolded.size()) {
        std::size_t end = unfolded.find('\n', pos);
        if (end == std::string::npos) end = unfolded.size();
        const std::string_view line(unfolded.data() + pos, end - pos);
        if (startsWithNoCase(line, "BEGIN:")) deepest = std::max(deepest, ++depth);
        else if (startsWithNoCase(line, "END:") && depth > 0) --depth;
        pos = end + 1;
    }
    return deepest;
}

} // namespace

ParsedCalendar readCalendar(const std::string& input) {
    ParsedCalendar out;
    if (const std::size_t depth = componentDepth(input); depth > maxComponentDepth) {
        out.findings.push_back({"ical-unparsable",
                                "components nest " + std::to_string(depth) + " deep, over the " +
                                    std::to_string(maxComponentDepth) + " this reader accepts",
                                0});
        return out;
    }
    icalerror_clear_errno();
    std::unique_ptr<icalcomponent, ComponentFree> root(icalparser_parse_string(input.c_str()));
    icalerror_clear_errno();
    icalcomponent* calendar = findCalendar(root.get());
    if (!calendar) {
        out.findings.push_back({"ical-unparsable", "no BEGIN:VCALENDAR ... END:VCALENDAR could be read", 0});
        return out;
    }
    out.parsed = true;
    takeErrors(calendar, out.findings); // the parser's complaints

    if (icalproperty* p = icalcomponent_get_first_property(calendar, ICAL_METHOD_PROPERTY))
        out.method = text(icalproperty_get_value_as_string(p));
    out.productId = propertyText(calendar, ICAL_PRODID_PROPERTY);
    for (icalcomponent* tz = icalcomponent_get_first_component(calendar, ICAL_VTIMEZONE_COMPONENT); tz;
         tz = icalcomponent_get_next_component(calendar, ICAL_VTIMEZONE_COMPONENT))
        out.timeZones.push_back(propertyText(tz, ICAL_TZID_PROPERTY));
    collectTzids(calendar, out.usedTzids);
    for (icalcomponent* e = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT))
        out.events.push_back(readEvent(e));

    if (!out.method.empty()) { // without METHOD there is no iTIP table to check against
        icalrestriction_check(calendar);
        takeErrors(calendar, out.findings);
    }
    return out;
}

} // namespace mailrig::fake::detail
