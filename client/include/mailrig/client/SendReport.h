#pragma once

#include "mailrig/client/SendResult.h"

#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace mailrig {

/// What happened to one message of a bulk send.
enum class MessageStatus {
    Succeeded,    ///< the server accepted the data for at least one recipient
    Failed,       ///< refused or failed; see MessageOutcome::error
    NotAttempted, ///< never tried (stop-on-first-failure, cancellation, or a dead connection)
};

/// `succeeded`, `failed` or `not-attempted`.
std::string toString(MessageStatus status);

/// One message's entry in a SendReport.
struct MessageOutcome {
    std::size_t index = 0;        ///< position in the collection that was sent
    std::string messageId;        ///< the message's Message-ID (may be empty for raw input)
    MessageStatus status = MessageStatus::NotAttempted;
    /// Per-recipient outcomes in envelope order (every recipient NotAttempted when the message
    /// was not attempted, Rejected with the reply when refused).
    std::vector<RecipientResult> recipients;
    int dataReplyCode = 0;        ///< the reply to the end of the data, when it was sent
    std::string dataReplyText;
    std::string error;            ///< what() of the failure, empty when it succeeded
    /// The failure itself (usually an SmtpException), null when it succeeded; rethrow it with
    /// std::rethrow_exception to inspect codes.
    std::exception_ptr exception;
    int attempts = 0;             ///< transactions tried for this message

    /// True when succeeded and every recipient was accepted.
    bool fullyDelivered() const;
};

/// Progress of a bulk send, passed to the progress callback after each message.
struct SendProgress {
    std::size_t completed = 0; ///< messages finished (any status) so far
    std::size_t total = 0;     ///< messages in the collection
    std::size_t succeeded = 0;
    std::size_t failed = 0;
    const MessageOutcome* last = nullptr; ///< the message just finished; valid during the call
};

/// Called after each message of a bulk send. With several connections it is called from the
/// worker threads, one call at a time (never concurrently).
using ProgressCallback = std::function<void(const SendProgress&)>;

/// The result of a bulk send: one entry per message, in the collection's order.
struct SendReport {
    std::vector<MessageOutcome> messages;

    std::size_t succeededCount() const;
    std::size_t failedCount() const;
    std::size_t notAttemptedCount() const;
    /// True when every message succeeded for every recipient.
    bool allDelivered() const;
    /// A readable table: one line per message (`#1` for the collection's first, as a scenario's
    /// `report` counts) with its status and, per refused recipient, the code and text (`not
    /// delivered` for one accepted at RCPT whose message data was never confirmed).
    std::string summary() const;
};

} // namespace mailrig
