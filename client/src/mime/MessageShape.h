#pragma once
/// The first check of bytes that claim to be a message, shared by loading and stream forwarding.

#include <string>

namespace mailrig::detail {

/// Where the header block of `bytes` starts: after a leading mbox `From ` line, else at 0.
std::size_t headerBlockStart(const std::string& bytes);

/// Why `bytes` (a whole message, or a prefix of one that holds its header block) cannot be an
/// RFC 5322 message, or empty when it can: after an optional mbox `From ` line the data must
/// start with a header field `name:` (printable ASCII name), and the header block must hold no
/// NUL byte. `bytes` must not be empty.
std::string whyNotAMessage(const std::string& bytes);

} // namespace mailrig::detail
