// Fuzz target: any bytes as a scenario file, read as `mailrig run` reads one (fixture paths
// resolved against the shipped suite's directory). A file that is not a valid scenario must
// throw ScenarioError naming its place; a crash, a hang or any other exception is a finding.
#include "mailrig/scenarios/ScenarioLoader.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        (void)mailrig::scenario::parseScenario(text, "fuzz.yaml", MAILRIG_SUITE_DIR);
    } catch (const mailrig::scenario::ScenarioError& e) {
        if (std::getenv("MAILRIG_FUZZ_VERBOSE")) std::fprintf(stderr, "%s\n", e.what());
    }
    return 0;
}
