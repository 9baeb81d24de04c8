#pragma once
/// Whole-file reads and writes whose errors name the path and the cause.

#include <istream>
#include <string>

namespace mailrig::detail {

/// Reads the file at `path`. Throws std::runtime_error "<what> '<path>': <cause>" when it does
/// not exist, is a directory, or cannot be opened or read.
std::string readFileBytes(const std::string& path, const std::string& what);

/// Reads `in` to its end. Throws std::runtime_error "<what> '<name>': the stream failed" when
/// the stream reports an error before its end.
std::string readStreamBytes(std::istream& in, const std::string& what, const std::string& name);

/// Writes `bytes` to `path`, replacing it. Throws std::runtime_error naming the path and cause.
void writeFileBytes(const std::string& path, const std::string& bytes, const std::string& what);

} // namespace mailrig::detail
