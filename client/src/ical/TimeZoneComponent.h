#pragma once

#include "ical/LibicalHandle.h"

#include <ctime>
#include <string>

namespace mailrig::detail {

/// The zone of that IANA name from the system time-zone database (libical's built-in zones),
/// or nullptr when unknown. The zone is owned by libical and lives as long as the process.
icaltimezone* findTimeZone(const std::string& name);

/// True when the wall-clock time of `instant` in `zone` also occurs earlier that day: the
/// repeated hour after a change back from daylight time. RFC 5545 3.3.5 reads such a local time
/// as its first occurrence, so an instant in the repeated hour cannot be written as local time.
bool wallTimeOccursEarlier(icaltimezone* zone, std::time_t instant);

/// A VTIMEZONE for the IANA zone `name` with `TZID:<name>`, holding only the observances that
/// matter from `from` onwards (the one in force at `from` and every later one), so a calendar
/// does not carry a century of history. Throws std::invalid_argument naming the zone when it is
/// unknown.
IcalComponentPtr makeTimeZoneComponent(const std::string& name, std::time_t from);

} // namespace mailrig::detail
