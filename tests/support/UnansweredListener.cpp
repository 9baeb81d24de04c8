#include "support/UnansweredListener.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace mailrig::test {

namespace {

[[noreturn]] void fail(const char* call) {
    throw std::runtime_error(std::string("UnansweredListener: ") + call + ": " + std::strerror(errno));
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

/// Starts a non-blocking connect; true when it completed within `millis`.
bool connectWithin(int fd, std::uint16_t port, int millis) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const sockaddr_in address = loopback(port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return true;
    if (errno != EINPROGRESS) fail("connect");
    pollfd p{fd, POLLOUT, 0};
    return ::poll(&p, 1, millis) == 1;
}

} // namespace

UnansweredListener::UnansweredListener() {
    _listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (_listener < 0) fail("socket");
    const sockaddr_in address = loopback(0);
    if (::bind(_listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) fail("bind");
    if (::listen(_listener, 0) != 0) fail("listen");
    sockaddr_in bound{};
    socklen_t length = sizeof bound;
    if (::getsockname(_listener, reinterpret_cast<sockaddr*>(&bound), &length) != 0) fail("getsockname");
    _port = ntohs(bound.sin_port);
    // Connections complete until the queue is full; the first one that does not is left
    // pending, and from then on every SYN is dropped.
    for (int i = 0; i < 16; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) fail("socket");
        _fillers.push_back(fd);
        if (!connectWithin(fd, _port, 200)) return;
    }
    throw std::runtime_error("UnansweredListener: the accept queue never filled");
}

UnansweredListener::~UnansweredListener() {
    for (const int fd : _fillers) ::close(fd);
    if (_listener >= 0) ::close(_listener);
}

} // namespace mailrig::test
