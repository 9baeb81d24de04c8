#pragma once

#include "mailrig/client/SendResult.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace mailrig {

/// What went wrong, for callers that branch on the kind rather than on the class.
enum class SmtpErrorKind {
    Reply,          ///< the server answered a command with 4xx or 5xx
    Connection,     ///< connect failed, the connection dropped, or an I/O timeout
    Tls,            ///< TLS handshake or certificate failure, STARTTLS missing or refused
    Authentication, ///< AUTH refused, or no mechanism both sides allow
    Capability,     ///< the message needs an extension the server lacks (SMTPUTF8, SIZE limit)
    Protocol,       ///< the server sent something that is not SMTP (malformed reply)
    Cancelled,      ///< the operation was cancelled by the caller
};

/// `reply`, `connection`, `tls`, `authentication`, `capability`, `protocol` or `cancelled`.
std::string toString(SmtpErrorKind kind);

/// Every failure of an SMTP operation. Carries the command that failed as sent (e.g.
/// `RCPT TO:<bob@example.org>`, `DATA-END` for the reply after the message data, `CONNECT` for
/// the greeting; AUTH secrets are never included), the reply code (0 when there was no reply),
/// the enhanced status code (`5.1.1`, empty when none) and the full reply text (every line,
/// joined with `\n`). what() combines them for people, naming the command once (`server answered
/// 550 5.1.1 unknown to RCPT TO:<x@example.org>`).
///
/// isTransient() is true for 4xx replies and for connection failures (worth retrying later);
/// false for 5xx replies and for problems a retry cannot fix.
///
/// When a transaction failed because the server refused every recipient, recipients() holds
/// each recipient's outcome with its RCPT TO reply, and what() names every refusal.
class SmtpException : public std::runtime_error {
public:
    SmtpException(SmtpErrorKind kind, const std::string& message, std::string command = {},
                  int replyCode = 0, std::string enhancedStatus = {}, std::string replyText = {},
                  bool transient = false, std::vector<RecipientResult> recipients = {});

    SmtpErrorKind kind() const noexcept { return _kind; }
    /// The command as sent (without secrets), or a pseudo-command (`CONNECT`, `DATA-END`).
    const std::string& command() const noexcept { return _command; }
    /// The three-digit reply code, or 0 when the failure was not a reply.
    int replyCode() const noexcept { return _replyCode; }
    /// The RFC 3463 enhanced status code (`4.7.1`), empty when the server sent none.
    const std::string& enhancedStatus() const noexcept { return _enhancedStatus; }
    /// Every line of the server's reply text (after the code), joined with `\n`.
    const std::string& replyText() const noexcept { return _replyText; }
    /// True when retrying later may succeed (4xx, dropped connection, timeout).
    bool isTransient() const noexcept { return _transient; }
    /// True when retrying cannot succeed.
    bool isPermanent() const noexcept { return !_transient; }
    /// When the server refused every recipient: every recipient's outcome (Rejected, with the
    /// reply to its RCPT TO) in envelope order; command() and replyCode() are then the first
    /// permanent refusal (the first refusal when all were 4xx). Empty for every other failure.
    const std::vector<RecipientResult>& recipients() const noexcept { return _recipients; }

private:
    SmtpErrorKind _kind;
    std::string _command;
    int _replyCode;
    std::string _enhancedStatus;
    std::string _replyText;
    bool _transient;
    std::vector<RecipientResult> _recipients;
};

/// The server answered with a 4xx reply (or refused every recipient with 4xx or with 552, which
/// RFC 5321 4.5.3.1.10 says to read as 452). When it so refused every recipient, `recipients` holds
/// them all (see SmtpException::recipients()), and what() lists every refusal when there were
/// several: `server refused every recipient: 450 4.2.1 busy to RCPT TO:<a@example.org>; 451 ...`.
class SmtpTransientException : public SmtpException {
public:
    SmtpTransientException(const std::string& command, int code, const std::string& enhanced,
                           const std::string& text, std::vector<RecipientResult> recipients = {});
};

/// The server answered with a 5xx reply (or another code the command does not allow). When it
/// refused every recipient (at least one with 5xx), `recipients` holds them all, as for
/// SmtpTransientException.
class SmtpPermanentException : public SmtpException {
public:
    SmtpPermanentException(const std::string& command, int code, const std::string& enhanced,
                           const std::string& text, std::vector<RecipientResult> recipients = {});
};

/// Connecting failed, the server closed the connection, or a read/write timed out. Transient,
/// except a timeout waiting for the reply to the end of the data (command() `DATA-END`): the
/// server may have taken the message, so it is not sent again.
/// what() names the server and, for a timeout, the time waited: `connecting to 192.0.2.1:25
/// timed out after 3 s` (command() `CONNECT`), `reading the reply of 192.0.2.1:25 timed out
/// after 60 s (command: EHLO [127.0.0.1])`.
class SmtpConnectionException : public SmtpException {
public:
    /// `transient` is false only where a retry could do harm: no reply in time to the end of
    /// the data (the server may have taken the message).
    SmtpConnectionException(const std::string& message, const std::string& command,
                            bool timedOut = false, bool transient = true);
    /// True when the failure was a timeout rather than a refusal or a closed connection.
    bool timedOut() const noexcept { return _timedOut; }

private:
    bool _timedOut;
};

/// TLS failed: handshake error, certificate not trusted or for another name, STARTTLS not
/// offered when required, or refused (then replyCode() holds the server's code, e.g. 454).
class SmtpTlsException : public SmtpException {
public:
    SmtpTlsException(const std::string& message, const std::string& command = "STARTTLS",
                     int code = 0, const std::string& enhanced = {}, const std::string& text = {});
};

/// AUTH failed (reply code set, e.g. 535) or no mechanism is both offered and allowed.
class SmtpAuthenticationException : public SmtpException {
public:
    SmtpAuthenticationException(const std::string& message, const std::string& command,
                                int code = 0, const std::string& enhanced = {},
                                const std::string& text = {});
};

/// The message cannot be sent to this server as it is: it needs SMTPUTF8 and the server lacks
/// it, or it exceeds the server's SIZE limit. Nothing was sent for that message. Permanent.
class SmtpCapabilityException : public SmtpException {
public:
    SmtpCapabilityException(const std::string& message, const std::string& command);
};

/// The server broke the protocol (a reply line that is not `ddd[ -]text`, an overlong reply).
class SmtpProtocolException : public SmtpException {
public:
    SmtpProtocolException(const std::string& message, const std::string& command);
};

/// The caller cancelled the operation (see CancellationToken) before the message was accepted.
class SmtpCancelledException : public SmtpException {
public:
    explicit SmtpCancelledException(const std::string& command);
};

} // namespace mailrig
