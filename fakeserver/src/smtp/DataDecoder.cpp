#include "smtp/DataDecoder.h"

#include <cstdint>
#include <cstring>

namespace mailrig::fake::detail {

namespace {

/// A line without its end is taken in pieces once it is this long: its bytes need not wait,
/// and a peer dripping a long line byte by byte does not get it rescanned each time.
constexpr std::size_t kLongLine = 8 * 1024;

// Whether any byte has its high bit set: OR-reduced in blocks the compiler vectorises, with
// an exit after the first block that has one.
bool hasHighBit(const char* p, std::size_t n) {
    constexpr std::size_t kBlock = 4096;
    std::size_t i = 0;
    for (; i + kBlock <= n; i += kBlock) {
        std::uint64_t any = 0;
        for (std::size_t j = 0; j < kBlock; j += 8) {
            std::uint64_t word;
            std::memcpy(&word, p + i + j, 8);
            any |= word;
        }
        if (any & 0x8080808080808080ull) return true;
    }
    for (; i < n; ++i)
        if (static_cast<unsigned char>(p[i]) & 0x80) return true;
    return false;
}

bool isLineBreak(char c) { return c == '\r' || c == '\n'; }

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

ContentScanner::Line ContentScanner::takeLine(std::string_view bytes, std::size_t begin, std::size_t end,
                                              Piece piece) {
    MessageFlags& flags = _facts.flags;
    const char* base = bytes.data();
    const std::size_t length = end - begin;
    const bool atLineStart = _lineLength == 0;
    const bool ended = piece == Piece::Line;
    // The CR of a CRLF ending may sit in an earlier piece only if fewer than two bytes followed
    // it there, which feed() never leaves.
    const bool crlf = ended && length >= 2 && base[end - 2] == '\r';
    Line kind = Line::Kept;
    if (_dotStuffed && atLineStart && length >= 2 && base[begin] == '.' && isLineBreak(base[begin + 1])) {
        if (ended && length == 3 && crlf && _afterCrlf) {
            _done = true;
            return Line::Terminator;
        }
        // A lone dot ended by something other than a CRLF, or following a bare line end: the
        // `\n.\n`, `\r\n.\n`, `\n.\r\n`, `\r\n.\r` family. Kept verbatim (not unstuffed).
        flags.smuggling = true;
    } else if (_dotStuffed && atLineStart && _afterCrlf && length > 0 && base[begin] == '.') {
        kind = Line::Unstuffed;
    }
    if (ended && !crlf) flags.bareLf = true;
    // Bare CRs inside the line (the CR of a CRLF ending excluded); `\r.\r` and `\r.\n` are
    // smuggling attempts. The two bytes after a CR are always in `bytes` (see feed()).
    const std::size_t bodyEnd = ended ? end - (crlf ? 2 : 1) : end;
    for (const char* cr = static_cast<const char*>(std::memchr(base + begin, '\r', bodyEnd - begin)); cr;
         cr = static_cast<const char*>(std::memchr(cr + 1, '\r', static_cast<std::size_t>(base + bodyEnd - cr - 1)))) {
        flags.bareCr = true;
        const std::size_t at = static_cast<std::size_t>(cr - base);
        if (_dotStuffed && at + 2 < bytes.size() && base[at + 1] == '.' && isLineBreak(base[at + 2]))
            flags.smuggling = true;
    }
    if (piece == Piece::Partial) {
        _lineLength += length;
        return kind;
    }
    if (_lineLength + length > flags.longestLine) flags.longestLine = _lineLength + length;
    _lineLength = 0;
    _afterCrlf = crlf;
    return kind;
}

std::size_t ContentScanner::feed(std::string_view bytes) {
    if (_done) return 0;
    const char* base = bytes.data();
    std::size_t pos = 0;
    std::size_t runStart = 0; // bytes from here to `pos` go out as they are
    while (pos < bytes.size()) {
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
