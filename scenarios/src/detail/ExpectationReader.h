#pragma once
// Reading the `expect:` section and the per-step `expect:` outcome.

#include "detail/ReadContext.h"
#include "mailrig/scenarios/Scenario.h"

namespace mailrig::scenario::detail {

/// Reads `ok` or `{error: {code, class, enhanced, text, command}}` (also `error` alone).
OutcomeSpec readOutcome(const YAML::Node& node, const NodePlace& place);

/// Reads the whole `expect:` mapping. Throws ScenarioError like every reader.
Expectations readExpectations(const YAML::Node& node, const NodePlace& place, const ReadContext& context);

} // namespace mailrig::scenario::detail
