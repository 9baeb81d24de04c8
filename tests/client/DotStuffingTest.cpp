#include <boost/test/unit_test.hpp>

#include "smtp/DataEncoder.h"

#include <random>

using mailrig::detail::DataEncoder;
using mailrig::detail::encodeData;
using mailrig::detail::encodedContentSize;

namespace {

/// Checks what every DATA stream must satisfy: every CR is followed by LF, every LF preceded by
/// CR, and the end-of-data line `CRLF.CRLF` appears exactly once, at the very end.
void checkWireInvariants(const std::string& wire) {
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r') BOOST_REQUIRE_MESSAGE(i + 1 < wire.size() && wire[i + 1] == '\n', "bare CR at " << i);
        if (wire[i] == '\n') BOOST_REQUIRE_MESSAGE(i > 0 && wire[i - 1] == '\r', "bare LF at " << i);
    }
    BOOST_REQUIRE(wire.size() >= 3);
    BOOST_REQUIRE(wire.compare(wire.size() - 3, 3, ".\r\n") == 0);
    const std::string body = "\r\n" + wire.substr(0, wire.size() - 3);
    BOOST_REQUIRE_MESSAGE(body.find("\r\n.\r\n") == std::string::npos, "early end of data");
    // Every line that starts with '.' was stuffed: it starts with "..".
    std::size_t pos = 0;
    while ((pos = body.find("\r\n.", pos)) != std::string::npos) {
        BOOST_REQUIRE_MESSAGE(body.compare(pos + 2, 2, "..") == 0, "unstuffed dot at " << pos);
        pos += 3;
    }
}

/// What a receiver reconstructs: unstuffed lines without the end-of-data line.
std::string unstuff(const std::string& wire) {
    std::string out;
    std::size_t pos = 0;
    const std::string body = wire.substr(0, wire.size() - 3);
    while (pos < body.size()) {
        std::size_t end = body.find("\r\n", pos);
        end = end == std::string::npos ? body.size() : end + 2;
        std::string line = body.substr(pos, end - pos);
        if (!line.empty() && line[0] == '.') line.erase(0, 1);
        out += line;
        pos = end;
    }
    return out;
}

/// The input with every line end (CRLF, LF, CR) made CRLF and a final CRLF ensured.
std::string normalised(const std::string& in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '\r') {
            out += "\r\n";
            if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
        } else if (in[i] == '\n') {
            out += "\r\n";
        } else {
            out += in[i];
        }
    }
    if (!out.empty() && out.compare(out.size() - 2 < out.size() ? out.size() - 2 : 0, 2, "\r\n") != 0)
        out += "\r\n";
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(DotStuffingTest)

BOOST_AUTO_TEST_CASE(stuffsLeadingDotsAndTerminates) {
    BOOST_TEST(encodeData("a\r\n.b\r\n..c\r\n") == "a\r\n..b\r\n...c\r\n.\r\n");
    BOOST_TEST(encodeData(".") == "..\r\n.\r\n");
}

BOOST_AUTO_TEST_CASE(contentSizeCountsTheMessageNotTheStuffedDotsOrTheEnd) {
    DataEncoder data(DataEncoder::Mode::Data);
    std::string out;
    data.encode(".a\n..b\r", out);
    data.encode("\nc", out);
    data.finish(out);
    BOOST_TEST(out == "..a\r\n...b\r\nc\r\n.\r\n");
    BOOST_TEST(data.contentSize() == std::string(".a\r\n..b\r\nc\r\n").size());
    DataEncoder chunk(DataEncoder::Mode::Chunk);
    out.clear();
    chunk.encode(".a\rb", out);
    chunk.finish(out);
    BOOST_TEST(chunk.contentSize() == out.size());
    BOOST_TEST(out == ".a\r\nb\r\n");
}

BOOST_AUTO_TEST_CASE(theDeclaredSizeIsWhatTheEncoderCountsForAnyInput) {
    // SIZE= (RFC 1870) is announced before the data: counted up front, it must equal what the
    // encoder then sends, bare CR and LF made CR LF and a final line end added.
    std::mt19937 random(20261126);
    const char alphabet[] = {'\r', '\n', '.', 'a', ' ', '\0', '\xff'};
    for (int round = 0; round < 2000; ++round) {
        std::string input(random() % 64, 'a');
        for (auto& c : input) c = alphabet[random() % sizeof alphabet];
        DataEncoder data(DataEncoder::Mode::Data);
        std::string out;
        data.encode(input, out);
        data.finish(out);
        BOOST_REQUIRE_MESSAGE(encodedContentSize(input) == data.contentSize(), "round " << round);
    }
    BOOST_TEST(encodedContentSize("a\nb") == 6u); // a CRLF b CRLF
    BOOST_TEST(encodedContentSize("") == 0u);
}

