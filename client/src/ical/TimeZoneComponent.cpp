#include "ical/TimeZoneComponent.h"

#include <limits>
#include <stdexcept>
#include <vector>

namespace mailrig::detail {

namespace {

constexpr std::time_t forever = std::numeric_limits<std::time_t>::max();

/// The last instant at which an observance (STANDARD or DAYLIGHT) begins: its RRULE's UNTIL,
/// `forever` for an RRULE without end, else the latest of DTSTART and its RDATEs. Observance
/// times are local; comparing them as UTC is accurate to a day, which the caller's margin covers.
std::time_t lastOnset(icalcomponent* observance) {
    std::time_t last = icaltime_as_timet(icalcomponent_get_dtstart(observance));
    for (icalproperty* p = icalcomponent_get_first_property(observance, ICAL_RRULE_PROPERTY); p;
         p = icalcomponent_get_next_property(observance, ICAL_RRULE_PROPERTY)) {
        const icalrecurrencetype rule = icalproperty_get_rrule(p);
        if (icaltime_is_null_time(rule.until) && rule.count == 0) return forever;
        if (rule.count != 0) return forever; // rare in zone data; keep it rather than reason about it
        last = std::max(last, icaltime_as_timet(rule.until));
    }
    for (icalproperty* p = icalcomponent_get_first_property(observance, ICAL_RDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(observance, ICAL_RDATE_PROPERTY))
        last = std::max(last, icaltime_as_timet(icalproperty_get_rdate(p).time));
    return last;
}

/// The zone's offset from UTC in seconds at the UTC instant `at`.
int offsetAt(icaltimezone* zone, std::time_t at) {
    icaltimetype utc = icaltime_from_timet_with_zone(at, 0, icaltimezone_get_utc_timezone());
    int daylight = 0;
    return icaltimezone_get_utc_offset_of_utc_time(zone, &utc, &daylight);
}

} // namespace

bool wallTimeOccursEarlier(icaltimezone* zone, std::time_t instant) {
    const int offset = offsetAt(zone, instant);
    const std::time_t wall = instant + offset; // the local time, counted as if it were UTC
    // Offset changes are far more than a day apart: another reading of the same wall time can
    // only use the offset in force a day before or a day after.
    for (std::time_t day : {std::time_t{-86400}, std::time_t{86400}}) {
        const int other = offsetAt(zone, instant + day);
        if (other <= offset) continue; // a larger offset is what reaches the same wall time earlier
        const std::time_t earlier = wall - other;
        if (offsetAt(zone, earlier) == other) return true;
    }
    return false;
}

icaltimezone* findTimeZone(const std::string& name) {
    if (name.empty()) return nullptr;
    return icaltimezone_get_builtin_timezone(name.c_str());
}

IcalComponentPtr makeTimeZoneComponent(const std::string& name, std::time_t from) {
    icaltimezone* zone = findTimeZone(name);
    icalcomponent* source = zone ? icaltimezone_get_component(zone) : nullptr;
    if (!source) throw std::invalid_argument("unknown time zone '" + name + "'");
    IcalComponentPtr vtimezone(icalcomponent_new_clone(source));

    // Sort the observances into those that still begin at or after `from` and the single one
    // that was last to begin before it (the one in force at `from`).
    std::vector<icalcomponent*> observances;
    for (icalcomponent* c = icalcomponent_get_first_component(vtimezone.get(), ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(vtimezone.get(), ICAL_ANY_COMPONENT))
        observances.push_back(c);
    icalcomponent* inForce = nullptr;
    std::time_t inForceOnset = std::numeric_limits<std::time_t>::min();
    std::vector<icalcomponent*> drop;
    for (icalcomponent* c : observances) {
        const std::time_t onset = lastOnset(c);
        if (onset >= from) continue;
        if (onset > inForceOnset) {
            if (inForce) drop.push_back(inForce);
            inForce = c;
            inForceOnset = onset;
        } else {
            drop.push_back(c);
        }
    }
    for (icalcomponent* c : drop) {
        icalcomponent_remove_component(vtimezone.get(), c);
        icalcomponent_free(c);
    }

    // TZID: the plain IANA name (libical prefixes its own namespace), which is what DTSTART's
    // TZID parameter refers to and what other readers recognise.
    icalproperty* tzid = icalcomponent_get_first_property(vtimezone.get(), ICAL_TZID_PROPERTY);
    if (tzid)
        icalproperty_set_tzid(tzid, name.c_str());
    else
        icalcomponent_add_property(vtimezone.get(), icalproperty_new_tzid(name.c_str()));
    return vtimezone;
}

} // namespace mailrig::detail
