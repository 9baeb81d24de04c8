#include "mailrig/client/SendReport.h"
#include "mailrig/client/SendResult.h"

#include <sstream>

namespace mailrig {

std::string toString(RecipientStatus status) {
    switch (status) {
    case RecipientStatus::Accepted: return "accepted";
    case RecipientStatus::Rejected: return "rejected";
    case RecipientStatus::NotAttempted: return "not-attempted";
    }
    return "unknown";
}

std::string toString(MessageStatus status) {
    switch (status) {
    case MessageStatus::Succeeded: return "succeeded";
    case MessageStatus::Failed: return "failed";
    case MessageStatus::NotAttempted: return "not-attempted";
    }
    return "unknown";
}

bool SendResult::allAccepted() const {
    for (const auto& r : recipients)
        if (!r.accepted()) return false;
    return !recipients.empty();
}

std::vector<std::string> SendResult::acceptedRecipients() const {
    std::vector<std::string> out;
    for (const auto& r : recipients)
        if (r.accepted()) out.push_back(r.address);
    return out;
}

std::vector<std::string> SendResult::rejectedRecipients() const {
    std::vector<std::string> out;
    for (const auto& r : recipients)
        if (r.status == RecipientStatus::Rejected) out.push_back(r.address);
    return out;
}

bool MessageOutcome::fullyDelivered() const {
    if (status != MessageStatus::Succeeded) return false;
    for (const auto& r : recipients)
        if (!r.accepted()) return false;
    return true;
}

namespace {
std::size_t countStatus(const std::vector<MessageOutcome>& messages, MessageStatus status) {
    std::size_t n = 0;
    for (const auto& m : messages)
        if (m.status == status) ++n;
    return n;
}
} // namespace

std::size_t SendReport::succeededCount() const { return countStatus(messages, MessageStatus::Succeeded); }
std::size_t SendReport::failedCount() const { return countStatus(messages, MessageStatus::Failed); }
std::size_t SendReport::notAttemptedCount() const {
    return countStatus(messages, MessageStatus::NotAttempted);
}

bool SendReport::allDelivered() const {
    for (const auto& m : messages)
        if (!m.fullyDelivered()) return false;
    return true;
}

std::string SendReport::summary() const {
    std::ostringstream out;
    for (const auto& m : messages) {
        out << "#" << m.index + 1 << " " << toString(m.status);
        if (!m.messageId.empty()) out << " " << m.messageId;
        if (!m.error.empty()) out << ": " << m.error;
        out << "\n";
        for (const auto& r : m.recipients) {
            if (r.accepted()) continue;
            if (r.status == RecipientStatus::Rejected && r.replyCode == 0) { // accepted, then no reply to the data
                out << "  " << r.address << " not delivered (accepted at RCPT; the message data was not confirmed)\n";
                continue;
            }
            out << "  " << r.address << " " << toString(r.status);
            if (r.replyCode) out << " " << r.replyCode << " " << r.replyText.substr(0, r.replyText.find('\n'));
            out << "\n";
        }
    }
    out << succeededCount() << " succeeded, " << failedCount() << " failed, "
        << notAttemptedCount() << " not attempted\n";
    return out.str();
}

} // namespace mailrig
