#pragma once
// Re-encoding of 8-bit message bodies for servers without 8BITMIME.

#include <string>

namespace mailrig::detail {

/// Returns `bytes` with every MIME leaf part whose content holds 8-bit bytes (declared 8bit,
/// binary, 7bit or nothing) re-encoded: text/* as quoted-printable, anything else as base64,
/// with its Content-Transfer-Encoding field updated. Parts inside message/rfc822 are treated
/// the same way. Header fields are written as they were read (GMime keeps their raw values).
/// Returns `bytes` unchanged when the body is already 7-bit. Throws std::runtime_error when the
/// bytes cannot be parsed as a message.
std::string reencodeSevenBit(const std::string& bytes);

} // namespace mailrig::detail
