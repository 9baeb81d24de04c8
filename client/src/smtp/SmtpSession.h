#pragma once
// One SMTP session: connection state (greeting, EHLO, TLS, AUTH) and transactions on it.

#include "mailrig/client/SendResult.h"
#include "mailrig/client/SmtpClient.h"
#include "smtp/Capabilities.h"
#include "smtp/MessageSource.h"
#include "smtp/SmtpConnection.h"
#include "smtp/SmtpReply.h"

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mailrig::detail {

/// The envelope of one transaction.
struct Envelope {
    std::string sender;                  ///< MAIL FROM address (may be empty: `<>`)
    std::vector<std::string> recipients; ///< RCPT TO addresses
};

/// What a transaction needs from the server, decided by the caller from the content.
struct TransactionParams {
    bool smtpUtf8 = false;     ///< add SMTPUTF8 to MAIL FROM
    bool eightBitMime = false; ///< add BODY=8BITMIME to MAIL FROM
};

/// How one transaction ended. `error` is null exactly when the server accepted the data.
struct TransactionOutcome {
    std::vector<RecipientResult> recipients;
    int dataReplyCode = 0;
    std::string dataReplyText;
    std::size_t messageSize = 0; ///< octets of the message sent (SendResult::messageSize)
    std::exception_ptr error;
    /// True once any message byte was read from the source (a stream cannot be retried then).
    bool contentConsumed = false;
    /// True when the message's end of data waits to go out with the next transaction's
    /// commands: the outcome is not known yet (SmtpSession::settle or takeSettled give it).
    bool awaitingReply = false;
    /// True when the commands went out behind a deferred end of data whose reply (or a failed
    /// write of it) ended the connection: nothing of this transaction took effect.
    bool lostWithPrevious = false;
};

/// When transact() sends the end of a message's data.
enum class EndOfData {
    Await, ///< at once, and the reply is read before transact() returns
    /// Kept back when the server pipelines (and the data goes as DATA, not BDAT), to go out in
    /// the same write as the next transaction's MAIL, RCPT and DATA: RFC 2920 3.1 lets message
    /// content lead a group. One round trip per message instead of two.
    Defer,
};

/// A session with one server. open() connects and prepares (greeting, EHLO or HELO,
/// STARTTLS + EHLO, AUTH); transact() runs MAIL/RCPT/DATA or BDAT; quit() ends politely.
/// After a failed transaction the next transact() sends RSET first. A 421 reply or an I/O
/// failure marks the session closed. At most one transaction awaits its reply (EndOfData::Defer);
/// the next transact() settles it on the way, or settle() does. One thread at a time; the
/// cancellation token may be triggered from any thread.
class SmtpSession {
public:
    SmtpSession(const SmtpClientConfig& config, const CancellationToken* cancel = nullptr);
    ~SmtpSession();
    SmtpSession(const SmtpSession&) = delete;
    SmtpSession& operator=(const SmtpSession&) = delete;

    /// Connects and prepares the session. Throws SmtpException subclasses.
    void open();
    /// True when open and not known to be closed.
    bool isOpen() const { return _connection != nullptr && _alive; }
    const Capabilities& capabilities() const { return _caps; }
    /// True when the connection runs TLS.
    bool secure() const { return _connection && _connection->secure(); }

    /// Runs one transaction. Never throws for SMTP failures: they are in the outcome's error
    /// (the recipients list what is known). Throws std::logic_error when not open. With
    /// EndOfData::Defer the outcome may come back `awaitingReply`; a transaction already
    /// awaiting its reply has its end of data sent first, in the same write as this one's
    /// commands, and its outcome is then available from takeSettled().
    TransactionOutcome transact(const Envelope& envelope, MessageSource& content,
                                const TransactionParams& params,
                                EndOfData end = EndOfData::Await);
    /// True while a transaction's end of data is held back awaiting the next transaction.
    bool awaitingReply() const { return _deferred.has_value(); }
    /// Sends the held-back end of data and reads its reply; the finished outcome. Never throws
    /// for SMTP failures. Throws std::logic_error when nothing awaits its reply.
    TransactionOutcome settle();
    /// The outcome of the deferred transaction that the last transact() settled, once.
    std::optional<TransactionOutcome> takeSettled();
    /// Sends QUIT and closes; never throws.
    void quit() noexcept;
    /// Drops the connection without QUIT (a transaction must not be completed); one still
    /// awaiting its end of data is never completed and is settled as failed (takeSettled()).
    /// Never throws.
    void abandon() noexcept;

private:
    SmtpReply command(const std::string& line, const std::string& shownAs = {});
    SmtpReply readReply(const std::string& command);
    void send(const std::string& bytes);
    /// Sends message content for `command` (`DATA-END`, `BDAT n`). When the server closed the
    /// connection meanwhile, a reply it sent before closing (`552` message too big) is thrown as
    /// that reply; otherwise the connection error is.
    void sendContent(const std::string& bytes, const std::string& command);
    void greet();
    void hello();
    void secureSession();
    void authenticate();
    void expect(const SmtpReply& reply, int code, const std::string& command);
    [[noreturn]] void failReply(const SmtpReply& reply, const std::string& command);
    void checkCancelled(const std::string& command) const;
    void trace(char direction, const std::string& text) const;
    std::string mailCommand(const Envelope& envelope, MessageSource& content,
                            const TransactionParams& params) const;
    std::string rcptCommand(const std::string& address) const;
    /// Sends the content and the terminating dot and reads the reply; with `heldBack` the last
    /// piece (the dot included) is left there unsent and no reply is read.
    void sendData(MessageSource& content, TransactionOutcome& outcome, std::string* heldBack);
    /// Concludes a failed transaction: drops the connection when the failure leaves it unusable
    /// and, once data had started, marks every accepted recipient refused with the cause.
    void concludeFailure(TransactionOutcome& out, bool dataStarted) noexcept;
    /// Reads the reply to the deferred transaction's end of data, already sent.
    TransactionOutcome finishDeferred();
    /// The deferred transaction's outcome when sending its end of data failed with `error`.
    TransactionOutcome settleFailed(std::exception_ptr error) noexcept;
    void sendChunks(MessageSource& content, TransactionOutcome& outcome);

    SmtpClientConfig _config;
    const CancellationToken* _cancel;
    std::size_t _cancelCallback = 0;
    std::unique_ptr<SmtpConnection> _connection;
    std::unique_ptr<ReplyReader> _reader;
    Capabilities _caps;
    bool _alive = false;
    bool _needsReset = false;
    /// A transaction whose end of data (`output`) has not been answered yet.
    struct Deferred {
        TransactionOutcome outcome;
        std::string output;
    };
    std::optional<Deferred> _deferred;
    std::optional<TransactionOutcome> _settled;
};

/// True when a session with `security` to `port` speaks TLS from the first byte: SslImplicit,
/// or Auto on port 465 (RFC 8314).
bool usesImplicitTls(SecurityOptions security, std::uint16_t port);

/// Throws the SmtpException subclass that fits `reply` to `command` (4xx transient, 5xx and
/// unexpected codes permanent).
[[noreturn]] void throwForReply(const SmtpReply& reply, const std::string& command);

} // namespace mailrig::detail
