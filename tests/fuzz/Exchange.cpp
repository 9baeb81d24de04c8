#include "fuzz/Exchange.h"

#include <cerrno>
#include <poll.h>
#include <sys/socket.h>

namespace mailrig::fuzz {

bool exchange(int fd, const std::string& bytes, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::size_t written = 0;
    bool halfClosed = false;
    char buffer[65536];
    for (;;) {
        if (written == bytes.size() && !halfClosed) {
            ::shutdown(fd, SHUT_WR);
            halfClosed = true;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, static_cast<short>(POLLIN | (halfClosed ? 0 : POLLOUT)), 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) return false;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
        }
        if (!halfClosed && (p.revents & POLLOUT)) {
            const ssize_t n = ::send(fd, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) written += static_cast<std::size_t>(n);
            else if (n < 0 && errno != EINTR && errno != EAGAIN) written = bytes.size(); // it stopped reading
        }
    }
}

} // namespace mailrig::fuzz
