#include "smtp/DataEncoder.h"

namespace mailrig::detail {

void DataEncoder::encode(const char* p, std::size_t size, std::string& out) {
    const char* const end = p + size;
    while (p < end) {
        const char c = *p;
        if (_pendingCr) {
            _pendingCr = false;
            out.append("\r\n", 2);
            _lineStart = true;
            if (c == '\n') {
                ++p;
                continue;
            }
        }
        if (c == '\r') {
            _pendingCr = true;
            ++p;
            continue;
        }
        if (c == '\n') {
            out.append("\r\n", 2);
            _lineStart = true;
            ++p;
            continue;
        }
        if (_lineStart && _dotStuff && c == '.') out.push_back('.');
        _lineStart = false;
        const char* q = p + 1;
        while (q < end && *q != '\r' && *q != '\n') ++q;
        out.append(p, static_cast<std::size_t>(q - p));
        p = q;
    }
}

void DataEncoder::finish(std::string& out) {
    if (_pendingCr) {
        _pendingCr = false;
        out.append("\r\n", 2);
        _lineStart = true;
    }
    if (!_lineStart) {
        out.append("\r\n", 2);
        _lineStart = true;
    }
    if (_dotStuff) out.append(".\r\n", 3);
}

std::string encodeData(const std::string& message, DataEncoder::Mode mode) {
    DataEncoder encoder(mode);
    std::string out;
    out.reserve(message.size() + message.size() / 32 + 8);
    encoder.encode(message, out);
    encoder.finish(out);
    return out;
}

} // namespace mailrig::detail
