#pragma once
/// A raw-socket SMTP peer for server tests: sends exactly the bytes given (so tests can send
/// pipelined groups, bare LF, smuggling sequences, garbage) and reads replies with a timeout.

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailrig::test {

/// One reply: its code and its lines without CRLF (`"250-PIPELINING"`, ...).
struct WireReply {
    int code = 0;
    std::vector<std::string> lines;
    /// The text after `code-`/`code ` of every line, joined with `\n`.
    std::string text() const;
};

/// A client connection to 127.0.0.1:port. Every read waits at most `timeout` and throws
/// std::runtime_error naming what it waited for when the time runs out or the peer closes.
class SmtpWire {
public:
    explicit SmtpWire(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// Writes the bytes in one send call (loops only if the kernel takes less).
    void send(std::string_view bytes);
    /// Reads one complete (possibly multi-line) reply.
    WireReply reply();
    /// Sends `line` + CRLF and reads the reply.
    WireReply command(std::string_view line);
    /// Reads the greeting and sends EHLO; returns the EHLO reply.
    WireReply hello(std::string_view domain = "client.test");
    /// Sends MAIL, the RCPTs and DATA pipelined in one write and reads their replies; throws
    /// std::runtime_error naming the command unless they are 250s and a 354.
    void startData(std::string_view from, const std::vector<std::string>& to);
    /// `startData`, then the already dot-stuffed `data` (which must end with CRLF) and `.CRLF`;
    /// returns the final reply.
    WireReply sendMail(std::string_view from, const std::vector<std::string>& to, std::string_view data);
    /// Message data that never ends: 100-octet lines in 64 KiB writes until the server stops
    /// taking them (it closed) or `maxBytes` were sent. Returns the bytes sent.
    std::size_t sendEndlessData(std::size_t maxBytes);
    /// Half-closes (no more writes from us).
    void shutdownWrite();
    /// True when the server closes the connection within `timeout` (bytes before are dropped).
    bool closedWithin(std::chrono::milliseconds timeout);
    /// Everything the server sends until it closes or `timeout` passes.
    std::string readUntilClosed(std::chrono::milliseconds timeout);

private:
    bool fill(std::chrono::milliseconds timeout);

    Poco::Net::StreamSocket _socket;
    std::chrono::milliseconds _timeout;
    std::string _buffer;
};

/// `text` with every line starting with "." given one more dot (RFC 5321 4.5.2).
std::string dotStuff(std::string_view text);

} // namespace mailrig::test
