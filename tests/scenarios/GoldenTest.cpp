#include "detail/Golden.h"

#include <boost/test/unit_test.hpp>

using mailrig::scenario::Mismatch;
using mailrig::scenario::detail::compareGolden;
using mailrig::scenario::detail::MismatchSink;
using mailrig::scenario::detail::normaliseForGolden;

BOOST_AUTO_TEST_SUITE(Golden)

BOOST_AUTO_TEST_CASE(volatileValuesAreNormalised) {
    const std::string a = "Date: Tue, 24 Nov 2026 10:15:00 +0000\r\nMessage-ID: <abc@example.org>\r\n"
                          "Content-Type: multipart/mixed;\r\n boundary=\"=_one\"\r\n\r\n--=_one\r\n"
                          "Content-Type: text/calendar\r\n\r\nUID:1234\r\nDTSTAMP:20261124T101500Z\r\n--=_one--\r\n";
    const std::string b = "Date: Wed, 25 Nov 2026 11:00:00 +0100\nMessage-ID: <xyz@example.org>\n"
                          "Content-Type: multipart/mixed; boundary=\"=_two\"\n\n--=_two\n"
                          "Content-Type: text/calendar\n\nUID:9999\nDTSTAMP:20270101T000000Z\n--=_two--\n";
    BOOST_TEST(normaliseForGolden(a) == normaliseForGolden(b));
    BOOST_TEST(normaliseForGolden(a).find("BOUNDARY-1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(contentDifferenceIsReportedWithTheLine) {
    std::vector<Mismatch> out;
    compareGolden("g.eml", "Subject: a\r\n\r\nline one\r\nline two\r\n", "Subject: a\r\n\r\nline one\r\nline 2\r\n",
                  MismatchSink(out, "golden", 3));
    BOOST_REQUIRE(out.size() == 1u);
    BOOST_TEST(out[0].line == 3);
    BOOST_TEST(out[0].expected.find("line 4") != std::string::npos);
    BOOST_TEST(out[0].expected.find("> 4: line two") != std::string::npos);
    BOOST_TEST(out[0].actual.find("> 4: line 2") != std::string::npos);

    std::vector<Mismatch> none;
    compareGolden("g.eml", "Subject: a\r\n\r\nx\r\n", "Subject: a\n\nx\n", MismatchSink(none, "golden", 0));
    BOOST_TEST(none.empty());
}

BOOST_AUTO_TEST_SUITE_END()
