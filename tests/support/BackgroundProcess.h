#pragma once
/// A program running beside the test (e.g. `mailrig serve`), whose stdout is read line by line
/// while it runs. Every wait is bounded; the destructor kills what is still running.

#include "support/Process.h"

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mailrig::test {

class BackgroundProcess {
public:
    /// Starts `argv[0]` (path or PATH name) in its own process group with stdin closed.
    /// Throws std::runtime_error when it cannot be started.
    explicit BackgroundProcess(const std::vector<std::string>& argv);
    /// Kills the process group (SIGKILL) if still running and reaps it.
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    /// The next stdout line without its newline; std::nullopt when `timeout` passed or stdout
    /// ended first. stderr is collected meanwhile.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout);
    /// Sends `signal` to the process.
    void signal(int signal);
    /// Waits for the exit (killing after `timeout`); returns the status and the stdout not yet
    /// read as lines plus all of stderr.
    ProcessResult wait(std::chrono::milliseconds timeout);
    pid_t pid() const { return _pid; }

private:
    /// Reads what is available from stdout/stderr within `timeout`; false when both ended.
    bool pump(std::chrono::milliseconds timeout);
    pid_t _pid = -1;
    int _out = -1;
    int _err = -1;
    std::string _outBuffer;
    std::string _errBuffer;
    bool _reaped = false;
    int _exitCode = -1;
};

} // namespace mailrig::test
