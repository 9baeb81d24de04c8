// Bulk send (mode 6): many messages, one connection reused, one report entry per message.
#include "smtp/SmtpOperations.h"

#include <optional>

namespace mailrig::detail {

namespace {

std::string errorText(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
}

bool wasCancelled(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const SmtpException& e) {
        return e.kind() == SmtpErrorKind::Cancelled;
    } catch (...) {
        return false;
    }
}

} // namespace

MessageOutcome toOutcome(std::size_t index, const PreparedMessage& message, Delivery& delivery) {
    MessageOutcome o;
    o.index = index;
    o.messageId = message.messageId;
    o.recipients = std::move(delivery.outcome.recipients);
    o.dataReplyCode = delivery.outcome.dataReplyCode;
    o.dataReplyText = delivery.outcome.dataReplyText;
    o.attempts = delivery.attempts;
    if (!delivery.outcome.error) {
        o.status = MessageStatus::Succeeded;
        return o;
    }
    o.exception = delivery.outcome.error;
    o.error = errorText(delivery.outcome.error);
    // Cancelled before any of its data went out: the message was not attempted.
    const bool cancelledEarly =
        wasCancelled(delivery.outcome.error) && !delivery.outcome.contentConsumed;
    o.status = cancelledEarly ? MessageStatus::NotAttempted : MessageStatus::Failed;
    return o;
}

MessageOutcome notAttempted(std::size_t index, const PreparedMessage& message,
                            const std::string& reason) {
    MessageOutcome o;
    o.index = index;
    o.messageId = message.messageId;
    o.status = MessageStatus::NotAttempted;
    o.error = reason;
    for (const auto& r : message.envelope.recipients) {
        RecipientResult result;
        result.address = r;
        o.recipients.push_back(result);
    }
    return o;
}

namespace {

/// Reports progress after each message.
class ProgressCounter {
public:
    ProgressCounter(const ProgressCallback& callback, std::size_t total)
        : _callback(callback), _progress() {
        _progress.total = total;
    }
    void done(const MessageOutcome& o) {
        ++_progress.completed;
        if (o.status == MessageStatus::Succeeded) ++_progress.succeeded;
        if (o.status == MessageStatus::Failed) ++_progress.failed;
        if (!_callback) return;
        _progress.last = &o;
        _callback(_progress);
        _progress.last = nullptr;
    }

private:
    const ProgressCallback& _callback;
    SendProgress _progress;
};

/// A message written into the pickup directory: its outcome.
MessageOutcome pickUp(const SmtpClientConfig& config, std::size_t index, PreparedMessage& p) {
    MessageOutcome o;
    try {
        StringSource source(p.bytes);
        SendResult r = pickupResult(p.envelope, writePickupFile(config.delivery.directory(),
                                                                p.envelope, source));
        o.index = index;
        o.messageId = p.messageId;
        o.status = MessageStatus::Succeeded;
        o.recipients = r.recipients;
        o.dataReplyCode = r.dataReplyCode;
        o.dataReplyText = r.dataReplyText;
        o.attempts = 1;
    } catch (...) {
        o = notAttempted(index, p, {});
        o.status = MessageStatus::Failed;
        o.exception = std::current_exception();
        o.error = errorText(o.exception);
        o.attempts = 1;
    }
    return o;
}

/// One connection, messages in order. Over the network each message's end of data may go out
/// with the next message's envelope (Courier::post), so outcomes can arrive one message late.
SendReport sendSequential(const SmtpClientConfig& config, std::vector<PreparedMessage>& prepared,
                          const CancellationToken* cancel) {
    ProgressCounter progress(config.progress, prepared.size());
    std::vector<std::optional<MessageOutcome>> outcomes(prepared.size());
    Courier courier(config, cancel);
    std::string stopReason;
    auto record = [&](MessageOutcome o, bool sessionFailed) {
        const std::size_t i = o.index;
        outcomes[i] = std::move(o);
        const MessageOutcome& done = *outcomes[i];
        if (stopReason.empty() && sessionFailed)
            stopReason = "the connection failed: " + done.error;
        else if (stopReason.empty() && done.status == MessageStatus::NotAttempted)
            stopReason = "cancelled";
        if (config.stopOnFirstFailure && done.status == MessageStatus::Failed && stopReason.empty())
            stopReason = "stopped after message #" + std::to_string(i + 1) + " failed";
        progress.done(done);
    };
    auto recordAll = [&](std::vector<Finished> finished) {
        for (auto& f : finished)
            record(toOutcome(f.ticket, prepared[f.ticket], f.delivery), f.delivery.sessionFailed);
    };
    for (std::size_t i = 0; i < prepared.size(); ++i) {
        PreparedMessage& p = prepared[i];
        if (stopReason.empty() && cancel && cancel->isCancelled()) stopReason = "cancelled";
        if (!stopReason.empty()) break;
        if (config.delivery.kind() == DeliveryMethod::Kind::PickupDirectory)
            record(pickUp(config, i, p), false);
        else
            recordAll(courier.post(i, p.envelope, std::make_unique<BytesContent>(std::move(p.bytes))));
    }
    recordAll(courier.flush());
    courier.close();

    SendReport report;
    report.messages.reserve(prepared.size());
    for (std::size_t i = 0; i < prepared.size(); ++i) {
        if (outcomes[i]) {
            report.messages.push_back(std::move(*outcomes[i]));
            continue;
        }
        report.messages.push_back(notAttempted(i, prepared[i], stopReason));
        progress.done(report.messages.back());
    }
    return report;
}

} // namespace

SendReport sendMany(const SmtpClientConfig& config, const MailMessageCollection& messages,
                    const CancellationToken* cancel) {
    // Everything is checked and prepared before the first byte goes out.
    std::vector<PreparedMessage> prepared;
    prepared.reserve(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        try {
            prepared.push_back(prepareForSend(config, messages[i]));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("message #" + std::to_string(i) + ": " + e.what());
        }
    }
    if (config.multiMode == MultiConnectionMode::Enable && config.connections > 1 &&
        prepared.size() > 1 && config.delivery.kind() == DeliveryMethod::Kind::Network)
        return sendParallel(config, prepared, cancel);
    return sendSequential(config, prepared, cancel);
}

} // namespace mailrig::detail
