#pragma once

#include "mailrig/client/Appointment.h"

#include <ctime>
#include <string>

namespace mailrig::detail {

/// The VCALENDAR of `appointment` as Appointment::toIcs() documents it, with `now` as DTSTAMP
/// when the appointment has none. Throws std::logic_error naming what is missing.
std::string writeIcs(const Appointment& appointment, std::time_t now);

/// `when` as wall time in the IANA zone `zone` (UTC when empty): `2026-12-01 10:00`.
std::string formatLocalTime(Appointment::TimePoint when, const std::string& zone);

} // namespace mailrig::detail
