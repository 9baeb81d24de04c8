// MS-OXRTFCP compressed RTF: the specification's worked examples byte for byte, round trips,
// and the decoder's errors.
#include "mailrig/client/Tnef.h"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

namespace {

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out.push_back(static_cast<char>(v));
    return out;
}

std::uint32_t le32(const std::string& s, std::size_t at) {
    std::uint32_t v = 0;
    for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(s[at + k]);
    return v;
}

} // namespace

BOOST_AUTO_TEST_SUITE(CompressedRtf)

// MS-OXRTFCP 4.1: "{\rtf1\ansi\ansicpg1252\pard hello world}\r\n".
BOOST_AUTO_TEST_CASE(compressesTheSpecificationsFirstExampleByteForByte) {
    const std::string expected = bytes({0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75,
                                        0xf1, 0xc5, 0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67,
                                        0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09,
                                        0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f,
                                        0xa0});
    BOOST_TEST(mailrig::compressRtf("{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n") == expected);
}

// MS-OXRTFCP 4.2: a run that reads bytes it is itself writing (offset crossing the write position).
BOOST_AUTO_TEST_CASE(compressesTheSpecificationsOverlappingRunExampleByteForByte) {
    const std::string expected = bytes({0x1a, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75,
                                        0xe2, 0xd4, 0x4b, 0x51, 0x41, 0x00, 0x04, 0x20, 0x57, 0x58, 0x59, 0x5a,
                                        0x0d, 0x6e, 0x7d, 0x01, 0x0e, 0xb0});
    BOOST_TEST(mailrig::compressRtf("{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}") == expected);
}

BOOST_AUTO_TEST_CASE(decompressesTheSpecificationsExample) {
    const std::string compressed = mailrig::compressRtf("{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n");
    BOOST_TEST(mailrig::decompressRtf(compressed) == "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n");
}

BOOST_AUTO_TEST_CASE(headerCarriesSizesMagicAndNeverMela) {
    const std::string rtf = mailrig::htmlToRtf("<html><body><p>Hello</p></body></html>");
    const std::string c = mailrig::compressRtf(rtf);
    BOOST_TEST(le32(c, 0) == c.size() - 4);
    BOOST_TEST(le32(c, 4) == rtf.size());
    BOOST_TEST(c.substr(8, 4) == "LZFu");
    BOOST_TEST(c.find("MELA") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(emptyInputIsOnlyTheEndMarker) {
    const std::string c = mailrig::compressRtf("");
    BOOST_TEST(c.size() == 16u + 3u); // control byte + one reference
    BOOST_TEST(mailrig::decompressRtf(c).empty());
}

BOOST_AUTO_TEST_CASE(repetitiveRtfReallyCompresses) {
    std::string rtf = "{\\rtf1\\ansi ";
    for (int i = 0; i < 2000; ++i) rtf += "\\par row " + std::to_string(i % 10) + " of the table\r\n";
    rtf += "}";
    const std::string c = mailrig::compressRtf(rtf);
    BOOST_TEST(c.size() * 4 < rtf.size());
    BOOST_TEST(mailrig::decompressRtf(c) == rtf);
}

BOOST_AUTO_TEST_CASE(roundTripsRandomBytesAcrossTheRingWrap) {
    std::mt19937 rng(42);
    for (std::size_t size : {1u, 2u, 17u, 18u, 4095u, 4096u, 4097u, 20000u}) {
        std::string input;
        for (std::size_t i = 0; i < size; ++i) input.push_back(static_cast<char>("ab{}\\ \r\nxyz"[rng() % 11]));
        BOOST_TEST_CONTEXT("size " << size) { BOOST_TEST(mailrig::decompressRtf(mailrig::compressRtf(input)) == input); }
    }
    std::string binary;
    for (int i = 0; i < 10000; ++i) binary.push_back(static_cast<char>(rng() & 0xFF));
    BOOST_TEST(mailrig::decompressRtf(mailrig::compressRtf(binary)) == binary);
}

BOOST_AUTO_TEST_CASE(aMegabyteOfRepetitiveInputCompressesInBoundedTime) {
    // Every position has thousands of candidate matches here; the search must stay bounded.
    std::string sameByte(1 << 20, 'a');
    std::string table;
    while (table.size() < (1u << 20)) table += "<td></td>";
    for (const std::string* input : {&sameByte, &table}) {
        const auto started = std::chrono::steady_clock::now();
        const std::string c = mailrig::compressRtf(*input);
        const auto elapsed = std::chrono::steady_clock::now() - started;
        BOOST_TEST((elapsed < std::chrono::seconds(5)));
        BOOST_TEST(c.size() * 7 < input->size());
        BOOST_TEST(mailrig::decompressRtf(c) == *input);
    }
}

BOOST_AUTO_TEST_CASE(decoderRejectsACorruptedCrc) {
    std::string c = mailrig::compressRtf("{\\rtf1 some text}");
    c[20] = static_cast<char>(c[20] ^ 0x01);
    BOOST_CHECK_THROW(mailrig::decompressRtf(c), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(decoderRejectsShortHeadersAndUnknownMagic) {
    BOOST_CHECK_THROW(mailrig::decompressRtf("0123456789abcde"), std::invalid_argument);
    BOOST_CHECK_THROW(mailrig::decompressRtf(bytes({0x0c, 0, 0, 0, 0, 0, 0, 0, 'A', 'B', 'C', 'D', 0, 0, 0, 0})),
                      std::invalid_argument);
    std::string c = mailrig::compressRtf("{\\rtf1 truncated}");
    BOOST_CHECK_THROW(mailrig::decompressRtf(c.substr(0, c.size() - 3)), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(decoderReadsTheUncompressedForm) {
    std::string mela = bytes({0x10, 0, 0, 0, 4, 0, 0, 0, 'M', 'E', 'L', 'A', 0, 0, 0, 0});
    mela += "{\\r}";
    BOOST_TEST(mailrig::decompressRtf(mela) == "{\\r}");
}

BOOST_AUTO_TEST_SUITE_END()
