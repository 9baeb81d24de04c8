#pragma once
// Checking the `expect:` section against what a scenario's run produced.

#include "detail/Captured.h"
#include "detail/Outcome.h"

#include "mailrig/scenarios/Scenario.h"
#include "mailrig/scenarios/ScenarioResult.h"

#include <string>
#include <vector>

namespace mailrig::scenario::detail {

/// Everything a run left behind for the checks.
struct RunEvidence {
    std::vector<CapturedMail> captured; ///< messages the server captured, in capture order
    std::vector<CapturedMail> pickedUp; ///< files in the pickup directory, by name
    std::string transcript;             ///< every session's transcript
    std::size_t sessions = 0;
    std::optional<SendResult> lastResult; ///< of the last send/forward/pickup step
    std::optional<SendReport> lastReport; ///< of the last bulk step
};

/// Runs every expectation of `expect` except step outcomes; appends mismatches.
void verify(const Scenario& scenario, const RunEvidence& evidence, std::vector<Mismatch>& mismatches);

} // namespace mailrig::scenario::detail
