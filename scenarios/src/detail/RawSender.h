#pragma once
// The `send_raw` step: a minimal SMTP dialogue that puts a fixture's bytes on the wire exactly
// as they are (no CRLF normalisation, no dot-stuffing), to prove that the fake server and the
// verifier catch broken mail that mailrig's own client would never send.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mailrig::scenario::detail {

/// Connects to 127.0.0.1:`port` in plaintext, says EHLO, MAIL FROM:<from>, RCPT TO:<each>,
/// DATA, writes `bytes` verbatim followed by CRLF (when they do not end in one) and `.` CRLF,
/// then QUIT. Throws std::runtime_error naming the command and the server's reply when a reply
/// is not the expected one, or the connection fails or times out after `timeout`.
void sendRaw(std::uint16_t port, const std::string& from, const std::vector<std::string>& to,
             const std::string& bytes, std::chrono::milliseconds timeout);

} // namespace mailrig::scenario::detail
