#pragma once

#include <chrono>
#include <cstddef>

namespace mailrig::fake {

/// Every limit the fake server enforces, as named defaults that cite where they come from.
/// A plain value: copy it, change fields, put it into `ServerConfig::limits`. A value of 0 for a
/// size or count means "no limit". The server checks the struct once in `FakeSmtpServer::start()`
/// (std::invalid_argument names the bad field).
struct Limits {
    /// The smallest values validation accepts (FakeSmtpServer::start(), and scripts at their key).
    static constexpr std::size_t kMinCommandLineLength = 64; ///< also for `authLineLength`
    static constexpr std::size_t kMinTextLineLength = 3;     ///< room for `.` and CRLF
    static constexpr std::size_t kMinMaxConnections = 1;

    /// Longest command line in octets including CRLF (RFC 5321 4.5.3.1.4: 512). Longer lines are
    /// answered `500 5.5.2 Line too long` and discarded.
    std::size_t commandLineLength = 512;
    /// Extra octets allowed on MAIL and RCPT for ESMTP parameters: SIZE (RFC 1870 +26), ENVID and
    /// RET (RFC 3461 +100), NOTIFY and ORCPT (RFC 3461 +500), AUTH= (RFC 4954 +500), rounded up.
    std::size_t parameterAllowance = 1024;
    /// Longest line of a SASL exchange (AUTH command and continuation lines), RFC 4954 4: 12288.
    std::size_t authLineLength = 12288;
    /// Longest text line of message content in octets including CRLF (RFC 5321 4.5.3.1.6: 1000).
    /// Longer lines are flagged on the captured message (`MessageFlags::overlongLines`); they
    /// are refused with `550 5.6.0` only when `rejectOverlongLines` is set.
    std::size_t textLineLength = 1000;
    /// Refuse (instead of flag) messages with text lines over `textLineLength`.
    bool rejectOverlongLines = false;
    /// Largest message in octets; advertised as `SIZE n` (RFC 1870) and enforced on `SIZE=`,
    /// DATA and BDAT (`552 5.3.4`). 0 = no limit (advertised as `SIZE` without a number). With
    /// or without it, a message that would leave the process less than 64 MiB of memory (the
    /// system's available memory, the control group's limit, RLIMIT_AS) is answered
    /// `452 4.3.1 ...; closing the connection` and the connection closed.
    std::size_t messageSize = 64 * 1024 * 1024;
    /// Octets of message data past `messageSize` the server still reads and discards, so that it
    /// answers `552 5.3.4` at the end of data and the session goes on, as servers do. Past that
    /// (a sender that ignores SIZE by far, or never ends its data), and for a BDAT chunk that
    /// would pass it, the server answers `552 5.3.4` at once and closes the connection. 0 = read
    /// to the end, however long.
    std::size_t oversizeDiscard = 64 * 1024 * 1024;
    /// Recipients per transaction (RFC 5321 4.5.3.1.8: at least 100). The next RCPT gets
    /// `452 4.5.3 Too many recipients`.
    std::size_t recipientsPerMessage = 100;
    /// Transactions per session; the next MAIL gets `421 4.7.0` and the connection closes.
    /// 0 = unlimited (the default: benchmarks send 20,000 messages over one session).
    std::size_t messagesPerSession = 0;
    /// Longest time one command line may take, measured from the moment the server is ready
    /// for it, so a peer trickling bytes cannot extend it (RFC 5321 4.5.3.2.7 server timeout:
    /// 5 minutes). Checked whenever bytes arrive; on expiry `421 4.4.2 Command timeout` and
    /// close. A silent peer is closed by `idleTimeout`. Also bounds each TLS handshake (implicit
    /// TLS and after STARTTLS) as a whole: when it runs longer the connection is closed. Tests
    /// shorten it.
    std::chrono::milliseconds commandTimeout = std::chrono::minutes(5);
    /// Longest wait for the next block of message data during DATA or BDAT. RFC 5321 4.5.3.2.6
    /// gives the client 3 minutes per block; the server waits as long as for a command
    /// (4.5.3.2.7: at least 5 minutes), which also keeps one socket timeout for the session.
    std::chrono::milliseconds dataBlockTimeout = std::chrono::minutes(5);
    /// Longest silence (no byte received at all) in any state before the session is closed with
    /// `421 4.4.2 Idle timeout`; also bounds each blocking write to a peer that stops reading.
    std::chrono::milliseconds idleTimeout = std::chrono::minutes(5);
    /// Concurrent connections over all listeners; connection number `maxConnections + 1` gets
    /// `421 4.7.0 Too many connections` and is closed (RFC 5321 4.3.2 allows 421 at greeting).
    std::size_t maxConnections = 256;
    /// Unknown or malformed commands tolerated per session before `421 4.7.0` and close
    /// (a peer speaking garbage cannot keep a thread busy forever).
    std::size_t maxBadCommands = 50;
    /// Failed AUTH attempts per session before `421 4.7.0` and close.
    std::size_t maxAuthFailures = 10;
};

} // namespace mailrig::fake
