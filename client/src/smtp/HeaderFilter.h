#pragma once
// Header-block rewriting for send and forward: fields that must not travel, the Resent block.

#include <chrono>
#include <string>
#include <vector>

namespace mailrig::detail {

/// Removes from a header block (CRLF or LF line ends, up to and including the empty line) every
/// `Bcc`, `Resent-Bcc` and `Return-Path` field with its continuation lines, and a leading mbox
/// `From ` separator line. Other bytes are kept exactly. Returns the block unchanged (no copy
/// made by the caller) when `needsFiltering()` is false.
std::string filterHeaderBlock(const std::string& headerBlock);
/// True when filterHeaderBlock() would change the block.
bool needsFiltering(const std::string& headerBlock);

/// An RFC 5322 3.6.6 Resent block: Resent-Date, Resent-From, Resent-To and Resent-Message-ID
/// (never Resent-Bcc), CRLF line ends, long Resent-To folded. Throws std::invalid_argument for
/// an empty sender (RFC 5322 3.6.6: Resent-From names a mailbox).
std::string resentBlock(const std::string& sender, const std::vector<std::string>& recipients,
                        std::chrono::system_clock::time_point when);

/// `bytes` with its header block filtered and, when `resent` is not empty, `resent` prepended.
std::string rewriteMessage(const std::string& bytes, const std::string& resent);

} // namespace mailrig::detail
