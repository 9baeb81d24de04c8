#include "smtp/DataEncoder.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mailrig::detail {

namespace {

/// The first CR or LF in [p, end), or `end`: sixteen bytes at a time with SSE2.
const char* findLineBreak(const char* p, const char* end) {
#if defined(__SSE2__)
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    for (; end - p >= 16; p += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const int hits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, cr), _mm_cmpeq_epi8(bytes, lf)));
        if (hits) return p + __builtin_ctz(static_cast<unsigned>(hits));
    }
#endif
    while (p < end && *p != '\r' && *p != '\n') ++p;
    return p;
}

} // namespace

void DataEncoder::encode(const char* p, std::size_t size, std::string& out) {
    const char* const end = p + size;
    const std::size_t before = out.size();
    std::size_t stuffed = 0;
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
        if (_lineStart && _dotStuff && c == '.') {
            out.push_back('.');
            ++stuffed;
        }
        _lineStart = false;
        const char* q = findLineBreak(p + 1, end);
        out.append(p, static_cast<std::size_t>(q - p));
        p = q;
    }
    _contentSize += out.size() - before - stuffed;
}

void DataEncoder::finish(std::string& out) {
    if (_pendingCr || !_lineStart) {
        _pendingCr = false;
        out.append("\r\n", 2);
        _contentSize += 2;
        _lineStart = true;
    }
    if (_dotStuff) out.append(".\r\n", 3);
}

std::uint64_t encodedContentSize(const std::string& message) {
    std::uint64_t size = 0;
    bool lineStart = true;
    const char* p = message.data();
    const char* const end = p + message.size();
    while (p < end) {
        const char* q = findLineBreak(p, end);
        size += static_cast<std::uint64_t>(q - p);
        if (q > p) lineStart = false;
        if (q == end) break;
        size += 2; // CR LF, bare CR or bare LF: each ends a line as CR LF
        lineStart = true;
        p = q + (q[0] == '\r' && q + 1 < end && q[1] == '\n' ? 2 : 1);
    }
    return lineStart ? size : size + 2;
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
