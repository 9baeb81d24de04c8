#pragma once

#include "mailrig/scenarios/Scenario.h"
#include "mailrig/scenarios/ScenarioError.h"

#include <string>
#include <vector>

namespace mailrig::scenario {

/// Reads and checks one scenario file. Fixture paths (`eml`, `file`, `golden`, attachments) are
/// resolved against the scenario file's directory first, then against `fixturesDirectory`
/// (default: defaultFixturesDirectory()), and must name existing files. Throws ScenarioError
/// (file, line, column, key path) for unreadable files or ones over 64 MiB (a pipe that never
/// ends stops there), files in UTF-16 or UTF-32 (a UTF-8 byte
/// order mark is accepted), YAML syntax errors, unknown keys, values of the wrong type or range,
/// bad mailbox or envelope addresses, missing required keys, missing fixtures, invalid `server:`
/// sections and `client.security: tls` without an implicit-TLS listener.
/// Thread-safe: may be called from several threads at once.
Scenario loadScenario(const std::string& path, const std::string& fixturesDirectory = {});

/// Like loadScenario() for YAML text; `name` stands for the file in errors and fixture paths
/// are resolved against `baseDirectory`, then `fixturesDirectory`.
Scenario parseScenario(const std::string& yaml, const std::string& name,
                       const std::string& baseDirectory, const std::string& fixturesDirectory = {});

/// Expands files and directories into scenario files: a directory contributes every `*.yaml`
/// and `*.yml` below it (recursively, sorted by path), a file (or a pipe, such as the one
/// `<(generate)` names) is taken as it is. Throws
/// ScenarioError naming the path when it does not exist or a directory holds no scenario.
std::vector<std::string> findScenarioFiles(const std::vector<std::string>& paths);

} // namespace mailrig::scenario
