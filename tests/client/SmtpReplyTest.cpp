#include <boost/test/unit_test.hpp>

#include "mailrig/client/SmtpException.h"
#include "smtp/SmtpReply.h"

#include <cstring>

using mailrig::SmtpProtocolException;
using mailrig::detail::ReplyReader;
using mailrig::detail::SmtpReply;
using mailrig::detail::parseReplyLines;

namespace {

/// A source that hands out `data` at most `step` bytes per read and throws at the end.
ReplyReader::Source chunked(std::string data, std::size_t step) {
    auto pos = std::make_shared<std::size_t>(0);
    return [data, step, pos](char* buffer, std::size_t capacity) -> std::size_t {
        if (*pos >= data.size()) throw std::runtime_error("source exhausted");
        const std::size_t n = std::min({step, capacity, data.size() - *pos});
        std::memcpy(buffer, data.data() + *pos, n);
        *pos += n;
        return n;
    };
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpReplyTest)

BOOST_AUTO_TEST_CASE(parsesSingleLineWithEnhancedStatus) {
    const SmtpReply r = parseReplyLines({"550 5.1.1 <bob@example.org>: user unknown"}, "RCPT");
    BOOST_TEST(r.code == 550);
    BOOST_TEST(r.enhancedStatus == "5.1.1");
    BOOST_TEST(r.text() == "5.1.1 <bob@example.org>: user unknown");
    BOOST_TEST(!r.positive());
    BOOST_TEST(!r.transientFailure());
}

BOOST_AUTO_TEST_CASE(ignoresEnhancedStatusOfAnotherClass) {
    BOOST_TEST(parseReplyLines({"451 5.1.1 odd"}, "X").enhancedStatus.empty());
    BOOST_TEST(parseReplyLines({"250 2.0.0x"}, "X").enhancedStatus.empty());
    BOOST_TEST(parseReplyLines({"250 2.10.100 ok"}, "X").enhancedStatus == "2.10.100");
}

BOOST_AUTO_TEST_CASE(acceptsBareCodeLine) {
    const SmtpReply r = parseReplyLines({"250"}, "NOOP");
    BOOST_TEST(r.code == 250);
    BOOST_TEST(r.text().empty());
}

BOOST_AUTO_TEST_CASE(joinsMultiLineReplies) {
    const SmtpReply r = parseReplyLines({"250-mx.example.org", "250-PIPELINING", "250 SIZE 100"}, "EHLO");
    BOOST_TEST(r.lines.size() == 3u);
    BOOST_TEST(r.text() == "mx.example.org\nPIPELINING\nSIZE 100");
}

BOOST_AUTO_TEST_CASE(rejectsMalformedLines) {
    BOOST_CHECK_THROW(parseReplyLines({"25 ok"}, "X"), SmtpProtocolException);
    BOOST_CHECK_THROW(parseReplyLines({"abc ok"}, "X"), SmtpProtocolException);
    BOOST_CHECK_THROW(parseReplyLines({"250x ok"}, "X"), SmtpProtocolException);
    BOOST_CHECK_THROW(parseReplyLines({"650 ok"}, "X"), SmtpProtocolException);
    BOOST_CHECK_THROW(parseReplyLines({"250-a", "251 b"}, "X"), SmtpProtocolException);
    BOOST_CHECK_THROW(parseReplyLines({"250 a", "250 b"}, "X"), SmtpProtocolException);
    BOOST_CHECK_THROW(parseReplyLines({}, "X"), SmtpProtocolException);
}

BOOST_AUTO_TEST_CASE(protocolErrorNamesCommandAndLine) {
    try {
        parseReplyLines({"hello\x01"}, "MAIL FROM:<a@b>");
        BOOST_FAIL("no exception");
    } catch (const SmtpProtocolException& e) {
        BOOST_TEST(e.command() == "MAIL FROM:<a@b>");
        BOOST_TEST(std::string(e.what()).find("hello\\x01") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(readsPipelinedRepliesFromOneBuffer) {
    ReplyReader reader(chunked("250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 no\r\n354 go\r\n", 4096));
    BOOST_TEST(reader.read("MAIL").code == 250);
    BOOST_TEST(reader.hasBufferedData());
    BOOST_TEST(reader.read("RCPT").enhancedStatus == "2.1.5");
    BOOST_TEST(reader.read("RCPT").code == 550);
    BOOST_TEST(reader.read("DATA").code == 354);
    BOOST_TEST(!reader.hasBufferedData());
}

BOOST_AUTO_TEST_CASE(readsRepliesSplitAcrossEveryByte) {
    ReplyReader reader(chunked("250-a\r\n250-b\n250 c\r\n221 bye\r\n", 1));
    const SmtpReply r = reader.read("EHLO");
    BOOST_TEST(r.text() == "a\nb\nc");
    BOOST_TEST(reader.read("QUIT").code == 221);
}

BOOST_AUTO_TEST_CASE(refusesOverlongLine) {
    mailrig::detail::ReplyLimits limits;
    limits.maxLineLength = 100;
    ReplyReader reader(chunked("250 " + std::string(500, 'x') + "\r\n", 64), limits);
    BOOST_CHECK_THROW(reader.read("NOOP"), SmtpProtocolException);
}

BOOST_AUTO_TEST_CASE(refusesEndlessReply) {
    std::string many;
    for (int i = 0; i < 50; ++i) many += "250-x\r\n";
    mailrig::detail::ReplyLimits limits;
    limits.maxLines = 10;
    ReplyReader reader(chunked(many, 4096), limits);
    BOOST_CHECK_THROW(reader.read("EHLO"), SmtpProtocolException);
}

BOOST_AUTO_TEST_CASE(passesOnSourceFailure) {
    ReplyReader reader(chunked("250 partial", 4096));
    BOOST_CHECK_THROW(reader.read("NOOP"), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
