#include "support/Process.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <random>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mailrig::test {

namespace {

void closeQuietly(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

} // namespace

pid_t spawnProcess(const std::vector<std::string>& argv, int stdinFd, int stdoutFd, int stderrFd) {
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("spawnProcess: fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::setpgid(0, 0);
        ::dup2(stdinFd, 0);
        ::dup2(stdoutFd, 1);
        ::dup2(stderrFd, 2);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        std::string msg = "cannot start " + argv[0] + ": " + std::strerror(errno) + "\n";
        (void)!::write(2, msg.data(), msg.size());
        ::_exit(127);
    }
    return pid;
}

ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& input,
                         std::chrono::milliseconds timeout) {
    if (argv.empty()) throw std::runtime_error("runProcess: no program given");
    int inPipe[2], outPipe[2], errPipe[2];
    if (::pipe2(inPipe, O_CLOEXEC) != 0 || ::pipe2(outPipe, O_CLOEXEC) != 0 ||
        ::pipe2(errPipe, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("runProcess: pipe: ") + std::strerror(errno));

    pid_t pid = spawnProcess(argv, inPipe[0], outPipe[1], errPipe[1]);
    ::close(inPipe[0]);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    int inFd = inPipe[1], outFd = outPipe[0], errFd = errPipe[0];
    ::fcntl(inFd, F_SETFL, O_NONBLOCK);
    ::signal(SIGPIPE, SIG_IGN);

    ProcessResult result;
    std::size_t written = 0;
    if (input.empty()) closeQuietly(inFd);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[65536];
    while (outFd >= 0 || errFd >= 0) {
        std::vector<pollfd> fds;
        if (inFd >= 0) fds.push_back({inFd, POLLOUT, 0});
        if (outFd >= 0) fds.push_back({outFd, POLLIN, 0});
        if (errFd >= 0) fds.push_back({errFd, POLLIN, 0});
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(-pid, SIGKILL);
            result.timedOut = true;
            break;
        }
        int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (n < 0 && errno != EINTR) break;
        for (const auto& p : fds) {
            if (!p.revents) continue;
            if (p.fd == inFd) {
                ssize_t w = ::write(inFd, input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<std::size_t>(w);
                if (w < 0 && errno != EAGAIN) closeQuietly(inFd);
                if (written >= input.size()) closeQuietly(inFd);
            } else {
                ssize_t r = ::read(p.fd, buffer, sizeof buffer);
                if (r > 0) {
                    (p.fd == outFd ? result.out : result.err).append(buffer, static_cast<std::size_t>(r));
                } else if (r == 0 || errno != EAGAIN) {
                    if (p.fd == outFd) closeQuietly(outFd); else closeQuietly(errFd);
                }
            }
        }
    }
    closeQuietly(inFd);
    closeQuietly(outFd);
    closeQuietly(errFd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!result.timedOut) {
        if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
        else if (WIFSIGNALED(status)) result.exitCode = 128 + WTERMSIG(status);
    }
    return result;
}

ProcessResult runPython(const std::string& script, const std::vector<std::string>& args,
                        const std::string& input, std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{"/usr/bin/python3", "-c", script};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv, input, timeout);
}

ProcessResult runMailrig(const std::vector<std::string>& args, const std::string& input,
                         std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{MAILRIG_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv, input, timeout);
}

bool haveProgram(const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':'))
        if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    return false;
}

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mailrig-test-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data()))
        throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    _path = buf.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(_path, ec);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
}

std::string fixturePath(const std::string& relative) {
    return std::string(MAILRIG_FIXTURES_DIR) + "/" + relative;
}

} // namespace mailrig::test
