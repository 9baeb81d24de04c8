#pragma once

#include "mailrig/scenarios/Scenario.h"
#include "mailrig/scenarios/ScenarioResult.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace mailrig::scenario {

/// How scenarios are run.
struct RunOptions {
    /// Keep every captured message as `NNNNNN.eml` + `NNNNNN.json` (and every pickup file) under
    /// `<keepDirectory>/<scenario name>/`, for `mailrig inspect`; empty keeps nothing. In the
    /// directory's name every byte of the scenario name but `A-Z a-z 0-9 - _` and inner dots is
    /// written `%XX` (`fault 421` → `fault%20421`). A run removes what an earlier run kept there
    /// (and nothing else).
    std::string keepDirectory;
    /// Where fixture paths are resolved after the scenario's own directory; empty:
    /// defaultFixturesDirectory().
    std::string fixturesDirectory;
    /// Upper bound for one asynchronous step (send_async) to finish.
    std::chrono::milliseconds asyncTimeout{30000};
    /// When set and true, runScenarios() and runScenarioFiles() start no further scenario (those
    /// running finish): each one not started is Verdict::Error, `not run: the run was stopped`.
    const std::atomic<bool>* stop = nullptr;
};

/// Runs one scenario: starts its own fake server (loopback, ephemeral ports) configured from
/// `server:`, sets up an SmtpClient from `client:`, runs the steps in order, then checks every
/// expectation against what the client returned and what the server captured. Never throws:
/// problems become Verdict::Error with the cause. Thread-safe: scenarios share nothing, so
/// several may run at once on different threads.
ScenarioResult runScenario(const Scenario& scenario, const RunOptions& options = {});

/// Loads `path` (see loadScenario()) and runs it; a file that does not load gives
/// Verdict::Error with the loader's `file:line:column: key: cause`.
ScenarioResult runScenarioFile(const std::string& path, const RunOptions& options = {});

/// Called once per finished scenario, from the worker threads but never concurrently.
using ResultCallback = std::function<void(const ScenarioResult& result, std::size_t finished, std::size_t total)>;

/// Runs every scenario with up to `jobs` at a time (0: the number of hardware threads).
/// Results come back in the order of `scenarios`. `onResult` (may be empty) reports progress.
std::vector<ScenarioResult> runScenarios(const std::vector<Scenario>& scenarios, unsigned jobs,
                                         const RunOptions& options = {}, const ResultCallback& onResult = {});

/// Runs every file with up to `jobs` scenarios at a time (0: the number of hardware threads).
/// Results come back in the order of `files`. `onResult` (may be empty) reports progress.
std::vector<ScenarioResult> runScenarioFiles(const std::vector<std::string>& files, unsigned jobs,
                                             const RunOptions& options = {}, const ResultCallback& onResult = {});

} // namespace mailrig::scenario
