#include "mailrig/scenarios/SuiteLocation.h"

#include <cstdlib>

namespace mailrig::scenario {

namespace {

std::string fromEnvironmentOr(const char* variable, const std::string& fallback) {
    const char* value = std::getenv(variable);
    return value && *value ? std::string(value) : fallback;
}

} // namespace

std::string defaultSuiteDirectory() {
    return fromEnvironmentOr("MAILRIG_SUITE", std::string(MAILRIG_SOURCE_DIR) + "/scenarios/suite");
}

std::string defaultFixturesDirectory() {
    return fromEnvironmentOr("MAILRIG_FIXTURES", std::string(MAILRIG_SOURCE_DIR) + "/fixtures");
}

} // namespace mailrig::scenario
