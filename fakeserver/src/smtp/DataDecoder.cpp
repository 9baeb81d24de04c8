#include "smtp/DataDecoder.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mailrig::fake::detail {

namespace {

/// A line without its end is taken in pieces once it is this long: its bytes need not wait,
/// and a peer dripping a long line byte by byte does not get it rescanned each time.
constexpr std::size_t kLongLine = 8 * 1024;

// Whether any byte has its high bit set: 64 bytes at a time (SSE2: the sign bits of four
// OR-ed vectors), with an exit after the first block that has one.
bool hasHighBit(const char* p, std::size_t n) {
    std::size_t i = 0;
#if defined(__SSE2__)
    for (; i + 64 <= n; i += 64) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16));
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 32));
        const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 48));
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)))) return true;
    }
#endif
    for (; i < n; ++i)
        if (static_cast<unsigned char>(p[i]) & 0x80) return true;
    return false;
}

bool isLineBreak(char c) { return c == '\r' || c == '\n'; }

#if defined(__SSE2__)
// For the 16 bytes at `p` (and the byte after them): a bit per LF, and a bit per CR whose next
// byte is not LF.
inline void lineBreaks(const char* p, std::uint64_t& lf, std::uint64_t& bareCr) {
    const __m128i lfs = _mm_set1_epi8('\n');
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
    lf = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(here, lfs)));
    bareCr = static_cast<std::uint32_t>(_mm_movemask_epi8(
        _mm_andnot_si128(_mm_cmpeq_epi8(next, lfs), _mm_cmpeq_epi8(here, _mm_set1_epi8('\r')))));
}
#endif

} // namespace

ContentScanner::ContentScanner(bool dotStuffed, std::size_t lineLimit, std::string* out)
    : _dotStuffed(dotStuffed), _lineLimit(lineLimit), _out(out) {}

ContentFacts ContentScanner::facts() const {
    ContentFacts facts = _facts;
    if (_lineLimit && facts.flags.longestLine > _lineLimit) facts.flags.overlongLines = true;
    return facts;
}

void ContentScanner::emit(const char* data, std::size_t size) {
    if (_out && size) _out->append(data, size);
}

ContentScanner::Line ContentScanner::classify(const char* p, std::size_t length, bool ended, bool crlf) {
    if (!_dotStuffed || _lineLength != 0 || length == 0 || p[0] != '.') return Line::Kept;
    if (length >= 2 && isLineBreak(p[1])) {
        if (ended && length == 3 && crlf && _afterCrlf) {
            _done = true;
            return Line::Terminator;
        }
        // A lone dot ended by something other than a CRLF, or following a bare line end: the
        // `\n.\n`, `\r\n.\n`, `\n.\r\n`, `\r\n.\r` family. Kept verbatim (not unstuffed).
        _facts.flags.smuggling = true;
        return Line::Kept;
    }
    return _afterCrlf ? Line::Unstuffed : Line::Kept;
}

void ContentScanner::noteBareCr(std::string_view bytes, std::size_t at) {
    _facts.flags.bareCr = true;
    // `\r.\r` and `\r.\n` are smuggling attempts.
    if (_dotStuffed && at + 2 < bytes.size() && bytes[at + 1] == '.' && isLineBreak(bytes[at + 2]))
        _facts.flags.smuggling = true;
}

void ContentScanner::endLine(std::size_t length, bool crlf) {
    if (!crlf) _facts.flags.bareLf = true;
    if (length > _facts.flags.longestLine) _facts.flags.longestLine = length;
    _lineLength = 0;
    _afterCrlf = crlf;
}

ContentScanner::Line ContentScanner::takeLine(std::string_view bytes, std::size_t begin, std::size_t end,
                                              Piece piece) {
    const char* base = bytes.data();
    const std::size_t length = end - begin;
    const bool ended = piece == Piece::Line;
    // The CR of a CRLF ending may sit in an earlier piece only if fewer than two bytes followed
    // it there, which feed() never leaves.
    const bool crlf = ended && length >= 2 && base[end - 2] == '\r';
    const Line kind = classify(base + begin, length, ended, crlf);
    if (kind == Line::Terminator) return kind;
    // Bare CRs inside the line (the CR of a CRLF ending excluded). The two bytes after a CR
    // are always in `bytes` (see feed()).
    const std::size_t bodyEnd = ended ? end - (crlf ? 2 : 1) : end;
    for (const char* cr = static_cast<const char*>(std::memchr(base + begin, '\r', bodyEnd - begin)); cr;
         cr = static_cast<const char*>(std::memchr(cr + 1, '\r', static_cast<std::size_t>(base + bodyEnd - cr - 1))))
        noteBareCr(bytes, static_cast<std::size_t>(cr - base));
    if (piece == Piece::Partial) {
        _lineLength += length;
        return kind;
    }
    if (ended) {
        endLine(_lineLength + length, crlf);
    } else { // the last bytes, without a line end: no bare LF
        if (_lineLength + length > _facts.flags.longestLine) _facts.flags.longestLine = _lineLength + length;
        _lineLength = 0;
        _afterCrlf = false;
    }
    return kind;
}

