#include <boost/test/unit_test.hpp>

#include "smtp/Capabilities.h"

using mailrig::detail::Capabilities;
using mailrig::detail::parseReplyLines;

BOOST_AUTO_TEST_SUITE(SmtpCapabilitiesTest)

BOOST_AUTO_TEST_CASE(parsesEveryKnownExtension) {
    const Capabilities c = Capabilities::parse(parseReplyLines(
        {"250-mx.example.org Hello", "250-PIPELINING", "250-SIZE 10240000", "250-8BITMIME",
         "250-SMTPUTF8", "250-CHUNKING", "250-BINARYMIME", "250-DSN", "250-ENHANCEDSTATUSCODES",
         "250-STARTTLS", "250 AUTH PLAIN login CRAM-MD5"},
        "EHLO"));
    BOOST_TEST(c.esmtp);
    BOOST_TEST(c.pipelining);
    BOOST_TEST(c.sizeOffered);
    BOOST_TEST(c.maxSize == 10240000u);
    BOOST_TEST(c.eightBitMime);
    BOOST_TEST(c.smtpUtf8);
    BOOST_TEST(c.chunking);
    BOOST_TEST(c.binaryMime);
    BOOST_TEST(c.dsn);
    BOOST_TEST(c.enhancedStatusCodes);
    BOOST_TEST(c.startTls);
    BOOST_TEST(c.offersAuth("LOGIN"));
    BOOST_TEST(c.offersAuth("cram-md5"));
    BOOST_TEST(!c.offersAuth("XOAUTH2"));
}

BOOST_AUTO_TEST_CASE(greetingLineIsNotAnExtension) {
    const Capabilities c = Capabilities::parse(parseReplyLines({"250 PIPELINING"}, "EHLO"));
    BOOST_TEST(!c.pipelining);
    BOOST_TEST(c.keywords.empty());
}

BOOST_AUTO_TEST_CASE(sizeWithoutValueMeansNoLimit) {
    const Capabilities c = Capabilities::parse(parseReplyLines({"250-x", "250-SIZE", "250 size abc"}, "EHLO"));
    BOOST_TEST(c.sizeOffered);
    BOOST_TEST(c.maxSize == 0u);
}

BOOST_AUTO_TEST_CASE(oldStyleAuthEqualsIsMerged) {
    const Capabilities c =
        Capabilities::parse(parseReplyLines({"250-x", "250-AUTH=LOGIN PLAIN", "250 AUTH PLAIN"}, "EHLO"));
    BOOST_TEST(c.auth.size() == 2u);
    BOOST_TEST(c.auth[0] == "LOGIN");
    BOOST_TEST(c.auth[1] == "PLAIN");
}

BOOST_AUTO_TEST_CASE(keywordsAreCaseInsensitiveAndKept) {
    const Capabilities c =
        Capabilities::parse(parseReplyLines({"250-x", "250-pipelining", "250 X-CUSTOM 1"}, "EHLO"));
    BOOST_TEST(c.pipelining);
    BOOST_TEST(c.has("x-custom"));
}

BOOST_AUTO_TEST_SUITE_END()
