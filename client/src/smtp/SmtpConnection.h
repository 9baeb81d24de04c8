#pragma once
// One TCP connection to an SMTP server, plain or TLS, on Poco sockets.

#include "mailrig/client/SecurityOptions.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <cstdint>
#include <string>

namespace mailrig::detail {

/// A connected socket with TCP_NODELAY, per-operation timeouts and an optional TLS layer.
/// Failures throw SmtpConnectionException (I/O, closed, timeout) or SmtpTlsException
/// (handshake, certificate), naming `host:port`, `context()` as the command and, for a
/// timeout, how long was waited (`connecting to 192.0.2.1:25 timed out after 3 s`). One thread uses it; abort() may
/// be called from any thread to unblock it.
class SmtpConnection {
public:
    /// Connects to `host:port` within `timeout`; with `implicitTls` the TLS handshake follows at
    /// once.
    SmtpConnection(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                   const TlsSettings& tls, bool implicitTls);
    ~SmtpConnection();
    SmtpConnection(const SmtpConnection&) = delete;
    SmtpConnection& operator=(const SmtpConnection&) = delete;

    /// Runs the TLS handshake on the connected socket (after `220` to STARTTLS).
    void startTls();
    bool secure() const { return _secure; }

    /// Reads at least one byte (blocking up to the receive timeout; between beginReply() and
    /// endReply() all reads together take at most the timeout, so a peer trickling a reply
    /// byte by byte cannot stretch it).
    std::size_t receive(char* buffer, std::size_t capacity);
    /// Starts the clock for one reply: its reads share one timeout.
    void beginReply();
    /// Stops the reply clock.
    void endReply() noexcept;
    /// Writes every byte within the timeout (a peer that reads slowly cannot stretch it).
    void send(const char* data, std::size_t size);
    void send(const std::string& data) { send(data.data(), data.size()); }
    void setTimeout(std::chrono::milliseconds timeout);
    /// The command in progress, used in error messages.
    void setContext(const std::string& command) { _context = command; }
    const std::string& context() const { return _context; }
    /// `[a.b.c.d]` / `[IPv6:...]` for the local end, for EHLO.
    std::string localAddressLiteral() const;
    /// Shuts the socket down so a blocked read or write returns at once; thread-safe.
    void abort();
    /// True once abort() was called.
    bool aborted() const { return _aborted.load(); }
    /// Closes quietly (no exception).
    void close() noexcept;

private:
    [[noreturn]] void rethrowIo(const std::string& what);

    std::string _host;
    std::string _endpoint; ///< `host:port` for messages
    std::chrono::milliseconds _timeout{0};
    TlsSettings _tls;
    Poco::Net::StreamSocket _socket;
    Poco::Net::Context::Ptr _context_;
    bool _secure = false;
    std::string _context;
    std::atomic<int> _fd{-1};
    std::atomic<bool> _aborted{false};
    /// When the reply being read must be complete; unset outside beginReply()/endReply().
    std::optional<std::chrono::steady_clock::time_point> _replyDeadline;
    bool _readInReply = false;    ///< a read of the current reply happened already
    bool _timeoutShortened = false; ///< the socket's timeouts are below `_timeout` now
};

/// Builds the Poco TLS client context for `settings` (minimum version, CA file or directory,
/// verification, and the check that the certificate names `serverName`, a DNS name or an IP
/// address). Throws SmtpTlsException when a CA file cannot be loaded.
Poco::Net::Context::Ptr makeClientContext(const TlsSettings& settings, const std::string& serverName);

} // namespace mailrig::detail
