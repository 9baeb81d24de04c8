#pragma once
// SHA-256 of bytes given piece by piece (OpenSSL), for the spool's `.json`.

#include <cstddef>
#include <string>

namespace mailrig::fake::detail {

/// A running SHA-256. Uses one OpenSSL digest context per thread, so a thread computes one
/// digest at a time: `reset`, then `update` with each piece, then `hex`.
class Sha256 {
public:
    Sha256() { reset(); }
    /// Starts over.
    void reset();
    /// Adds `size` bytes at `data`.
    void update(const char* data, std::size_t size);
    /// The digest of everything added since `reset`, as 64 lower-case hex digits; empty when
    /// OpenSSL failed. Ends this digest (call `reset` before the next).
    std::string hex();

private:
    bool _ok = false;
};

/// The SHA-256 of `bytes` as 64 lower-case hex digits (empty when OpenSSL failed).
std::string sha256Hex(const std::string& bytes);

} // namespace mailrig::fake::detail
