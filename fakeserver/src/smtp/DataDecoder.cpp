#include "smtp/DataDecoder.h"

#include <cstdint>
#include <cstring>

namespace mailrig::fake::detail {

std::optional<DataEnd> findDataEnd(std::string_view raw, std::size_t from, bool atStart) {
    if (atStart && raw.size() >= 3 && raw.compare(0, 3, ".\r\n") == 0) return DataEnd{0, 3};
    static constexpr std::string_view kEnd = "\r\n.\r\n";
    if (from >= raw.size()) return std::nullopt;
    // memmem skips through the text in large strides; find() stops at every line's CR.
    const void* hit = ::memmem(raw.data() + from, raw.size() - from, kEnd.data(), kEnd.size());
    if (!hit) return std::nullopt;
    std::size_t at = static_cast<std::size_t>(static_cast<const char*>(hit) - raw.data());
    return DataEnd{at + 2, at + kEnd.size()};
}

namespace {

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

// Looks at one bare CR at `at` (not followed by LF): `\r.\r`, `\r.\n` are smuggling attempts.
void inspectBareCr(std::string_view s, std::size_t at, bool dotStuffed, MessageFlags& flags) {
    flags.bareCr = true;
    if (dotStuffed && at + 2 < s.size() && s[at + 1] == '.' && isLineBreak(s[at + 2])) flags.smuggling = true;
}

} // namespace

ContentFacts scanContent(std::string_view s, bool dotStuffed, std::size_t lineLimit, std::string* out) {
    ContentFacts facts;
    MessageFlags& flags = facts.flags;
    if (out) out->reserve(out->size() + s.size());
    const char* base = s.data();
    // Whole-content facts in one pass each, not per line.
    facts.eightBit = hasHighBit(base, s.size());
    flags.nulBytes = std::memchr(base, '\0', s.size()) != nullptr;
    std::size_t pos = 0;
    std::size_t runStart = 0; // bytes from here to `pos` go to `out` as they are
    bool afterCrlf = true; // the content starts at a line start
    while (pos < s.size()) {
        const void* nl = std::memchr(base + pos, '\n', s.size() - pos);
        std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - base) + 1 : s.size();
        std::size_t lineLength = end - pos;
        bool crlf = nl && end - pos >= 2 && base[end - 2] == '\r';
        if (nl && !crlf) flags.bareLf = true;
        if (lineLength > flags.longestLine) flags.longestLine = lineLength;
        // Bare CRs inside the line (the CR of a CRLF ending excluded).
        std::size_t bodyEnd = crlf ? end - 2 : (nl ? end - 1 : end);
        for (const char* cr = static_cast<const char*>(std::memchr(base + pos, '\r', bodyEnd - pos)); cr;
             cr = static_cast<const char*>(std::memchr(cr + 1, '\r', static_cast<std::size_t>(base + bodyEnd - cr - 1))))
            inspectBareCr(s, static_cast<std::size_t>(cr - base), dotStuffed, flags);
        bool smugglingLine = false;
        if (dotStuffed && lineLength >= 2 && base[pos] == '.' && isLineBreak(base[pos + 1])) {
            // A lone dot ended by something other than a CRLF, or following a bare line end:
            // the `\n.\n`, `\r\n.\n`, `\n.\r\n`, `\r\n.\r` family. Kept verbatim (not unstuffed).
            bool properTerminatorShape = lineLength == 3 && crlf;
            smugglingLine = !properTerminatorShape || !afterCrlf;
            flags.smuggling = flags.smuggling || smugglingLine;
        }
        if (dotStuffed && afterCrlf && !smugglingLine && lineLength > 0 && base[pos] == '.') {
            // Unstuff: copy what came before, then continue after the dot.
            if (out) out->append(base + runStart, pos - runStart);
            runStart = pos + 1;
        }
        afterCrlf = crlf;
        pos = end;
    }
    if (out) out->append(base + runStart, s.size() - runStart);
    if (lineLimit && flags.longestLine > lineLimit) flags.overlongLines = true;
    return facts;
}

} // namespace mailrig::fake::detail
