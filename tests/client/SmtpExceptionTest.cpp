// What an SmtpException says for people: the reply and the command once, with control
// characters from a hostile server made visible instead of cutting the text short.
#include "mailrig/client/SmtpException.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace mailrig;

BOOST_AUTO_TEST_SUITE(SmtpExceptionTest)

BOOST_AUTO_TEST_CASE(aNulOrEscapeInTheReplyIsShownNotObeyed) {
    const std::string text("no such\0user \x1b[31m", 18);
    const SmtpPermanentException e("MAIL FROM:<a@b.c>", 550, "", text);
    BOOST_TEST(std::string(e.what()) == "server answered 550 no such\\x00user \\x1B[31m to MAIL FROM:<a@b.c>");
    BOOST_TEST(e.replyText() == text); // the exact bytes stay available
}

BOOST_AUTO_TEST_CASE(multiLineRepliesKeepTheirLineBreaks) {
    const SmtpTransientException e("DATA-END", 451, "4.3.0", "4.3.0 first\nsecond");
    BOOST_TEST(std::string(e.what()) == "server answered 451 4.3.0 first to DATA-END");
    const SmtpException raw(SmtpErrorKind::Reply, "server said", "DATA", 451, "", "a\nb\tc");
    BOOST_TEST(std::string(raw.what()) == "server said (command: DATA): 451 a\nb\tc");
}

BOOST_AUTO_TEST_SUITE_END()
