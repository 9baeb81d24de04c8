#pragma once

#include <cstddef>
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

/// The error text for an argument a command does not know: `unknown option 'ARG'`.
std::string unknownOption(const std::string& arg);

/// A command's arguments, read left to right, where `--name=value` stands for `--name value`.
/// The split happens only where an option is read (settle()), so a value that merely looks
/// like one (`--text --a=b`) is taken whole by the option before it.
class Arguments {
public:
    explicit Arguments(std::vector<std::string> args) : _args(std::move(args)) {}
    /// Prepares position `i` to be read as an option: `--name=value` there becomes `--name`
    /// followed by `value`. Throws std::invalid_argument (`--name takes no value`) when `i` holds
    /// such a value that the option before it did not take.
    void settle(std::size_t i);
    const std::vector<std::string>& list() const { return _args; }

private:
    std::vector<std::string> _args;
    std::vector<std::size_t> _inline; ///< positions of values split off `--name=value`
};

// Each subcommand lives in its own file, <Name>Command.cpp.
int runInspect(const std::vector<std::string>& args);
int runServe(const std::vector<std::string>& args);
int runSend(const std::vector<std::string>& args);
int runForward(const std::vector<std::string>& args);
int runRun(const std::vector<std::string>& args);

} // namespace mailrig::cli
