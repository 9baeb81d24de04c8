#pragma once
/// Helpers for tests that run external programs (independent oracles such as /usr/bin/python3,
/// tnef, ytnef, swaks, smtp-sink) and the mailrig command itself.

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mailrig::test {

/// What a finished program left behind.
struct ProcessResult {
    int exitCode = -1;     ///< the exit status; -1 when killed after the timeout
    bool timedOut = false; ///< true when the program was killed after the timeout
    std::string out;       ///< everything written to stdout
    std::string err;       ///< everything written to stderr
};

/// Runs `argv[0]` (a path or a name looked up on PATH) with the given arguments, writes `input`
/// to its stdin and closes it, collects stdout and stderr, and kills it after `timeout`.
/// Throws std::runtime_error when the program cannot be started.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& input = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// Runs `/usr/bin/python3 -c script args...` (Debian's interpreter, never the first python3 on
/// PATH) with `input` on stdin.
ProcessResult runPython(const std::string& script, const std::vector<std::string>& args = {},
                        const std::string& input = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// Runs the mailrig command built with the tests.
ProcessResult runMailrig(const std::vector<std::string>& args, const std::string& input = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// Forks and executes `argv` (looked up on PATH) in a process group of its own, with the given
/// descriptors as its stdin, stdout and stderr; returns the child's pid. When the program cannot
/// be executed the child writes `cannot start NAME: cause` to its stderr and exits 127.
/// Throws std::runtime_error when fork fails.
pid_t spawnProcess(const std::vector<std::string>& argv, int stdinFd, int stdoutFd, int stderrFd);

/// True when `program` exists as an executable file (absolute path) or on PATH.
bool haveProgram(const std::string& program);

/// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    /// The directory's absolute path, without a trailing slash.
    const std::string& path() const { return _path; }
    /// `path() + "/" + name`.
    std::string file(const std::string& name) const { return _path + "/" + name; }

private:
    std::string _path;
};

/// Reads a whole file as bytes; throws std::runtime_error naming the path when it cannot.
std::string readFile(const std::string& path);
/// Writes bytes to a file, replacing it; throws std::runtime_error naming the path when it cannot.
void writeFile(const std::string& path, const std::string& bytes);
/// `MAILRIG_FIXTURES_DIR + "/" + relative`.
std::string fixturePath(const std::string& relative);

} // namespace mailrig::test
