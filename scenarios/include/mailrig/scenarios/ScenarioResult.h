#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace mailrig::scenario {

/// One expectation that did not hold: where it was written, what it asked for, what happened.
struct Mismatch {
    std::string check;    ///< key path of the expectation, e.g. `expect.messages[0].headers.Subject`
    int line = 0;         ///< line of the expectation in the scenario file; 0 when unknown
    std::string expected; ///< what the scenario asked for (may span lines)
    std::string actual;   ///< what was captured or returned (may span lines)
};

/// How a scenario ended.
enum class Verdict {
    Passed, ///< every step ran and every expectation held
    Failed, ///< it ran, and at least one expectation did not hold (see `mismatches`)
    Error,  ///< it could not run: invalid file, the server did not start, an internal error
};

/// `pass`, `FAIL` or `ERROR`.
std::string toString(Verdict verdict);

/// The result of running one scenario file. A plain value.
struct ScenarioResult {
    std::string file;                      ///< the scenario file
    std::string name;                      ///< its `name` (the file name when it could not be read)
    std::string description;
    Verdict verdict = Verdict::Error;
    std::chrono::milliseconds duration{0};
    std::vector<Mismatch> mismatches;      ///< for Failed
    std::string error;                     ///< for Error: the cause (a ScenarioError's what())
    bool invalid = false;                  ///< for Error: the scenario file did not load (runScenarioFile())
    std::vector<std::string> keptFiles;    ///< EML/JSON files written with RunOptions::keepDirectory
    std::string transcript;                ///< every session's transcript (for reports)
};

} // namespace mailrig::scenario
