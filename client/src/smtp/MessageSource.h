#pragma once
// Where the bytes of one transaction come from: a string in memory or a stream.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>

namespace mailrig::detail {

/// The content of one transaction, read once from the start. What the client must know before
/// MAIL FROM (size, 8-bit content, UTF-8 headers) is known up front.
class MessageSource {
public:
    virtual ~MessageSource() = default;
    /// Octets of the content as sent, CR LF line ends included (RFC 1870), when known (strings);
    /// nullopt for streams.
    virtual std::optional<std::uint64_t> size() const = 0;
    /// True when the body (after the header block) may hold bytes above 0x7F (always true for
    /// streams).
    virtual bool eightBitBody() const = 0;
    /// True when the header block holds bytes above 0x7F (RFC 6532 headers need SMTPUTF8).
    virtual bool utf8Headers() const = 0;
    /// Reads up to `capacity` bytes; 0 at the end. Throws std::runtime_error on a stream error.
    virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
    /// True when the source can be read again from the start (for a retry).
    virtual bool rewind() = 0;
};

/// True when any byte is above 0x7F.
bool hasEightBit(const char* data, std::size_t size);
/// The length of the header block of `bytes` including the empty line after it (either CRLF
/// or LF line ends); the whole length when there is no empty line.
std::size_t headerBlockLength(const std::string& bytes);
/// Like headerBlockLength(), but std::string::npos when there is no empty line.
std::size_t headerBlockEnd(const std::string& bytes);

/// A message held in memory (not copied: `bytes` must outlive the source).
class StringSource : public MessageSource {
public:
    explicit StringSource(const std::string& bytes);
    /// The octets as sent (CRLF line ends, a final CRLF), which SIZE= declares (RFC 1870).
    std::optional<std::uint64_t> size() const override { return _wireSize; }
    bool eightBitBody() const override { return _eightBitBody; }
    bool utf8Headers() const override { return _utf8Headers; }
    std::size_t read(char* buffer, std::size_t capacity) override;
    bool rewind() override { _pos = 0; return true; }
    /// Direct access for the writer, avoiding a copy.
    const std::string& bytes() const { return _bytes; }
    bool atStart() const { return _pos == 0; }
    void consumeAll() { _pos = _bytes.size(); }

private:
    const std::string& _bytes;
    std::size_t _pos = 0;
    bool _eightBitBody;
    bool _utf8Headers;
    std::uint64_t _wireSize;
};

/// A header block already read (and possibly rewritten) followed by the rest of a stream,
/// read in pieces; nothing but the header block is held in memory.
class StreamSource : public MessageSource {
public:
    /// `prefix` is the (rewritten) header block, `headerLength` long, plus any body bytes
    /// already read from `rest`.
    StreamSource(std::string prefix, std::size_t headerLength, std::istream& rest, std::string name);
    /// Makes read() throw SmtpCapabilityException at the first body byte above 0x7F (for a
    /// server without 8BITMIME; the transaction is then abandoned, never completed).
    void rejectEightBitBody(bool on) { _rejectEightBit = on; }
    std::optional<std::uint64_t> size() const override { return std::nullopt; }
    bool eightBitBody() const override { return true; }
    bool utf8Headers() const override { return _utf8Headers; }
    std::size_t read(char* buffer, std::size_t capacity) override;
    /// Possible while nothing but the held prefix was read.
    bool rewind() override {
        if (_restStarted) return false;
        _headerPos = 0;
        return true;
    }

private:
    std::string _header;
    std::size_t _headerPos = 0;
    std::istream& _rest;
    std::string _name;
    std::size_t _headerLength;
    bool _restStarted = false;
    bool _utf8Headers;
    bool _rejectEightBit = false;
};

} // namespace mailrig::detail
