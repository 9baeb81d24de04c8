#pragma once
/// Reading a whole input the verifying side was given (a captured message, a server script, a
/// scenario, a calendar) with a bound, so a device or pipe that never ends is an error, not a
/// process that fills memory or never returns.

#include <cstddef>
#include <iosfwd>
#include <stdexcept>
#include <string>

namespace mailrig::fake {

/// The bound for messages: 1 GiB.
inline constexpr std::size_t kMaxMessageInput = std::size_t{1} << 30;
/// The bound for text the user wrote (scripts, scenarios, calendars): 64 MiB.
inline constexpr std::size_t kMaxTextInput = std::size_t{64} << 20;

/// An input that could not be read whole. what() is `<name>: cannot read: <cause>`; cause() is
/// the system's reason, `is a directory`, or `larger than 64 MiB, the most read into memory`.
class InputFileError : public std::runtime_error {
public:
    InputFileError(const std::string& name, const std::string& cause);
    /// The file's path (or the stream's name) as given.
    const std::string& name() const noexcept { return _name; }
    /// Why it could not be read, without the name.
    const std::string& cause() const noexcept { return _cause; }

private:
    std::string _name;
    std::string _cause;
};

/// Reads the file, device or pipe at `path` to its end. A regular file larger than `limit` is
/// refused before it is read; anything else is read until it ends or passes `limit`. Throws
/// InputFileError when it cannot be opened, is a directory, fails, or holds more than `limit`.
std::string readInputFile(const std::string& path, std::size_t limit);

/// Reads `in` to its end, as readInputFile; `name` (`<stdin>`) names it in errors.
std::string readInputStream(std::istream& in, const std::string& name, std::size_t limit);

} // namespace mailrig::fake
