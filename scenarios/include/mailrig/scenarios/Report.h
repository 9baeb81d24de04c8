#pragma once

#include "mailrig/scenarios/ScenarioResult.h"

#include <ostream>
#include <string>
#include <vector>

namespace mailrig::scenario {

/// Writes the summary table: one row per scenario (verdict, time, name, file; only those that
/// did not pass when `onlyProblems`), then the totals over all results
/// (`N scenario(s): N passed, N failed, N error(s); T s of scenario time`).
void writeSummary(std::ostream& out, const std::vector<ScenarioResult>& results, bool onlyProblems = false);

/// Writes, for every failed or erroneous scenario, what went wrong: each mismatch as
/// `FILE:LINE: CHECK` with `expected:` and `captured:` blocks, the error of an erroneous one, and
/// where captured messages were kept. Nothing for passed scenarios.
void writeFailureDetails(std::ostream& out, const std::vector<ScenarioResult>& results);

/// Writes JUnit XML (the dialect Jenkins, GitLab and GitHub reporters read): one `<testsuite
/// name="suiteName">` with a `<testcase>` per scenario (classname = the file's directory name,
/// name = the scenario's name, time in seconds), `<failure>` holding the mismatches,
/// `<error>` holding the error, and `<system-out>` with the transcript of a failed scenario.
void writeJUnit(std::ostream& out, const std::vector<ScenarioResult>& results,
                const std::string& suiteName = "mailrig");

/// The text of one failed scenario's mismatches, as writeFailureDetails() prints them.
std::string describeMismatches(const ScenarioResult& result);

} // namespace mailrig::scenario
