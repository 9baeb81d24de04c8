#pragma once

#include <string>
#include <vector>

namespace mailrig {

/// The outcome for one envelope recipient.
enum class RecipientStatus {
    Accepted,     ///< RCPT TO answered 2xx and the message data was accepted
    Rejected,     ///< RCPT TO answered 4xx/5xx (see the reply), or the data was refused
    NotAttempted, ///< never offered to the server (the transaction failed before its RCPT)
};

/// `accepted`, `rejected` or `not-attempted`.
std::string toString(RecipientStatus status);

/// One recipient's outcome with the server's reply to its RCPT TO (or to the data, when the
/// data was refused after the recipient had been accepted).
struct RecipientResult {
    std::string address;                        ///< the envelope address as sent
    RecipientStatus status = RecipientStatus::NotAttempted;
    int replyCode = 0;                          ///< 0 when not attempted
    std::string enhancedStatus;                 ///< e.g. `5.1.1`; empty when none
    std::string replyText;                      ///< the reply's text lines joined with `\n`
    bool refusedAtRcpt = false;                 ///< the refusal answered RCPT TO, not the data

    bool accepted() const { return status == RecipientStatus::Accepted; }
    /// True for a 4xx refusal, and for `552` to RCPT TO, which RFC 5321 4.5.3.1.10 asks clients
    /// to treat as `452` (too many recipients): trying again later may succeed.
    bool transient() const { return (replyCode >= 400 && replyCode < 500) || (replyCode == 552 && refusedAtRcpt); }
};

/// The outcome of one message sent with SmtpClient::send or forward: the server accepted the
/// data for accepted() recipients. When every recipient is refused, send throws instead.
struct SendResult {
    std::vector<RecipientResult> recipients; ///< in envelope order
    int dataReplyCode = 0;                   ///< the reply to the end of the data (250)
    std::string dataReplyText;               ///< often carries the server's queue id
    /// The message's size as delivered: its octets with every line end made CR LF, without the
    /// dots added by dot-stuffing and without the end of data; the size the server stores (the
    /// fake server's CapturedMessage::size(), `size=` in `mailrig serve`'s lines). For a pickup
    /// directory, the size of the .eml written.
    std::size_t messageSize = 0;
    int attempts = 1;                        ///< how many transactions were tried (retry policy)

    /// True when every recipient was accepted.
    bool allAccepted() const;
    /// The addresses that were accepted / refused, in envelope order.
    std::vector<std::string> acceptedRecipients() const;
    std::vector<std::string> rejectedRecipients() const;
};

} // namespace mailrig
