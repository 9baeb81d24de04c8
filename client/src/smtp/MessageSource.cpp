#include "smtp/MessageSource.h"

#include "smtp/DataEncoder.h"

#include "mailrig/client/SmtpException.h"

#include <cstring>
#include <stdexcept>

namespace mailrig::detail {

bool hasEightBit(const char* data, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i)
        if (static_cast<unsigned char>(data[i]) & 0x80) return true;
    return false;
}

std::size_t headerBlockEnd(const std::string& bytes) {
    // The block ends at the first empty line: a line end directly after a line end.
    std::size_t i = 0;
    bool lineStart = true;
    while (i < bytes.size()) {
        const char c = bytes[i];
        if (lineStart && c == '\n') return i + 1;
        if (lineStart && c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') return i + 2;
        lineStart = c == '\n';
        ++i;
    }
    return std::string::npos;
}

std::size_t headerBlockLength(const std::string& bytes) {
    const std::size_t end = headerBlockEnd(bytes);
    return end == std::string::npos ? bytes.size() : end;
}

StringSource::StringSource(const std::string& bytes)
    : _bytes(bytes) {
    const std::size_t headerLength = headerBlockLength(bytes);
    _utf8Headers = hasEightBit(bytes.data(), headerLength);
    _eightBitBody = hasEightBit(bytes.data() + headerLength, bytes.size() - headerLength);
    _wireSize = encodedContentSize(bytes);
}

std::size_t StringSource::read(char* buffer, std::size_t capacity) {
    const std::size_t n = std::min(capacity, _bytes.size() - _pos);
    std::memcpy(buffer, _bytes.data() + _pos, n);
    _pos += n;
    return n;
}

StreamSource::StreamSource(std::string prefix, std::size_t headerLength, std::istream& rest,
                           std::string name)
    : _header(std::move(prefix)), _rest(rest), _name(std::move(name)), _headerLength(headerLength),
      _utf8Headers(hasEightBit(_header.data(), headerLength)) {}

std::size_t StreamSource::read(char* buffer, std::size_t capacity) {
    std::size_t n = 0;
    std::size_t bodyStart = 0; // offset in `buffer` where body bytes begin
    if (_headerPos < _header.size()) {
        n = std::min(capacity, _header.size() - _headerPos);
        std::memcpy(buffer, _header.data() + _headerPos, n);
        bodyStart = _headerPos >= _headerLength ? 0 : std::min(n, _headerLength - _headerPos);
        _headerPos += n;
    } else if (_rest.good()) {
        _restStarted = true;
        _rest.read(buffer, static_cast<std::streamsize>(capacity));
        n = static_cast<std::size_t>(_rest.gcount());
    }
    if (_rest.bad()) throw std::runtime_error("reading " + _name + " failed");
    if (_rejectEightBit && hasEightBit(buffer + bodyStart, n - bodyStart))
        throw SmtpCapabilityException(
            _name + " holds 8-bit data but the server does not offer 8BITMIME; nothing was "
                    "delivered",
            "DATA");
    return n;
}

} // namespace mailrig::detail
