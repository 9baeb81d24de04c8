#pragma once
/// Composition of a MailMessage into RFC 5322 + MIME bytes (see MailMessage.h for the rules).

#include "mailrig/client/MailMessage.h"

#include <string>

namespace mailrig::detail {

/// Composes `message` with `messageId` and `date` (both already decided by the caller) and
/// returns CRLF-terminated bytes. Throws std::invalid_argument naming the field for a missing
/// From, a bad address, a bad content type or Content-ID. Uses its own GMime objects, so it may
/// run on any thread.
std::string composeMessage(const MailMessage& message, const std::string& messageId,
                           std::chrono::system_clock::time_point date);

/// A fresh `<random@domain>` Message-ID; the domain is taken from `fromAddress` when it is a
/// plain host name, else `mailrig.local`.
std::string generateMessageId(const std::string& fromAddress);

} // namespace mailrig::detail
