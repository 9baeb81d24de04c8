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

BOOST_AUTO_TEST_CASE(volatileValuesKeepTheirFieldNamesCaseAndTheIdsDomain) {
    const std::string a = "date: x\r\nresent-message-id:   <local@host.example>\r\nContent-ID: <no-at>\r\n"
                          "X-MS-TNEF-CORRELATOR: 1\r\nSubject: UID:1\r\n\r\nuid:kept\r\nUID:gone\r\n";
    const std::string n = normaliseForGolden(a);
    BOOST_TEST(n.find("date: <date>\r\n") != std::string::npos, n);
    BOOST_TEST(n.find("resent-message-id: <id@host.example>\r\n") != std::string::npos, n);
    BOOST_TEST(n.find("Content-ID: <no-at>\r\n") != std::string::npos, n);
    BOOST_TEST(n.find("X-MS-TNEF-Correlator: <correlator>\r\n") != std::string::npos, n);
    BOOST_TEST(n.find("Subject: UID:1\r\n") != std::string::npos, n);
    BOOST_TEST(n.find("uid:kept\r\n") != std::string::npos, n);
    BOOST_TEST(n.find("UID:<generated>\r\n") != std::string::npos, n);
}

BOOST_AUTO_TEST_CASE(megabyteLongLinesAreNormalisedWithoutRunningOutOfStack) {
    const std::string longValue(1 << 20, 'x');
    const std::string a = "Date: " + longValue + "\r\nMessage-ID: <" + longValue + "@a>\r\n"
                          "Content-Type: multipart/mixed; boundary=" + longValue + "\r\n\r\n--" + longValue +
                          "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + longValue + "--\r\n";
    const std::string n = normaliseForGolden(a);
    BOOST_TEST(n.find("Date: <date>\r\nMessage-ID: <id@a>\r\n") == 0u, n.substr(0, 200));
    BOOST_TEST(n.find("BOUNDARY-1") != std::string::npos);
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

namespace {

std::string base64(const std::string& bytes) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 | (unsigned char)bytes[i + 2];
        for (int s = 18; s >= 0; s -= 6) out += alphabet[(v >> s) & 63];
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = (unsigned char)bytes[i] << 16;
        out += std::string{alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8;
        out += std::string{alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], '='};
    }
    std::string wrapped;
    for (std::size_t at = 0; at < out.size(); at += 76) wrapped += out.substr(at, 76) + "\r\n";
    return wrapped;
}

std::string calendarMessage(const std::string& boundary, const std::string& uid, const std::string& summary) {
    const std::string calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:" + uid +
                                 "\r\nDTSTAMP:20261124T101500Z\r\nSUMMARY:" + summary +
                                 "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    return "Subject: invite\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + boundary +
           "\"\r\n\r\n--" + boundary + "\r\nContent-Type: text/plain\r\n\r\nJoin us\r\n--" + boundary +
           "\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
           base64(calendar) + "--" + boundary + "--\r\n";
}

} // namespace

BOOST_AUTO_TEST_CASE(base64CalendarPartsAreComparedDecoded) {
    // The generated UID sits inside base64: only a decoding comparison can ignore it.
    const auto golden = calendarMessage("=_a", "generated-one@example.org", "Planning");
    const auto captured = calendarMessage("=_b", "another-uid-entirely-0123456789@example.org", "Planning");
    std::vector<Mismatch> none;
    compareGolden("g.eml", golden, captured, MismatchSink(none, "golden", 0));
    BOOST_TEST(none.empty());

    std::vector<Mismatch> out;
    compareGolden("g.eml", golden, calendarMessage("=_b", "x@example.org", "Retro"), MismatchSink(out, "golden", 0));
    BOOST_REQUIRE(out.size() == 1u);
    BOOST_TEST(out[0].expected.find("SUMMARY:Planning") != std::string::npos);
    BOOST_TEST(out[0].actual.find("SUMMARY:Retro") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(transferEncodingDoesNotMatterButBinaryContentDoes) {
    const std::string quoted = "Subject: a\r\nContent-Type: text/plain; charset=utf-8\r\n"
                               "Content-Transfer-Encoding: quoted-printable\r\n\r\nK=C3=A4se\r\n";
    const std::string encoded = "Subject: a\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: base64\r\n\r\n" + base64("K\xC3\xA4se\r\n");
    BOOST_TEST(normaliseForGolden(quoted) == normaliseForGolden(encoded));

    auto binary = [](const std::string& content) {
        return "Subject: a\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
               base64(content);
    };
    BOOST_TEST(normaliseForGolden(binary("\x01\x02\x03")) != normaliseForGolden(binary("\x01\x02\x04")));
    BOOST_TEST(normaliseForGolden(binary("\x01\x02\x03")).find("3 octets, sha256 ") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
