#include <boost/test/unit_test.hpp>

#include "smtp/Sasl.h"

using namespace mailrig;
using namespace mailrig::detail;

BOOST_AUTO_TEST_SUITE(SmtpSaslTest)

BOOST_AUTO_TEST_CASE(cramMd5MatchesRfc2195Example) {
    BOOST_TEST(cramMd5Response("tim", "tanstaaftanstaaf",
                               "<1896.697170952@postoffice.reston.mci.net>") ==
               "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
}

BOOST_AUTO_TEST_CASE(plainResponseHasNulSeparators) {
    BOOST_TEST(base64Decode(plainResponse("user", "pass")) == std::string("\0user\0pass", 10));
    BOOST_TEST(plainResponse("user", "pass") == "AHVzZXIAcGFzcw==");
}

BOOST_AUTO_TEST_CASE(xoauth2ResponseFollowsGoogleFormat) {
    BOOST_TEST(base64Decode(xoauth2Response("a@b.c", "tok")) == "user=a@b.c\x01" "auth=Bearer tok\x01\x01");
}

BOOST_AUTO_TEST_CASE(base64HasNoLineBreaksForLongInput) {
    BOOST_TEST(base64Encode(std::string(300, 'x')).find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(choosesFirstAllowedThatServerOffers) {
    const std::vector<AuthMechanism> allowed{AuthMechanism::CramMd5, AuthMechanism::Plain};
    BOOST_TEST(toString(*chooseMechanism(allowed, {"PLAIN", "LOGIN", "CRAM-MD5"})) == "CRAM-MD5");
    BOOST_TEST(toString(*chooseMechanism(allowed, {"LOGIN", "PLAIN"})) == "PLAIN");
    BOOST_TEST(!chooseMechanism(allowed, {"LOGIN", "XOAUTH2"}));
}

BOOST_AUTO_TEST_SUITE_END()
