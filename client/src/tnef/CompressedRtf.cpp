// MS-OXRTFCP: the "LZFu" compressed RTF of PR_RTF_COMPRESSED.
#include "mailrig/client/Tnef.h"

#include <array>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace mailrig {

namespace {

constexpr std::size_t kRingSize = 4096;       // MS-OXRTFCP 2.1.3.1.2: the dictionary
constexpr std::size_t kMaxMatch = 17;         // 4-bit length + 2
constexpr std::size_t kMinMatch = 2;
constexpr std::size_t kHeaderSize = 16;
// Candidates examined per position, newest first: bounds the time on repetitive input (a
// megabyte of one character) at a small cost in ratio; ties go to the oldest one examined, and
// a full-length match ends the search.
constexpr std::size_t kMaxCandidates = 128;
constexpr std::uint32_t kMagicCompressed = 0x75465A4C;   // "LZFu"
constexpr std::uint32_t kMagicUncompressed = 0x414C454D; // "MELA"

// MS-OXRTFCP 3.1.1.1.1: the dictionary's initial contents (207 bytes).
constexpr char kPreamble[] =
    "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
    "\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
    "\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
constexpr std::size_t kPreambleSize = sizeof(kPreamble) - 1;
static_assert(kPreambleSize == 207, "the MS-OXRTFCP preamble is 207 bytes");

// CRC-32 as MS-OXRTFCP 3.1.3.2 computes it: the 0xEDB88320 table, initial 0, no final xor.
std::uint32_t rtfCrc(const std::string& data, std::size_t from) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0;
    for (std::size_t i = from; i < data.size(); ++i)
        crc = table[(crc ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (crc >> 8);
    return crc;
}

void putLe32(std::string& out, std::size_t at, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) out[at + k] = static_cast<char>((v >> (8 * k)) & 0xFF);
}

std::uint32_t getLe32(const std::string& in, std::size_t at) {
    std::uint32_t v = 0;
    for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(in[at + k]);
    return v;
}

// The compressor's state: the stream seen so far (preamble, then input) addressed by absolute
// position; the ring is positions modulo 4096. Candidate matches are found through chains of
// positions sharing their first two bytes.
class LzfuCompressor {
public:
    explicit LzfuCompressor(const std::string& input) : _in(input) {
        _ring.fill(0);
        _head.assign(1u << 16, kNone);
        _prev.fill(kNone);
        std::memcpy(_ring.data(), kPreamble, kPreambleSize);
        for (std::size_t p = 0; p + 1 < kPreambleSize; ++p) insert(p);
        _pos = kPreambleSize;
    }

    std::string run() {
        std::string out(kHeaderSize, '\0');
        std::size_t i = 0;
        std::size_t controlAt = 0;
        int tokens = 8; // forces a new control byte first
        auto beginToken = [&](bool isReference) {
            if (tokens == 8) {
                controlAt = out.size();
                out.push_back('\0');
                tokens = 0;
            }
            if (isReference) out[controlAt] = static_cast<char>(out[controlAt] | (1 << tokens));
            ++tokens;
        };
        auto putReference = [&](std::size_t offset, std::size_t length) {
            const auto word = static_cast<std::uint16_t>(((offset % kRingSize) << 4) | (length - 2));
            out.push_back(static_cast<char>(word >> 8));
            out.push_back(static_cast<char>(word & 0xFF));
        };
        while (i < _in.size()) {
            std::size_t bestPos = 0;
            const std::size_t best = longestMatch(i, bestPos);
            if (best >= kMinMatch) {
                beginToken(true);
                putReference(bestPos, best);
                for (std::size_t k = 0; k < best; ++k) append(static_cast<unsigned char>(_in[i + k]));
                i += best;
            } else {
                beginToken(false);
                out.push_back(_in[i]);
                append(static_cast<unsigned char>(_in[i]));
                ++i;
            }
        }
        beginToken(true); // the end: a reference to the write position, length ignored
        putReference(_pos, 2);
        putLe32(out, 0, static_cast<std::uint32_t>(out.size() - kHeaderSize + 12));
        putLe32(out, 4, static_cast<std::uint32_t>(_in.size()));
        putLe32(out, 8, kMagicCompressed);
        putLe32(out, 12, rtfCrc(out, kHeaderSize));
        return out;
    }

private:
    static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

    unsigned char at(std::size_t pos) const { return _ring[pos % kRingSize]; }
    static std::size_t key(unsigned char a, unsigned char b) { return (std::size_t(a) << 8) | b; }

    // Links `pos` into the chain of its first two bytes (both must be written).
    void insert(std::size_t pos) {
        const std::size_t k = key(at(pos), at(pos + 1));
        _prev[pos % kRingSize] = _head[k];
        _head[k] = pos;
    }

    void append(unsigned char c) {
        _ring[_pos % kRingSize] = c;
        insert(_pos - 1);
        ++_pos;
    }

