#pragma once
// A server reply and the buffered reader that assembles replies from socket reads.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace mailrig::detail {

/// One complete SMTP reply (RFC 5321 4.2): every line shares the code; the last line has a
/// space (or nothing) after it, the others a hyphen.
struct SmtpReply {
    int code = 0;
    std::string enhancedStatus;     ///< RFC 3463 `x.y.z` from the first line, empty when none
    std::vector<std::string> lines; ///< each line's text after `ddd-`/`ddd `, CR LF removed

    /// Every line joined with `\n`.
    std::string text() const;
    bool positive() const { return code >= 200 && code < 400; }
    bool transientFailure() const { return code >= 400 && code < 500; }
};

/// Limits on what a server may send (RFC 5321 4.5.3.1.5: a reply line is at most 512 octets;
/// we allow far more, but not without end).
struct ReplyLimits {
    std::size_t maxLineLength = 64 * 1024;
    std::size_t maxLines = 1000;
};

/// Reads replies from a byte source through one buffer: many bytes per read, lines found by
/// searching the buffer, several pipelined replies taken from one read. Accepts CR LF and bare
/// LF line ends from the server. Not thread-safe.
class ReplyReader {
public:
    /// `source(buffer, capacity)` reads at least one byte or throws (closed, timeout).
    using Source = std::function<std::size_t(char*, std::size_t)>;

    explicit ReplyReader(Source source, ReplyLimits limits = {});

    /// Reads the next complete reply. `command` names what it answers, for errors.
    /// Throws SmtpProtocolException for a malformed or overlong reply, and whatever the source
    /// throws.
    SmtpReply read(const std::string& command);
    /// True when bytes of a further reply are already buffered (a server talking out of turn).
    bool hasBufferedData() const { return _pos < _buffer.size(); }
    /// Drops buffered bytes (after STARTTLS, where buffered plaintext must not be trusted).
    void discardBuffer() { _buffer.clear(); _pos = 0; }
    /// Bytes buffered but not yet consumed.
    std::size_t bufferedSize() const { return _buffer.size() - _pos; }

private:
    std::string readLine(const std::string& command);

    Source _source;
    ReplyLimits _limits;
    std::string _buffer;
    std::size_t _pos = 0;
};

/// Parses the reply lines given (without line ends) into a reply; for tests and for the
/// reader. Throws SmtpProtocolException naming `command` and the offending line.
SmtpReply parseReplyLines(const std::vector<std::string>& rawLines, const std::string& command);

} // namespace mailrig::detail
