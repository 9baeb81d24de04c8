#pragma once

#include "mailrig/client/DeliveryMethod.h"
#include "mailrig/client/MailMessage.h"
#include "mailrig/client/NotAMessageError.h"
#include "mailrig/client/RetryPolicy.h"
#include "mailrig/client/SecurityOptions.h"
#include "mailrig/client/SendReport.h"
#include "mailrig/client/SendResult.h"
#include "mailrig/client/SmtpException.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <istream>
#include <memory>
#include <string>
#include <vector>

namespace mailrig {

/// The most bytes forward(sender, recipients, std::istream&) reads looking for the end of the
/// header block (1 MiB): a stream whose header block does not end within them is not a message.
inline constexpr std::size_t kForwardHeaderLimit = 1024 * 1024;

/// A batch of messages for a bulk send.
using MailMessageCollection = std::vector<MailMessage>;

/// SASL mechanisms the client can use with AUTH.
enum class AuthMechanism {
    Plain,   ///< RFC 4616: `AUTH PLAIN <base64(\0user\0password)>`
    Login,   ///< the de-facto LOGIN exchange (user and password as two base64 answers)
    CramMd5, ///< RFC 2195: HMAC-MD5 of the server's challenge; the password never travels
    XOAuth2, ///< Google/Microsoft XOAUTH2: the password is an OAuth 2 access token
};

/// `PLAIN`, `LOGIN`, `CRAM-MD5` or `XOAUTH2`.
std::string toString(AuthMechanism mechanism);

/// Whether a bulk send uses several parallel connections (the seed's use_multi_connection).
enum class MultiConnectionMode { Disable, Enable };

/// RFC 3461 delivery status notification parameters, sent only when the server offers DSN.
struct DsnOptions {
    enum class Return { Unspecified, Full, Headers };
    Return ret = Return::Unspecified; ///< `RET=FULL` / `RET=HDRS` on MAIL FROM
    std::string envelopeId;           ///< `ENVID=` on MAIL FROM (xtext-encoded), empty for none
    bool notifySuccess = false;       ///< NOTIFY=SUCCESS on each RCPT TO
    bool notifyFailure = false;       ///< NOTIFY=FAILURE
    bool notifyDelay = false;         ///< NOTIFY=DELAY
    bool notifyNever = false;         ///< NOTIFY=NEVER (excludes the three above)
    /// `ORCPT=` on each RCPT TO, naming that recipient as the original one, so that a report
    /// about it names the address as sent even after the receiving side rewrote it:
    /// `rfc822;` and the xtext of an ASCII address, `utf-8;` and the RFC 6533 utf-8-addr-xtext
    /// form (`\x{E9}` for é) of an internationalized one.
    bool originalRecipient = false;
    /// True when any parameter is set.
    bool any() const {
        return ret != Return::Unspecified || !envelopeId.empty() || notifySuccess ||
               notifyFailure || notifyDelay || notifyNever || originalRecipient;
    }
};

/// One line of a session as the client saw it, for logs and debugging.
struct TraceLine {
    /// 'C' a command the client sent, 'S' a reply line it read, '*' an event (connected, TLS
    /// established, message data sent).
    char direction = 'C';
    /// The line without CR LF. AUTH secrets never appear (the mechanism and step are shown);
    /// message data is summarised as `<message data: N bytes>`.
    std::string text;
};

/// Receives trace lines. Called on the thread running the session: with multi-connection or
/// async sends several threads may call it at once, so it must be thread-safe then.
using TraceCallback = std::function<void(const TraceLine&)>;

/// A flag shared between the caller and an asynchronous operation. cancel() stops the
/// operation as soon as possible: before the next command, or by shutting down the socket of a
/// blocked read or write. The operation then fails with SmtpCancelledException, unless the
/// server had already accepted the data (then the result stands: mail is never lost silently).
/// Copies share the same flag; thread-safe.
class CancellationToken {
public:
    CancellationToken();
    /// Requests cancellation; idempotent; runs registered callbacks on the calling thread.
    void cancel() const;
    bool isCancelled() const;
    /// Registers `callback` to run on cancel() (at once when already cancelled); returns an id
    /// for unregister(). Used by the client to interrupt a blocked socket.
    std::size_t registerCallback(std::function<void()> callback) const;
    void unregisterCallback(std::size_t id) const;

private:
    struct State;
    std::shared_ptr<State> _state;
};

namespace detail {
/// Every setting of an SmtpClient, copied by the workers of the async and multi-connection
/// modes. Internal: use SmtpClient's setters.
struct SmtpClientConfig {
    std::string host;
    std::uint16_t port = 25;
    std::string username;
    std::string password;
    SecurityOptions security = SecurityOptions::Auto;
    std::chrono::milliseconds timeout{60000};
    std::chrono::milliseconds greetingTimeout{300000};
    std::string ehloName;
    std::vector<AuthMechanism> authMechanisms{AuthMechanism::Plain, AuthMechanism::Login,
                                              AuthMechanism::CramMd5};
    TlsSettings tls;
    bool pipelining = true;
    bool chunking = false;
    DsnOptions dsn;
    RetryPolicy retry;
    MultiConnectionMode multiMode = MultiConnectionMode::Disable;
    std::size_t connections = 4;
    bool tnef = false;
    DeliveryMethod delivery = DeliveryMethod::network();
    bool stopOnFirstFailure = false;
    ProgressCallback progress;
    bool resentHeaders = false;
    TraceCallback trace;
};
} // namespace detail

/// An SMTP client (the seed's SmtpClient) written on Poco sockets.
///
/// Each send opens a connection, reads the greeting, sends `EHLO` (falling back to `HELO` when
/// EHLO is refused with 500/502), secures the connection as SecurityOptions says (then `EHLO`
/// again), authenticates when a user name is set (`AUTH` with the first allowed mechanism the
/// server offers), runs one transaction per message and ends with `QUIT`.
///
/// A transaction: `MAIL FROM:<sender>` (plus `SIZE=n` when the server offers SIZE,
/// `BODY=8BITMIME` when the message has 8-bit content and the server offers 8BITMIME,
/// `SMTPUTF8` when an address or header is not ASCII, DSN parameters when asked), one
/// `RCPT TO:<r>` per recipient, then `DATA` (or `BDAT` chunks when chunking is enabled and
/// offered). With PIPELINING offered, MAIL, every RCPT and DATA go out in one write and their
/// replies are read afterwards. Message bytes are CRLF-normalised and dot-stuffed while
/// streaming: a bare CR or LF in the input becomes CRLF, so no SMTP-smuggling sequence can ever
/// leave the client. 8-bit content for a server without 8BITMIME is re-encoded to 7 bit
/// (quoted-printable or base64 per part; headers unchanged). A message that needs SMTPUTF8 for a
/// server without it, or is larger than the server's SIZE, throws SmtpCapabilityException
/// before anything of it is sent.
///
/// Configuration setters are not thread-safe: configure first, then send. One SmtpClient runs
/// one synchronous operation at a time; the async and multi-connection modes use their own
/// connections with a snapshot of the settings and may run concurrently.
class SmtpClient {
public:
    /// A client for `host:port`. An empty `username` means no AUTH. No connection is made until
    /// the first send. Throws std::invalid_argument for an empty host or port 0.
    SmtpClient(std::string host, std::uint16_t port, std::string username = {},
               std::string password = {}, SecurityOptions security = SecurityOptions::Auto);

