#include <boost/test/unit_test.hpp>

#include "smtp/CommandParser.h"
#include "smtp/Sasl.h"

using namespace mailrig::fake::detail;

BOOST_AUTO_TEST_SUITE(CommandParser)

BOOST_AUTO_TEST_CASE(splitsVerbCaseInsensitivelyAndTrimsTrailingSpace) {
    CommandLine c = splitCommand("mail FROM:<a@b.c> SIZE=10  ");
    BOOST_TEST(c.verb == "MAIL");
    BOOST_TEST(c.argument == "FROM:<a@b.c> SIZE=10");
    BOOST_TEST(splitCommand("QUIT").argument.empty());
}

BOOST_AUTO_TEST_CASE(parsesPathAndParametersInOrder) {
    PathCommand p;
    std::string error;
    BOOST_REQUIRE(parsePathCommand("FROM:<a@example.com> BODY=8BITMIME SIZE=1234 SMTPUTF8", "FROM", p, error));
    BOOST_TEST(p.address == "a@example.com");
    BOOST_REQUIRE(p.params.size() == 3u);
    BOOST_TEST(p.params[0].first == "BODY");
    BOOST_TEST(p.params[0].second == "8BITMIME");
    BOOST_TEST(p.params[2].first == "SMTPUTF8");
    BOOST_TEST(p.params[2].second.empty());
}

BOOST_AUTO_TEST_CASE(acceptsNullReversePathSourceRouteAndQuotedLocalPart) {
    PathCommand p;
    std::string error;
    BOOST_REQUIRE(parsePathCommand("FROM:<>", "FROM", p, error));
    BOOST_TEST(p.address.empty());
    BOOST_REQUIRE(parsePathCommand("TO:<@relay.example:u@d.example>", "TO", p, error));
    BOOST_TEST(p.address == "u@d.example");
    BOOST_REQUIRE(parsePathCommand("TO:<\"john >doe\"@d.example>", "TO", p, error));
    BOOST_TEST(p.address == "\"john >doe\"@d.example");
    BOOST_REQUIRE(parsePathCommand("from: <x@y.z>", "FROM", p, error)); // tolerated
}

BOOST_AUTO_TEST_CASE(rejectsMalformedPathsWithAReason) {
    PathCommand p;
    std::string error;
    for (const char* bad : {"FROM:a@b.c", "FROM:<a@b.c", "FROM:<a b@c.d>", "FROM:<@b.c>", "FROM:<@b.c:>",
                            "FROM:<a@b.c>SIZE=1", "FROM:<a@b.c> =x", "FROM:<a@b.c> SIZE=", "FROM:<a@b.c> SIZE=1 size=2",
                            "TO:<a@b.c>", "FROM:<\"open@b.c>"}) {
        error.clear();
        BOOST_TEST(!parsePathCommand(bad, "FROM", p, error), bad);
        BOOST_TEST(!error.empty(), bad);
    }
}

BOOST_AUTO_TEST_CASE(recognisesXtextAndNonAscii) {
    BOOST_TEST(isXtext("abc+2Bdef"));
    BOOST_TEST(!isXtext("a=b"));
    BOOST_TEST(!isXtext("a+2"));
    BOOST_TEST(hasNonAscii("j\xc3\xb6rg@example.com"));
    BOOST_TEST(!hasNonAscii("jorg@example.com"));
}

BOOST_AUTO_TEST_CASE(decodesSaslResponses) {
    auto plain = parsePlain(std::string("\0alice\0secret", 13));
    BOOST_REQUIRE(plain);
    BOOST_TEST(plain->user == "alice");
    BOOST_TEST(plain->secret == "secret");
    BOOST_TEST(!parsePlain("alice"));
    auto oauth = parseXoauth2("user=bob@example.com\x01" "auth=Bearer tok123\x01\x01");
    BOOST_REQUIRE(oauth);
    BOOST_TEST(oauth->user == "bob@example.com");
    BOOST_TEST(oauth->secret == "tok123");
    BOOST_TEST(encodeBase64("Username:") == "VXNlcm5hbWU6");
    BOOST_TEST(*decodeBase64("UGFzc3dvcmQ6") == "Password:");
    BOOST_TEST(!decodeBase64("abc"));
    BOOST_TEST(!decodeBase64("a=bc"));
    // RFC 2195's worked example.
    BOOST_TEST(cramMd5Digest("tanstaaftanstaaf", "<1896.697170952@postoffice.reston.mci.net>") ==
               "b913a602c7eda7a495b4e6e7334d3890");
}

BOOST_AUTO_TEST_SUITE_END()
