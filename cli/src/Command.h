#pragma once

#include <string>
#include <vector>

namespace mailrig::cli {

/// Exit statuses shared by every subcommand.
enum ExitCode : int {
    Success = 0,  ///< everything asked for was done and checked
    Failed = 1,   ///< the command ran but found a problem (lint findings, refused mail, failed scenarios)
    Invalid = 2,  ///< usage error, unreadable input, connection failure
};

/// One subcommand: `mailrig <name> args...`. `run` gets the arguments after the name and
/// returns an ExitCode; it reports its own errors on stderr.
struct Command {
    const char* name;
    const char* summary;
    int (*run)(const std::vector<std::string>& args);
};

/// The error text for an argument a command does not know: `unknown option 'ARG'`, with a hint
/// for `--name=value` (only `serve` takes the `=` form).
std::string unknownOption(const std::string& arg);

// Each subcommand lives in its own file, <Name>Command.cpp.
int runInspect(const std::vector<std::string>& args);
int runServe(const std::vector<std::string>& args);
int runSend(const std::vector<std::string>& args);
int runForward(const std::vector<std::string>& args);
int runRun(const std::vector<std::string>& args);

} // namespace mailrig::cli
