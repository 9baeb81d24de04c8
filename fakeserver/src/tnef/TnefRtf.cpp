#include "tnef/TnefRtf.h"

#include "mailrig/fakeserver/TnefView.h"
#include "tnef/TnefStrings.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace mailrig::fake {

namespace detail {

namespace {

constexpr std::uint32_t kCompressed = 0x75465A4C;   // "LZFu"
constexpr std::uint32_t kUncompressed = 0x414C454D; // "MELA"

std::uint32_t le32(const std::string& s, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

// CRC-32 over the compressed data as MS-OXRTFCP 3.1.3.2 defines it (reflected 0xEDB88320,
// starting at 0, no final complement), bit by bit.
std::uint32_t specCrc(const std::string& data, std::size_t from) {
    std::uint32_t crc = 0;
    for (std::size_t i = from; i < data.size(); ++i) {
        crc ^= static_cast<unsigned char>(data[i]);
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc;
}

// MS-OXRTFCP 2.2.3 decompression: control bytes read from the lowest bit, literals, and
// big-endian references (12-bit ring offset, 4-bit length - 2) into a 4096-byte ring that starts
// with the 207-byte preamble; a reference to the current write offset ends the data.
// (libytnef's own decoder is not used: its preamble has "\n\r" where the specification has
// "\r\n".)
std::string decompressTokens(const std::string& compressed, const std::string& where, std::vector<std::string>& problems) {
    static const std::string preamble =
        "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
        "\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
        "\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
    std::string ring(4096, '\0');
    ring.replace(0, preamble.size(), preamble);
    std::size_t writeAt = preamble.size();
    std::string out;
    std::size_t in = 16;
    while (in < compressed.size()) {
        const auto control = static_cast<unsigned char>(compressed[in++]);
        for (int bit = 0; bit < 8 && in < compressed.size(); ++bit) {
            if (!(control & (1u << bit))) {
                ring[writeAt] = compressed[in++];
                out.push_back(ring[writeAt]);
                writeAt = (writeAt + 1) % ring.size();
                continue;
            }
            if (in + 1 >= compressed.size()) {
                problems.push_back(where + ": compressed RTF ends inside a reference at offset " + std::to_string(in));
                return out;
            }
            const unsigned token = (static_cast<unsigned char>(compressed[in]) << 8) | static_cast<unsigned char>(compressed[in + 1]);
            in += 2;
            std::size_t readAt = token >> 4;
            if (readAt == writeAt) return out; // the end marker
            for (unsigned n = 0; n < (token & 0xF) + 2; ++n) {
                ring[writeAt] = ring[readAt];
                out.push_back(ring[writeAt]);
                writeAt = (writeAt + 1) % ring.size();
                readAt = (readAt + 1) % ring.size();
            }
        }
    }
    problems.push_back(where + ": compressed RTF has no end marker");
    return out;
}

} // namespace

std::string readCompressedRtf(const std::string& compressed, const std::string& where,
                              std::vector<std::string>& problems) {
    if (compressed.size() < 16) {
        problems.push_back(where + ": compressed RTF of " + std::to_string(compressed.size()) +
                           " bytes is shorter than its 16-byte header");
        return {};
    }
    const std::uint32_t compSize = le32(compressed, 0);
    const std::uint32_t rawSize = le32(compressed, 4);
    const std::uint32_t magic = le32(compressed, 8);
    const std::uint32_t crc = le32(compressed, 12);
    if (compSize != compressed.size() - 4)
        problems.push_back(where + ": compressed RTF size field says " + std::to_string(compSize) + ", expected " +
                           std::to_string(compressed.size() - 4));
    if (magic == kUncompressed) {
        problems.push_back(where + ": compressed RTF is stored uncompressed (MELA), which tnef and ytnef mis-decode");
        return compressed.substr(16, rawSize);
    }
    if (magic != kCompressed) {
        problems.push_back(where + ": compressed RTF has unknown magic " + tnefHex(magic, 8));
        return {};
    }
    const std::uint32_t actualCrc = specCrc(compressed, 16);
    if (actualCrc != crc)
        problems.push_back(where + ": compressed RTF CRC is " + tnefHex(crc, 8) + ", computed " + tnefHex(actualCrc, 8));
    const std::string rtf = decompressTokens(compressed, where, problems);
    if (rtf.size() != rawSize)
        problems.push_back(where + ": compressed RTF announces " + std::to_string(rawSize) + " bytes, " +
                           std::to_string(rtf.size()) + " decompressed");
    return rtf;
}

} // namespace detail

} // namespace mailrig::fake
