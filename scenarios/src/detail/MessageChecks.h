#pragma once
// Checking one captured message against a MessageCheck, through the fake server's independent
// message view (GMime) and lint.

#include "detail/Captured.h"
#include "detail/TextMatch.h"

#include "mailrig/fakeserver/MessageView.h"

namespace mailrig::scenario::detail {

/// True when `check.select` (if any) picks this message.
bool selects(const MessageCheck& check, const fake::MessageView& view);

/// Runs every expectation of `check` on `mail` (parsed as `view`) and adds what fails to `sink`;
/// the lint check only when `lint` is true (a message is linted once, by its own check).
/// Never throws for bad message data.
void checkMessage(const MessageCheck& check, const CapturedMail& mail, const fake::MessageView& view,
                  const MismatchSink& sink, bool lint = true);

/// Lower-case hex SHA-256 / MD5 of `bytes`.
std::string sha256Hex(const std::string& bytes);
std::string md5Hex(const std::string& bytes);

} // namespace mailrig::scenario::detail
