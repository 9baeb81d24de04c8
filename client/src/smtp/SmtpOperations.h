#pragma once
// The operations behind SmtpClient's methods, on a settings snapshot, so the synchronous,
// asynchronous and multi-connection forms share one implementation.

#include "mailrig/client/SmtpClient.h"
#include "smtp/Courier.h"

#include <istream>
#include <string>
#include <vector>

namespace mailrig::detail {

/// A message ready for the wire: its envelope and bytes (TNEF applied, Bcc / Resent-Bcc /
/// Return-Path removed, Resent block added when forwarding with it).
struct PreparedMessage {
    Envelope envelope;
    std::string bytes;
    std::string messageId;
};

/// Throws std::invalid_argument naming `role` when `address` holds a control character, a
/// space outside quotes or angle brackets, bytes that are not UTF-8, or (unless `allowEmpty`)
/// no `@`.
void validateAddress(const std::string& address, const std::string& role, bool allowEmpty);

/// The envelope and bytes for send(message). Throws std::invalid_argument for a message without
/// sender or recipients, or with an invalid address.
PreparedMessage prepareForSend(const SmtpClientConfig& config, const MailMessage& message);
/// The envelope and bytes for forward(sender, recipients, message).
PreparedMessage prepareForForward(const SmtpClientConfig& config, const std::string& sender,
                                  const std::vector<std::string>& recipients,
                                  const MailMessage& message);

/// Turns a finished delivery into a SendResult, or throws its error.
SendResult resultOrThrow(Delivery& delivery);

SendResult sendOne(const SmtpClientConfig& config, const MailMessage& message,
                   const CancellationToken* cancel);
SendResult forwardMessage(const SmtpClientConfig& config, const std::string& sender,
                          const std::vector<std::string>& recipients, const MailMessage& message,
                          const CancellationToken* cancel);
SendResult forwardStream(const SmtpClientConfig& config, const std::string& sender,
                         const std::vector<std::string>& recipients, std::istream& in,
                         const CancellationToken* cancel);
/// Bulk send over one connection, or over several when multi-connection is enabled.
SendReport sendMany(const SmtpClientConfig& config, const MailMessageCollection& messages,
                    const CancellationToken* cancel);
/// Bulk send over `config.connections` parallel connections (SmtpClientMulti.cpp).
SendReport sendParallel(const SmtpClientConfig& config, const std::vector<PreparedMessage>& prepared,
                        const CancellationToken* cancel);

/// The report entry for one delivery.
MessageOutcome toOutcome(std::size_t index, const PreparedMessage& message, Delivery& delivery);
/// An entry for a message that was never attempted, with the reason.
MessageOutcome notAttempted(std::size_t index, const PreparedMessage& message,
                            const std::string& reason);

/// A message written into the pickup directory: the .eml's path and size.
struct PickupFile {
    std::string path;
    std::size_t size = 0;
};

/// Writes one message into the pickup directory (PickupDirectory.cpp). Throws
/// std::runtime_error naming the directory and the cause.
PickupFile writePickupFile(const std::string& directory, const Envelope& envelope, MessageSource& content);
/// A SendResult for a message written into the pickup directory.
SendResult pickupResult(const Envelope& envelope, const PickupFile& file);

} // namespace mailrig::detail
