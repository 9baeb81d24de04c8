#include "support/BackgroundProcess.h"

#include "support/Process.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace mailrig::test {

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv) {
    if (argv.empty()) throw std::runtime_error("BackgroundProcess: no program given");
    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("BackgroundProcess: pipe: ") + std::strerror(errno));
    int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    _pid = spawnProcess(argv, devNull, outPipe[1], errPipe[1]);
    ::close(devNull);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    _out = outPipe[0];
    _err = errPipe[0];
}

BackgroundProcess::~BackgroundProcess() {
    if (!_reaped && _pid > 0) {
        ::kill(-_pid, SIGKILL);
        ::kill(_pid, SIGKILL);
        int status = 0;
        ::waitpid(_pid, &status, 0);
    }
    if (_out >= 0) ::close(_out);
    if (_err >= 0) ::close(_err);
}

bool BackgroundProcess::pump(std::chrono::milliseconds timeout) {
    std::vector<pollfd> fds;
    if (_out >= 0) fds.push_back({_out, POLLIN, 0});
    if (_err >= 0) fds.push_back({_err, POLLIN, 0});
    if (fds.empty()) return false;
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
    if (n <= 0) return true;
    char buffer[65536];
    for (const auto& p : fds) {
        if (!p.revents) continue;
        ssize_t r = ::read(p.fd, buffer, sizeof buffer);
        if (r > 0) {
            (p.fd == _out ? _outBuffer : _errBuffer).append(buffer, static_cast<std::size_t>(r));
        } else if (r == 0 || errno != EINTR) {
            int& fd = p.fd == _out ? _out : _err;
            ::close(fd);
            fd = -1;
        }
    }
    return true;
}

std::optional<std::string> BackgroundProcess::readLine(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto newline = _outBuffer.find('\n');
        if (newline != std::string::npos) {
            std::string line = _outBuffer.substr(0, newline);
            _outBuffer.erase(0, newline + 1);
            return line;
        }
        if (_out < 0) return std::nullopt;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pump(std::min(left, std::chrono::milliseconds(200)));
    }
}

void BackgroundProcess::signal(int signal) {
    if (!_reaped) ::kill(_pid, signal);
}

ProcessResult BackgroundProcess::wait(std::chrono::milliseconds timeout) {
    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!_reaped) {
        int status = 0;
        pid_t done = ::waitpid(_pid, &status, WNOHANG);
        if (done == _pid) {
            _reaped = true;
            if (WIFEXITED(status)) _exitCode = WEXITSTATUS(status);
            else if (WIFSIGNALED(status)) _exitCode = 128 + WTERMSIG(status);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(-_pid, SIGKILL);
            ::kill(_pid, SIGKILL);
            ::waitpid(_pid, &status, 0);
            _reaped = true;
            result.timedOut = true;
            break;
        }
        pump(std::chrono::milliseconds(50));
    }
    // Collect what is left (the pipes close once every holder of them ended).
    const auto drainUntil = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while ((_out >= 0 || _err >= 0) && std::chrono::steady_clock::now() < drainUntil)
        pump(std::chrono::milliseconds(50));
    result.exitCode = result.timedOut ? -1 : _exitCode;
    result.out = _outBuffer;
    result.err = _errBuffer;
    return result;
}

} // namespace mailrig::test
