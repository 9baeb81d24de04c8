#include <boost/test/unit_test.hpp>

#include "smtp/DataDecoder.h"

#include <string>

using mailrig::fake::detail::ContentFacts;
using mailrig::fake::detail::findDataEnd;
using mailrig::fake::detail::scanContent;

namespace {
std::string unstuffed(const std::string& raw, ContentFacts* facts = nullptr, std::size_t limit = 1000) {
    std::string out;
    ContentFacts f = scanContent(raw, true, limit, &out);
    if (facts) *facts = f;
    return out;
}
} // namespace

BOOST_AUTO_TEST_SUITE(DataDecoder)

BOOST_AUTO_TEST_CASE(findsTerminatorAndLeavesPipelinedBytes) {
    std::string raw = "Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n";
    auto end = findDataEnd(raw, 0);
    BOOST_REQUIRE(end);
    BOOST_TEST(raw.substr(0, end->contentLength) == "Subject: x\r\n\r\nbody\r\n");
    BOOST_TEST(raw.substr(end->consumed) == "QUIT\r\n");
}

BOOST_AUTO_TEST_CASE(leadingDotLineIsAnEmptyMessage) {
    auto end = findDataEnd(".\r\n", 0);
    BOOST_REQUIRE(end);
    BOOST_TEST(end->contentLength == 0u);
    BOOST_TEST(end->consumed == 3u);
    BOOST_TEST(!findDataEnd(".\r\n", 0, false));
}

BOOST_AUTO_TEST_CASE(findsTerminatorSplitAtEveryPosition) {
    const std::string raw = "line one\r\nline two\r\n.\r\n";
    for (std::size_t split = 1; split < raw.size(); ++split) {
        std::string first = raw.substr(0, split);
        BOOST_TEST(!findDataEnd(first, 0), "split " << split);
        std::size_t from = first.size() >= 4 ? first.size() - 4 : 0;
        auto end = findDataEnd(raw, from);
        BOOST_REQUIRE_MESSAGE(end, "split " << split);
        BOOST_TEST(end->contentLength == raw.size() - 3);
    }
}

BOOST_AUTO_TEST_CASE(removesOneLeadingDotPerLine) {
    ContentFacts facts;
    BOOST_TEST(unstuffed("..hidden\r\n...two\r\nplain.\r\n", &facts) == ".hidden\r\n..two\r\nplain.\r\n");
    BOOST_TEST(!facts.flags.smuggling);
    BOOST_TEST(!facts.flags.bareLf);
    BOOST_TEST(!facts.flags.bareCr);
}

BOOST_AUTO_TEST_CASE(flagsEverySmugglingSequence) {
    const char* const cases[] = {"a\r\nx\n.\nMAIL FROM:<e@x>\r\n", "a\r.\rMAIL FROM:<e@x>\r\n",
                                 "a\n.\r\nMAIL FROM:<e@x>\r\n", "a\r\n.\nMAIL FROM:<e@x>\r\n",
                                 "a\r\n.\rMAIL\r\n"};
    for (const char* raw : cases) {
        ContentFacts facts;
        unstuffed(raw, &facts);
        BOOST_TEST(facts.flags.smuggling, "not flagged: " << raw);
    }
}

BOOST_AUTO_TEST_CASE(keepsSmugglingLinesVerbatim) {
    BOOST_TEST(unstuffed("a\r\n.\nb\r\n") == "a\r\n.\nb\r\n");
}

BOOST_AUTO_TEST_CASE(flagsBareLfAndBareCrSeparately) {
    ContentFacts lf;
    unstuffed("a\nb\r\n", &lf);
    BOOST_TEST(lf.flags.bareLf);
    BOOST_TEST(!lf.flags.bareCr);
    ContentFacts cr;
    unstuffed("a\rb\r\n", &cr);
    BOOST_TEST(cr.flags.bareCr);
    BOOST_TEST(!cr.flags.bareLf);
    BOOST_TEST(!cr.flags.smuggling);
}

BOOST_AUTO_TEST_CASE(reportsLongestLineAndOverlongLines) {
    std::string longLine(999, 'x');
    ContentFacts ok;
    unstuffed("short\r\n" + std::string(998, 'y') + "\r\n", &ok);
    BOOST_TEST(ok.flags.longestLine == 1000u);
    BOOST_TEST(!ok.flags.overlongLines);
    ContentFacts over;
    unstuffed(longLine + "\r\n", &over);
    BOOST_TEST(over.flags.longestLine == 1001u);
    BOOST_TEST(over.flags.overlongLines);
}

BOOST_AUTO_TEST_CASE(detectsEightBitAndNul) {
    ContentFacts high;
    unstuffed("caf\xc3\xa9\r\n", &high);
    BOOST_TEST(high.eightBit);
    ContentFacts ascii;
    unstuffed("plain ascii text that is longer than eight bytes\r\n", &ascii);
    BOOST_TEST(!ascii.eightBit);
    ContentFacts nul;
    unstuffed(std::string("a\0b\r\n", 5), &nul);
    BOOST_TEST(nul.flags.nulBytes);
}

BOOST_AUTO_TEST_CASE(binaryContentIsNotUnstuffedOrSmugglingChecked) {
    std::string out;
    ContentFacts facts = scanContent(".\r\n..x\n", false, 1000, &out);
    BOOST_TEST(out == ".\r\n..x\n");
    BOOST_TEST(!facts.flags.smuggling);
    BOOST_TEST(facts.flags.bareLf);
}

BOOST_AUTO_TEST_SUITE_END()