    // Length of the match of input[i..] against the stream at `cand`; bytes at or after the
    // write position are those the reference itself writes, as the decoder sees them.
    std::size_t matchLength(std::size_t cand, std::size_t i) const {
        const std::size_t limit = std::min(kMaxMatch, _in.size() - i);
        std::size_t n = 0;
        while (n < limit) {
            const std::size_t src = cand + n;
            const unsigned char c = src < _pos ? at(src) : static_cast<unsigned char>(_in[i + (src - _pos)]);
            if (c != static_cast<unsigned char>(_in[i + n])) break;
            ++n;
        }
        return n;
    }

    // The longest match for input[i..]; among equally long ones the oldest (of those examined),
    // as the specification's examples show. Returns its length (0 or 1 when none is worth a reference).
    std::size_t longestMatch(std::size_t i, std::size_t& bestPos) const {
        if (i + kMinMatch > _in.size()) return 0;
        const std::size_t oldest = _pos >= kRingSize - 1 ? _pos - (kRingSize - 1) : 0;
        std::size_t best = 0;
        auto consider = [&](std::size_t cand) {
            const std::size_t n = matchLength(cand, i);
            if (n >= kMinMatch && n >= best) {
                best = n;
                bestPos = cand;
            }
        };
        consider(_pos - 1); // not chained yet: its second byte is the one being written
        std::size_t cand = _head[key(static_cast<unsigned char>(_in[i]), static_cast<unsigned char>(_in[i + 1]))];
        std::size_t visited = 0;
        while (best < kMaxMatch && cand != kNone && cand >= oldest && cand < _pos && visited++ < kMaxCandidates) {
            consider(cand);
            const std::size_t next = _prev[cand % kRingSize];
            if (next == kNone || next >= cand) break;
            cand = next;
        }
        return best;
    }

    const std::string& _in;
    std::array<unsigned char, kRingSize> _ring{};
    std::vector<std::size_t> _head;
    std::array<std::size_t, kRingSize> _prev{};
    std::size_t _pos = 0;
};

} // namespace

std::string compressRtf(std::string rtf) {
    if (rtf.size() > std::numeric_limits<std::uint32_t>::max() - 64)
        throw std::invalid_argument("compressRtf: RTF of " + std::to_string(rtf.size()) +
                                    " bytes exceeds what the 32-bit size field can hold");
    return LzfuCompressor(rtf).run();
}

std::string decompressRtf(const std::string& in) {
    auto fail = [](std::size_t offset, const std::string& cause) {
        return std::invalid_argument("compressed RTF at offset " + std::to_string(offset) + ": " + cause);
    };
    if (in.size() < kHeaderSize) throw fail(0, "only " + std::to_string(in.size()) + " bytes, the header needs 16");
    const std::uint32_t compSize = getLe32(in, 0);
    const std::uint32_t rawSize = getLe32(in, 4);
    const std::uint32_t magic = getLe32(in, 8);
    const std::uint32_t crc = getLe32(in, 12);
    if (std::size_t(compSize) + 4 > in.size())
        throw fail(0, "compressed size " + std::to_string(compSize) + " exceeds the " +
                          std::to_string(in.size()) + " bytes present");
    const std::string data = in.substr(kHeaderSize, compSize - 12);
    if (magic == kMagicUncompressed) return data.substr(0, rawSize);
    if (magic != kMagicCompressed) throw fail(8, "unknown compression type");
    if (rtfCrc(data, 0) != crc) throw fail(12, "CRC mismatch");
    std::array<unsigned char, kRingSize> ring{};
    std::memcpy(ring.data(), kPreamble, kPreambleSize);
    std::size_t write = kPreambleSize;
    std::string out;
    out.reserve(rawSize);
    std::size_t p = 0;
    while (p < data.size()) {
        const auto control = static_cast<unsigned char>(data[p++]);
        for (int bit = 0; bit < 8; ++bit) {
            if (p >= data.size()) throw fail(kHeaderSize + p, "data ends without the end marker");
            if (control & (1 << bit)) {
                if (p + 2 > data.size()) throw fail(kHeaderSize + p, "truncated reference");
                const unsigned word = (static_cast<unsigned char>(data[p]) << 8) | static_cast<unsigned char>(data[p + 1]);
                p += 2;
                std::size_t offset = word >> 4;
                const std::size_t length = (word & 0xF) + 2;
                if (offset == write % kRingSize) {
                    if (out.size() != rawSize)
                        throw fail(4, "raw size " + std::to_string(rawSize) + " but " +
                                          std::to_string(out.size()) + " bytes decompressed");
                    return out;
                }
                for (std::size_t k = 0; k < length; ++k) {
                    const unsigned char c = ring[offset];
                    offset = (offset + 1) % kRingSize;
                    ring[write % kRingSize] = c;
                    ++write;
                    out.push_back(static_cast<char>(c));
                }
            } else {
                const auto c = static_cast<unsigned char>(data[p++]);
                ring[write % kRingSize] = c;
                ++write;
                out.push_back(static_cast<char>(c));
            }
        }
    }
    throw fail(kHeaderSize + p, "data ends without the end marker");
}

} // namespace mailrig
