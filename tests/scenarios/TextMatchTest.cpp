// Regular-expression checks on long texts: searched without running out of stack, and a text
// past the bound is a mismatch that says why, never a crash.
#include "detail/TextMatch.h"

#include <boost/test/unit_test.hpp>

#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

using mailrig::scenario::detail::checkText;
using mailrig::scenario::Mismatch;
using mailrig::scenario::detail::MismatchSink;
using mailrig::scenario::detail::searchRegex;
using mailrig::scenario::TextCheck;

BOOST_AUTO_TEST_SUITE(TextMatchTest)

BOOST_AUTO_TEST_CASE(patternsSpanningLongTextsAreSearched) {
    // 300 KB: the caller's 8 MiB stack overflowed from about 40 KB on.
    const std::string text = "Subject: Files\r\n" + std::string(300000, 'a') + "blob.bin";
    BOOST_TEST(searchRegex("Subject: Files[\\s\\S]*blob\\.bin", text));
    BOOST_TEST(searchRegex("(a|b)*blob", text));
    BOOST_TEST(!searchRegex("Subject: Files[\\s\\S]*nothing", text));
    BOOST_TEST(searchRegex("^Subject", "Subject: short"));
}

BOOST_AUTO_TEST_CASE(aTextOverOneMebibyteIsAMismatchSayingWhy) {
    const std::string text((1 << 20) + 1, 'a');
    BOOST_CHECK_THROW(searchRegex("a+", text), std::length_error);
    std::vector<Mismatch> out;
    TextCheck check;
    check.matches = {"a+"};
    checkText(check, text, MismatchSink(out, "text", 7));
    BOOST_REQUIRE(out.size() == 1u);
    BOOST_TEST(out[0].actual.find("at most 1 MiB, and this text has 1048577 bytes") != std::string::npos, out[0].actual);
}

BOOST_AUTO_TEST_CASE(aBadPatternIsARegexError) {
    BOOST_CHECK_THROW(searchRegex("(", std::string(10000, 'a')), std::regex_error);
    BOOST_CHECK_THROW(searchRegex("(", "short"), std::regex_error);
}

BOOST_AUTO_TEST_SUITE_END()
