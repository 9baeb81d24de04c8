#pragma once
/// Whole-file reads and writes whose errors name the path and the cause.

#include <cstddef>
#include <istream>
#include <string>

namespace mailrig::detail {

/// The most bytes read into memory from one file or stream (MailMessage::kMaxLoadSize).
inline constexpr std::size_t kMaxReadBytes = std::size_t{1} << 30;

/// Reads the file at `path`. Throws std::runtime_error "<what> '<path>': <cause>" when it does
/// not exist, is a directory, cannot be opened or read, or holds more than kMaxReadBytes (a
/// device such as /dev/zero that never ends is stopped there).
std::string readFileBytes(const std::string& path, const std::string& what);

/// Reads `in` to its end. Throws std::runtime_error "<what> '<name>': <cause>" when the stream
/// reports an error before its end or yields more than kMaxReadBytes.
std::string readStreamBytes(std::istream& in, const std::string& what, const std::string& name);

/// Writes `bytes` to `path`, replacing it. Throws std::runtime_error naming the path and cause.
void writeFileBytes(const std::string& path, const std::string& bytes, const std::string& what);

} // namespace mailrig::detail
