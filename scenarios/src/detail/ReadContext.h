#pragma once
// What every part of the scenario reader needs: where fixtures are looked up.

#include "detail/YamlReader.h"
#include "mailrig/scenarios/Scenario.h"

#include <string>

namespace mailrig::scenario::detail {

struct ReadContext {
    std::string file;              ///< the scenario file, for errors
    std::string baseDirectory;     ///< the scenario file's directory
    std::string fixturesDirectory; ///< the shared fixtures directory

    /// The absolute path of fixture `relative` (scenario directory first, then fixtures
    /// directory); throws ScenarioError at `node` when neither holds it.
    std::string fixture(const YAML::Node& node, const NodePlace& place, const std::string& relative) const;
    /// fixture() for an optional text key of `map`; empty when absent.
    std::string fixtureKey(MapReader& map, const std::string& key) const;
};

/// The SourceLine of `node` at `place`.
SourceLine sourceLine(const YAML::Node& node, const NodePlace& place);

} // namespace mailrig::scenario::detail
