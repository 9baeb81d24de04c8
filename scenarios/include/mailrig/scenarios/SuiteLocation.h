#pragma once

#include <string>

namespace mailrig::scenario {

/// The directory of the shipped scenario suite, run by `mailrig run` when no path is given:
/// `$MAILRIG_SUITE` when set, else `scenarios/suite` of the source tree mailrig was built from.
std::string defaultSuiteDirectory();

/// The directory fixture paths in scenario files are resolved against: `$MAILRIG_FIXTURES` when
/// set, else `fixtures/` of the source tree mailrig was built from.
std::string defaultFixturesDirectory();

} // namespace mailrig::scenario