BOOST_AUTO_TEST_CASE(emptyMessageIsJustTheEndOfData) {
    BOOST_TEST(encodeData("") == ".\r\n");
}

BOOST_AUTO_TEST_CASE(addsMissingFinalLineEnd) {
    BOOST_TEST(encodeData("abc") == "abc\r\n.\r\n");
    BOOST_TEST(encodeData("abc\r") == "abc\r\n.\r\n");
}

BOOST_AUTO_TEST_CASE(normalisesBareLfAndBareCr) {
    BOOST_TEST(encodeData("a\nb\rc\r\nd") == "a\r\nb\r\nc\r\nd\r\n.\r\n");
    BOOST_TEST(encodeData("\r\r\n\n") == "\r\n\r\n\r\n.\r\n");
}

BOOST_AUTO_TEST_CASE(neverEmitsAnySmugglingSequence) {
    // CVE-2023-51764/51765/51766 and friends: each must come out as a stuffed, CRLF line.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"x\n.\ny", "x\r\n..\r\ny\r\n.\r\n"},
        {"x\r.\ry", "x\r\n..\r\ny\r\n.\r\n"},
        {"x\n.\r\ny", "x\r\n..\r\ny\r\n.\r\n"},
        {"x\r\n.\ny", "x\r\n..\r\ny\r\n.\r\n"},
        {"x\r\n.\r\ny", "x\r\n..\r\ny\r\n.\r\n"},
        {"x\r.\r\ny", "x\r\n..\r\ny\r\n.\r\n"},
        {"x\n.\ry", "x\r\n..\r\ny\r\n.\r\n"},
        {"x\r\n.\ry", "x\r\n..\r\ny\r\n.\r\n"},
        {"x\n\n.\n\ny", "x\r\n\r\n..\r\n\r\ny\r\n.\r\n"},
        {"\n.\n", "\r\n..\r\n.\r\n"},
        {".\r\n", "..\r\n.\r\n"},
    };
    for (const auto& [in, expected] : cases) {
        const std::string wire = encodeData(in);
        BOOST_TEST(wire == expected);
        checkWireInvariants(wire);
    }
}

BOOST_AUTO_TEST_CASE(resultIndependentOfHowInputIsSplit) {
    const std::string input = "H: v\r\n\r\n.line\n.\r\nx\r.\r\r\n\n..\rend.";
    const std::string whole = encodeData(input);
    for (std::size_t cut1 = 0; cut1 <= input.size(); ++cut1)
        for (std::size_t cut2 = cut1; cut2 <= input.size(); ++cut2) {
            DataEncoder encoder;
            std::string out;
            encoder.encode(input.data(), cut1, out);
            encoder.encode(input.data() + cut1, cut2 - cut1, out);
            encoder.encode(input.data() + cut2, input.size() - cut2, out);
            encoder.finish(out);
            BOOST_REQUIRE_MESSAGE(out == whole, "split at " << cut1 << "," << cut2);
        }
}

BOOST_AUTO_TEST_CASE(randomInputKeepsInvariantsAndContent) {
    std::mt19937 random(20231218);
    const char alphabet[] = {'\r', '\n', '.', 'a', ' ', '\0', '\xff'};
    for (int round = 0; round < 2000; ++round) {
        std::string input(random() % 64, 'a');
        for (auto& c : input) c = alphabet[random() % sizeof alphabet];
        const std::string wire = encodeData(input);
        checkWireInvariants(wire);
        BOOST_REQUIRE_MESSAGE(unstuff(wire) == normalised(input), "round " << round);
    }
}

BOOST_AUTO_TEST_CASE(chunkModeNormalisesWithoutStuffing) {
    BOOST_TEST(encodeData(".a\n.\rb", DataEncoder::Mode::Chunk) == ".a\r\n.\r\nb\r\n");
    BOOST_TEST(encodeData("", DataEncoder::Mode::Chunk).empty());
}

BOOST_AUTO_TEST_SUITE_END()
