#pragma once
// The socket side of the two SMTP fuzz targets: write a peer everything at once while reading
// whatever it answers, so that neither side blocks on the other.

#include <chrono>
#include <string>

namespace mailrig::fuzz {

/// Writes `bytes` to the connected socket `fd`, half-closes it, and reads (and drops) what the
/// peer sends, both at once, until the peer closes (or resets) the connection. A peer that
/// stops reading ends the writing, not the exchange. Returns false when `limit` passed first.
/// Does not close `fd`.
bool exchange(int fd, const std::string& bytes, std::chrono::milliseconds limit);

} // namespace mailrig::fuzz
