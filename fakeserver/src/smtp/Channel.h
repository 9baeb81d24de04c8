#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace mailrig::fake::detail {

/// One client connection's byte pipe, plain or TLS (after `startTls`). Blocking I/O with
/// timeouts for a session on its own thread, `receiveNow`/`sendNow` for a plain session on the
/// event loop; used by one thread at a time, except `abort()`, which any thread may call to
/// wake a blocked read (the server's `stop()`).
class Channel {
public:
    /// Takes the accepted socket; sets TCP_NODELAY.
    explicit Channel(Poco::Net::StreamSocket socket);

    /// Reads what is available (at least one byte, at most `n`) into `destination`, waiting at
    /// most `timeout`. Returns 0 when the peer closed (or half-closed) its side. Throws
    /// Poco::TimeoutException on timeout and Poco::Exception on a socket or TLS error.
    std::size_t receive(char* destination, std::size_t n, std::chrono::milliseconds timeout);
    /// Writes all bytes, each blocking write bounded by `timeout`. Throws like `receive`.
    void send(const char* data, std::size_t n, std::chrono::milliseconds timeout);
    /// Reads what is available without waiting (plain connections only): the bytes read, 0 when
    /// the peer closed its side, std::nullopt when nothing has arrived yet. Throws
    /// Poco::IOException naming the system's reason on a socket error (e.g. a reset).
    std::optional<std::size_t> receiveNow(char* destination, std::size_t n);
    /// Writes what the kernel takes without waiting (plain connections only): the bytes written,
    /// 0 when its buffer is full. Throws Poco::IOException on a socket error (e.g. a reset).
    std::size_t sendNow(const char* data, std::size_t n);
    /// The descriptor, for the event loop's epoll set.
    int fd() const { return _fd; }
    /// Runs the server side of the TLS handshake on this connection (STARTTLS or implicit TLS);
    /// the whole handshake must finish within `timeout` (a short-lived watcher thread shuts the
    /// socket down when it does not). Throws Poco::Exception when it fails or takes too long.
    void startTls(Poco::Net::Context::Ptr context, std::chrono::milliseconds timeout);
    bool tls() const { return _tls; }
    std::string tlsVersion() const { return _tlsVersion; }
    std::string tlsCipher() const { return _tlsCipher; }
    /// Shuts both directions down (wakes a blocked reader). Any thread.
    void abort() noexcept;
    /// Closes the socket (after a graceful TLS close_notify when possible).
    void close() noexcept;
    /// `ip:port` of the peer and of our side.
    std::string peer() const;
    std::string local() const;

private:
    void setReceiveTimeout(std::chrono::milliseconds timeout);
    void setSendTimeout(std::chrono::milliseconds timeout);

    Poco::Net::StreamSocket _socket;
    int _fd = -1;
    bool _tls = false;
    std::string _tlsVersion;
    std::string _tlsCipher;
    std::chrono::milliseconds _receiveTimeout{-1};
    std::chrono::milliseconds _sendTimeout{-1};
};

} // namespace mailrig::fake::detail
