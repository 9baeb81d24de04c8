#pragma once
// The one streaming writer of message bytes: CRLF normalisation and dot-stuffing on the fly.

#include <cstddef>
#include <cstdint>
#include <string>

namespace mailrig::detail {

/// Turns message bytes into what goes on the wire, in pieces of any size, keeping its state
/// between pieces (a CR at the end of one piece and an LF at the start of the next are one line
/// end).
///
/// Every line end in the input, whether CR LF, bare LF or bare CR, becomes CR LF; no bare CR or
/// LF can ever be written, so none of the SMTP-smuggling sequences (`\n.\n`, `\r.\r`,
/// `\n.\r\n`, `\r\n.\n`) can leave the client. In `Data` mode a line starting with `.` gets a
/// second `.` (RFC 5321 4.5.2) and finish() writes the end of data `.` CR LF after a final
/// CR LF (added when the input did not end with a line end). In `Chunk` mode (BDAT) nothing is
/// stuffed and finish() only completes the last line.
class DataEncoder {
public:
    enum class Mode { Data, Chunk };

    explicit DataEncoder(Mode mode = Mode::Data) : _dotStuff(mode == Mode::Data) {}

    /// Appends the wire form of `size` input bytes to `out`.
    void encode(const char* data, std::size_t size, std::string& out);
    void encode(const std::string& data, std::string& out) { encode(data.data(), data.size(), out); }
    /// Appends what ends the message: a pending line end, a CR LF when the last line was not
    /// ended, and in Data mode `.` CR LF.
    void finish(std::string& out);
    /// The message's octets written so far: CRLF-normalised, without the dots added by
    /// stuffing and without the end of data (what the server stores).
    std::size_t contentSize() const { return _contentSize; }

private:
    bool _dotStuff;
    std::size_t _contentSize = 0;
    bool _lineStart = true;
    bool _pendingCr = false;
};

/// The octets of `message` as DataEncoder sends them, CR LF pairs included but not the
/// dot-stuffing or the terminating dot: the message size RFC 1870 declares with `SIZE=`.
std::uint64_t encodedContentSize(const std::string& message);

/// The whole wire form of `message` in one call (for tests and small messages).
std::string encodeData(const std::string& message, DataEncoder::Mode mode = DataEncoder::Mode::Data);

} // namespace mailrig::detail