    // --- connection settings ------------------------------------------------------------------
    const std::string& host() const { return _c.host; }
    std::uint16_t port() const { return _c.port; }
    SecurityOptions securityOptions() const { return _c.security; }
    void setSecurityOptions(SecurityOptions security) { _c.security = security; }
    /// Timeout (default 60 s) of the connect, of each reply as a whole (a server trickling a
    /// reply byte by byte cannot stretch it), of each TLS handshake as a whole, and of each
    /// write. Exceeding it throws SmtpConnectionException with timedOut() true, naming the step.
    std::chrono::milliseconds timeout() const { return _c.timeout; }
    void setTimeout(std::chrono::milliseconds timeout);
    /// How long to wait for the 220 greeting (default 5 minutes, RFC 5321 4.5.3.2.1).
    std::chrono::milliseconds greetingTimeout() const { return _c.greetingTimeout; }
    void setGreetingTimeout(std::chrono::milliseconds timeout);
    /// The name sent with EHLO/HELO; empty (default) sends the local address as an address
    /// literal, e.g. `[127.0.0.1]`. Throws std::invalid_argument for whitespace or control
    /// characters.
    const std::string& ehloName() const { return _c.ehloName; }
    void setEhloName(const std::string& name);
    /// Mechanisms AUTH may use, in order of preference (default PLAIN, LOGIN, CRAM-MD5; XOAUTH2
    /// only when listed, the password then being the access token). The first one the server
    /// offers is used; when none matches, send throws SmtpAuthenticationException.
    const std::vector<AuthMechanism>& allowedAuthMechanisms() const { return _c.authMechanisms; }
    void setAllowedAuthMechanisms(std::vector<AuthMechanism> mechanisms);
    /// TLS settings (verification on by default).
    const TlsSettings& tlsSettings() const { return _c.tls; }
    void setTlsSettings(const TlsSettings& settings) { _c.tls = settings; }

