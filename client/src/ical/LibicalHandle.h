#pragma once
// Owning handles for libical objects, so every early exit (an exception) frees them.

#include <libical/ical.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace mailrig::detail {

struct IcalComponentDeleter {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
/// Owns a component tree (and every property and subcomponent inside it).
using IcalComponentPtr = std::unique_ptr<icalcomponent, IcalComponentDeleter>;

/// Takes a string that libical allocated with malloc (the `_r` functions) and frees it.
inline std::string takeIcalString(char* text) {
    std::string out = text ? text : "";
    std::free(text);
    return out;
}

} // namespace mailrig::detail