std::size_t ContentScanner::takeLines(std::string_view bytes, std::size_t pos, std::size_t& runStart) {
#if defined(__SSE2__)
    const char* base = bytes.data();
    const std::size_t n = bytes.size();
    std::size_t lineStart = pos;
    // 64 bytes at a time: the LFs end lines, a CR whose next byte is not LF is bare. The loads
    // of the next bytes need one byte past the block.
    for (std::size_t i = pos; i + 65 <= n; i += 64) {
        std::uint64_t ends = 0;
        std::uint64_t bare = 0;
        for (std::size_t k = 0; k < 64; k += 16) {
            std::uint64_t lf = 0;
            std::uint64_t cr = 0;
            lineBreaks(base + i + k, lf, cr);
            ends |= lf << k;
            bare |= cr << k;
        }
        for (; ends; ends &= ends - 1) {
            const std::size_t end = i + static_cast<std::size_t>(__builtin_ctzll(ends)) + 1;
            const std::size_t length = end - lineStart;
            const bool crlf = length >= 2 && base[end - 2] == '\r';
            const Line kind = classify(base + lineStart, length, true, crlf);
            if (kind == Line::Terminator) {
                // Bare CRs of this block before the terminator line belong to the message.
                bare = lineStart > i ? bare & ((std::uint64_t{1} << (lineStart - i)) - 1) : 0;
                for (; bare; bare &= bare - 1) noteBareCr(bytes, i + static_cast<std::size_t>(__builtin_ctzll(bare)));
                emit(base + runStart, lineStart - runStart);
                runStart = end;
                return end;
            }
            if (kind == Line::Unstuffed) {
                emit(base + runStart, lineStart - runStart);
                runStart = lineStart + 1;
            }
            endLine(length, crlf);
            lineStart = end;
        }
        // Those after the last line end belong to a line that is taken later, and noted again.
        for (; bare; bare &= bare - 1) noteBareCr(bytes, i + static_cast<std::size_t>(__builtin_ctzll(bare)));
    }
    return lineStart;
#else
    (void)bytes;
    (void)runStart;
    return pos;
#endif
}

std::size_t ContentScanner::feed(std::string_view bytes) {
    if (_done) return 0;
    const char* base = bytes.data();
    std::size_t pos = 0;
    std::size_t runStart = 0; // bytes from here to `pos` go out as they are
    while (pos < bytes.size()) {
        if (_lineLength == 0) {
            pos = takeLines(bytes, pos, runStart);
            if (_done || pos == bytes.size()) break;
        }
        const void* nl = std::memchr(base + pos, '\n', bytes.size() - pos);
        std::size_t end;
        Piece piece = Piece::Line;
        if (nl) {
            end = static_cast<std::size_t>(static_cast<const char*>(nl) - base) + 1;
        } else {
            // A line without its end yet: it waits for more unless it has grown long, and then
            // its last two bytes still wait (a CR there may start a CRLF or `\r.\r`).
            const std::size_t pending = bytes.size() - pos;
            if (pending <= 2 || _lineLength + pending <= kLongLine) break;
            end = bytes.size() - 2;
            piece = Piece::Partial;
        }
        const Line line = takeLine(bytes, pos, end, piece);
        if (line == Line::Terminator) {
            emit(base + runStart, pos - runStart);
            runStart = pos = end;
            break;
        }
        if (line == Line::Unstuffed) {
            emit(base + runStart, pos - runStart);
            runStart = pos + 1;
        }
        pos = end;
    }
    if (!_done) emit(base + runStart, pos - runStart);
    // Whole-block facts in one pass each, not per line.
    if (!_facts.eightBit) _facts.eightBit = hasHighBit(base, pos);
    if (!_facts.flags.nulBytes) _facts.flags.nulBytes = std::memchr(base, '\0', pos) != nullptr;
    return pos;
}

void ContentScanner::finish(std::string_view rest) {
    if (_done) return;
    const std::size_t taken = feed(rest);
    if (_done || taken == rest.size()) return;
    const std::string_view last = rest.substr(taken);
    const Line line = takeLine(last, 0, last.size(), Piece::Last);
    emit(last.data() + (line == Line::Unstuffed ? 1 : 0), last.size() - (line == Line::Unstuffed ? 1 : 0));
    if (!_facts.eightBit) _facts.eightBit = hasHighBit(last.data(), last.size());
    if (!_facts.flags.nulBytes) _facts.flags.nulBytes = std::memchr(last.data(), '\0', last.size()) != nullptr;
}

ContentFacts scanContent(std::string_view content, bool dotStuffed, std::size_t lineLimit, std::string* out) {
    if (out) out->reserve(out->size() + content.size());
    ContentScanner scanner(dotStuffed, lineLimit, out);
    scanner.finish(content);
    return scanner.facts();
}

} // namespace mailrig::fake::detail