    // --- protocol choices ---------------------------------------------------------------------
    /// Use PIPELINING when offered (default true).
    bool usePipelining() const { return _c.pipelining; }
    void setUsePipelining(bool on) { _c.pipelining = on; }
    /// Use BDAT (RFC 3030 CHUNKING) instead of DATA when offered (default false).
    bool useChunking() const { return _c.chunking; }
    void setUseChunking(bool on) { _c.chunking = on; }
    /// DSN parameters for MAIL FROM / RCPT TO, sent only when the server offers DSN.
    const DsnOptions& dsn() const { return _c.dsn; }
    /// Throws std::invalid_argument (and keeps the previous options) when RFC 3461 forbids
    /// them: an envelope id over 100 characters or holding anything but printable US-ASCII
    /// (spaces allowed), or NOTIFY=NEVER together with another condition.
    void setDsn(const DsnOptions& dsn);
    /// Retry policy for transient failures (default: none).
    const RetryPolicy& retryPolicy() const { return _c.retry; }
    void setRetryPolicy(const RetryPolicy& policy);

    // --- modes --------------------------------------------------------------------------------
    /// Bulk sends over n parallel connections when Enable (the seed's use_multi_connection).
    MultiConnectionMode useMultiConnection() const { return _c.multiMode; }
    void setUseMultiConnection(MultiConnectionMode mode) { _c.multiMode = mode; }
    /// Connections used by a bulk send with MultiConnectionMode::Enable (default 4, at least 1;
    /// never more than there are messages). Throws std::invalid_argument for 0.
    std::size_t connectionsQuantity() const { return _c.connections; }
    void setConnectionsQuantity(std::size_t n);
    /// Send every message as TNEF (application/ms-tnef, winmail.dat), converted with
    /// encapsulateInTnef() just before sending (default false). Applies to send(), not to
    /// forward(), which always keeps the original content.
    bool useTnef() const { return _c.tnef; }
    void setUseTnef(bool on) { _c.tnef = on; }
    /// Network (default) or a pickup directory.
    const DeliveryMethod& deliveryMethod() const { return _c.delivery; }
    void setDeliveryMethod(const DeliveryMethod& method) { _c.delivery = method; }
    /// Bulk sends stop at the first failed message (the rest are NotAttempted) when true;
    /// default false.
    bool stopOnFirstFailure() const { return _c.stopOnFirstFailure; }
    void setStopOnFirstFailure(bool on) { _c.stopOnFirstFailure = on; }
    /// Called after each message of a bulk send; empty for none.
    void setProgressCallback(ProgressCallback callback) { _c.progress = std::move(callback); }
    /// forward() prepends an RFC 5322 3.6.6 Resent block (Resent-Date, Resent-From, Resent-To,
    /// Resent-Message-ID; never Resent-Bcc) when true; default false (bytes unchanged). A
    /// forward with an empty sender (the null reverse-path) then throws std::invalid_argument
    /// before connecting: Resent-From must name a mailbox.
    bool addResentHeaders() const { return _c.resentHeaders; }
    void setAddResentHeaders(bool on) { _c.resentHeaders = on; }

