#pragma once

#include <stdexcept>
#include <string>

namespace mailrig {

/// Bytes given as a message are not one, found before anything was sent (thrown by
/// SmtpClient::forward for a stream). A std::invalid_argument, as for other bad input; what()
/// reads `not a message: <cause>`, and cause() is the part after it, e.g. `no header block (the
/// data does not start with a header field)`.
class NotAMessageError : public std::invalid_argument {
public:
    explicit NotAMessageError(const std::string& cause)
        : std::invalid_argument("not a message: " + cause), _cause(cause) {}
    /// Why the bytes are not a message, without the `not a message: ` prefix.
    const std::string& cause() const noexcept { return _cause; }

private:
    std::string _cause;
};

} // namespace mailrig
