#include "smtp/Channel.h"

#include <Poco/Exception.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/Session.h>
#include <Poco/Timespan.h>

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace mailrig::fake::detail {

namespace {
Poco::Timespan toTimespan(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

/// Bounds a blocking operation as a whole: unless it is destroyed first, it shuts the socket
/// down when `timeout` has passed, so a peer trickling bytes (each within the socket timeout)
/// cannot stretch the operation. Lives on the stack of the operation it guards.
class SocketDeadline {
public:
    SocketDeadline(int fd, std::chrono::milliseconds timeout)
        : _watcher([this, fd, timeout] {
              std::unique_lock<std::mutex> lock(_mutex);
              if (!_changed.wait_for(lock, timeout, [this] { return _finished; })) {
                  _expired = true;
                  ::shutdown(fd, SHUT_RDWR);
              }
          }) {}
    ~SocketDeadline() {
        {
            std::lock_guard<std::mutex> lock(_mutex);
            _finished = true;
        }
        _changed.notify_one();
        _watcher.join();
    }
    SocketDeadline(const SocketDeadline&) = delete;
    SocketDeadline& operator=(const SocketDeadline&) = delete;
    bool expired() {
        std::lock_guard<std::mutex> lock(_mutex);
        return _expired;
    }

private:
    std::mutex _mutex;
    std::condition_variable _changed;
    bool _finished = false;
    bool _expired = false;
    std::thread _watcher; // last: starts once the members above exist
};
} // namespace

Channel::Channel(Poco::Net::StreamSocket socket) : _socket(std::move(socket)) {
    _fd = static_cast<int>(_socket.impl()->sockfd());
    _socket.setNoDelay(true);
}

void Channel::setReceiveTimeout(std::chrono::milliseconds timeout) {
    if (timeout.count() < 1) timeout = std::chrono::milliseconds(1);
    if (timeout == _receiveTimeout) return;
    _socket.setReceiveTimeout(toTimespan(timeout));
    _receiveTimeout = timeout;
}

void Channel::setSendTimeout(std::chrono::milliseconds timeout) {
    if (timeout.count() < 1) timeout = std::chrono::milliseconds(1);
    if (timeout == _sendTimeout) return;
    _socket.setSendTimeout(toTimespan(timeout));
    _sendTimeout = timeout;
}

std::size_t Channel::receive(char* destination, std::size_t n, std::chrono::milliseconds timeout) {
    setReceiveTimeout(timeout);
    int got = _socket.receiveBytes(destination, static_cast<int>(n));
    return got > 0 ? static_cast<std::size_t>(got) : 0;
}

void Channel::send(const char* data, std::size_t n, std::chrono::milliseconds timeout) {
    setSendTimeout(timeout);
    while (n > 0) {
        int sent = _socket.sendBytes(data, static_cast<int>(n));
        if (sent <= 0) throw Poco::IOException("connection closed while writing");
        data += sent;
        n -= static_cast<std::size_t>(sent);
    }
}

std::optional<std::size_t> Channel::receiveNow(char* destination, std::size_t n) {
    for (;;) {
        ssize_t got = ::recv(_fd, destination, n, MSG_DONTWAIT);
        if (got >= 0) return static_cast<std::size_t>(got);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
        throw Poco::IOException(std::string("receive failed: ") + std::strerror(errno));
    }
}

std::size_t Channel::sendNow(const char* data, std::size_t n) {
    for (;;) {
        ssize_t sent = ::send(_fd, data, n, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent >= 0) return static_cast<std::size_t>(sent);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        throw Poco::IOException(std::string("send failed: ") + std::strerror(errno));
    }
}

void Channel::startTls(Poco::Net::Context::Ptr context, std::chrono::milliseconds timeout) {
    setReceiveTimeout(timeout);
    setSendTimeout(timeout);
    Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(_socket, context);
    // Poco defers the server handshake to the first read or write; finish it here so a failure
    // surfaces now and the negotiated version and cipher can be read below. The whole handshake
    // must finish within `timeout`, however slowly the peer trickles its bytes.
    {
        SocketDeadline deadline(_fd, timeout);
        try {
            secure.completeHandshake();
        } catch (const Poco::Exception&) {
            if (deadline.expired())
                throw Poco::TimeoutException("TLS handshake not finished within " + std::to_string(timeout.count()) + " ms");
            throw;
        }
        if (deadline.expired())
            throw Poco::TimeoutException("TLS handshake not finished within " + std::to_string(timeout.count()) + " ms");
    }
    _socket = secure;
    _tls = true;
    _receiveTimeout = _sendTimeout = std::chrono::milliseconds(-1);
    if (Poco::Net::Session::Ptr session = secure.currentSession()) {
        SSL_SESSION* s = session->sslSession();
        switch (SSL_SESSION_get_protocol_version(s)) {
        case TLS1_3_VERSION: _tlsVersion = "TLSv1.3"; break;
        case TLS1_2_VERSION: _tlsVersion = "TLSv1.2"; break;
        case TLS1_1_VERSION: _tlsVersion = "TLSv1.1"; break;
        case TLS1_VERSION: _tlsVersion = "TLSv1"; break;
        default: _tlsVersion = "unknown"; break;
        }
        if (const SSL_CIPHER* cipher = SSL_SESSION_get0_cipher(s)) _tlsCipher = SSL_CIPHER_get_name(cipher);
    }
}

void Channel::abort() noexcept {
    if (_fd >= 0) ::shutdown(_fd, SHUT_RDWR);
}

void Channel::close() noexcept {
    try {
        _socket.close();
    } catch (...) {
    }
}

std::string Channel::peer() const {
    try {
        return _socket.peerAddress().toString();
    } catch (...) {
        return "?";
    }
}

std::string Channel::local() const {
    try {
        return _socket.address().toString();
    } catch (...) {
        return "?";
    }
}

} // namespace mailrig::fake::detail