    /// Receives every command, reply line and event of the sessions; empty (default) for none.
    void setTraceCallback(TraceCallback callback) { _c.trace = std::move(callback); }

    // --- sending ------------------------------------------------------------------------------
    /// Sends one message (modes 1-5, and 2 for a loaded EML whose bytes go out unchanged apart
    /// from wire normalisation and the removal of any `Bcc:`, `Resent-Bcc:` and `Return-Path:`
    /// fields). Envelope: MAIL FROM the Sender (else From) address; RCPT TO every To, Cc and Bcc
    /// address. With a pickup directory nothing is sent: the file is written instead. A refused recipient does not stop the others: the result
    /// lists each outcome. Throws std::invalid_argument when the message has no sender or no
    /// recipient; SmtpException (a subclass) when the transaction fails, when every recipient
    /// is refused (its recipients() then holds each refusal), or when the data is refused.
    SendResult send(const MailMessage& message);
    /// Bulk send (mode 6, and 7 with multi-connection): every message is attempted once (plus
    /// retries), each gets an outcome; never throws for a message's failure (only
    /// std::invalid_argument before anything is sent, for a message without sender or
    /// recipients). One connection is reused (RSET after a failed transaction; reconnect after
    /// a dropped connection) unless multi-connection is enabled.
    SendReport send(const MailMessageCollection& messages);
    /// Redirects a message (mode 10): MAIL FROM `sender`, RCPT TO `recipients`; the message's
    /// own addresses (including any Resent-*) never change the envelope. The content is the
    /// message's wireBytes() with `Bcc:`, `Resent-Bcc:` and `Return-Path:` header fields
    /// removed and, when addResentHeaders(), a Resent block prepended. Throws like send().
    SendResult forward(const std::string& sender, const std::vector<std::string>& recipients,
                       const MailMessage& message);
    /// Redirects an EML read from `in` (mode 11) in bounded memory (a few buffers, whatever the
    /// size): the header block is filtered as for forward(message) while streaming and the rest
    /// copied to the socket, CRLF-normalised and dot-stuffed on the fly. Uses BDAT when chunking
    /// is enabled and offered, else DATA; SIZE is not declared since the length is unknown. A
    /// stream cannot be rewound, so a failure after its first byte was read is not retried.
    /// Before connecting, the start of the stream is checked: it must begin with a header field
    /// (`Name:` with a printable ASCII name, after an optional mbox `From ` line), hold no NUL
    /// byte in its header block, and its header block must end with a blank line within the
    /// first kForwardHeaderLimit bytes (or the stream end there); otherwise NotAMessageError
    /// (a std::invalid_argument) is thrown and nothing is sent. Throws like send();
    /// std::runtime_error when the stream fails while reading.
    SendResult forward(const std::string& sender, const std::vector<std::string>& recipients,
                       std::istream& in);

    /// send(message) on a worker thread with its own connection; the message is copied. The
    /// future holds the result or the exception (SmtpCancelledException after cancel()).
    std::future<SendResult> sendAsync(MailMessage message, CancellationToken token = {});
    /// send(collection) on a worker thread; cancellation marks the remaining messages
    /// NotAttempted.
    std::future<SendReport> sendAsync(MailMessageCollection messages, CancellationToken token = {});
    /// forward(sender, recipients, message) on a worker thread.
    std::future<SendResult> forwardAsync(std::string sender, std::vector<std::string> recipients,
                                         MailMessage message, CancellationToken token = {});
    /// forward(sender, recipients, *in) on a worker thread; the stream is shared so the caller
    /// may keep it alive; it must not be used by anyone else until the future is ready.
    std::future<SendResult> forwardAsync(std::string sender, std::vector<std::string> recipients,
                                         std::shared_ptr<std::istream> in,
                                         CancellationToken token = {});

    /// Every setting, for the workers of the async and multi-connection modes.
    const detail::SmtpClientConfig& config() const { return _c; }

private:
    detail::SmtpClientConfig _c;
};

} // namespace mailrig
