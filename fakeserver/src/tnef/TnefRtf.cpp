#include "tnef/TnefRtf.h"

#include "mailrig/fakeserver/TnefView.h"
#include "tnef/TnefStrings.h"

extern "C" {
#include <ytnef.h>
}

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
    std::vector<BYTE> copy(compressed.begin(), compressed.end());
    variableLength input;
    input.data = copy.data();
    input.size = static_cast<int>(copy.size());
    int size = 0;
    BYTE* raw = DecompressRTF(&input, &size);
    if (!raw) {
        problems.push_back(where + ": libytnef could not decompress the RTF");
        return {};
    }
    std::string rtf(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(size));
    std::free(raw);
    if (rtf.size() != rawSize)
        problems.push_back(where + ": compressed RTF announces " + std::to_string(rawSize) + " bytes, " +
                           std::to_string(rtf.size()) + " decompressed");
    return rtf;
}

} // namespace detail

} // namespace mailrig::fake
