// The server's dialogue against RFC 5321 and its extensions, where clients are known to differ:
// address syntax, extensions only as advertised, pipelining, BDAT framing, DSN keywords and the
// tolerated departures it records.
#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "support/SmtpWire.h"

#include <chrono>
#include <memory>

using namespace mailrig::fake;
using mailrig::test::SmtpWire;
using namespace std::chrono_literals;

namespace {

/// A started plain server.
struct PlainServer {
    PlainServer() : server(ServerConfig::plain()) { server.start(); }
    FakeSmtpServer server;
};

/// A plain server and a client connection that has said EHLO.
struct Greeted : PlainServer {
    Greeted() : wire(server.port()) { wire.hello(); }
    SmtpWire wire;
};

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpConformanceTest)

BOOST_FIXTURE_TEST_CASE(badAddressesGet501WithTheRfc3463CodeAndTheReason, Greeted) {
    auto r = wire.command("MAIL FROM:<a..b@example.org>");
    BOOST_TEST(r.code == 501);
    BOOST_TEST(r.text() == "5.1.7 Bad sender address syntax: empty atom in the local part (a leading, trailing or double dot)");
    // An empty mailbox after a source route is not the null sender.
    BOOST_TEST(wire.command("MAIL FROM:<@relay.example:>").code == 501);
    BOOST_TEST(wire.command("MAIL FROM:<@relay.example:a@b.example>").code == 250); // route dropped
    r = wire.command("RCPT TO:<user>");
    BOOST_TEST(r.code == 501);
    BOOST_TEST(r.text() == "5.1.3 Bad recipient address syntax: no `@domain`");
    BOOST_TEST(wire.command("RCPT TO:<Postmaster>").code == 250);
    BOOST_TEST(wire.command("RCPT TO:<\"quoted name\"@example.org>").code == 250);
    BOOST_TEST(wire.command("RSET").code == 250);
    // Under SMTPUTF8, non-ASCII must still be UTF-8.
    BOOST_TEST(wire.command("MAIL FROM:<\xff\xfe@example.org> SMTPUTF8").code == 501);
    BOOST_TEST(wire.command("MAIL FROM:<j\xC3\xBCrgen@example.org> SMTPUTF8").code == 250);
}

BOOST_AUTO_TEST_CASE(afterHeloExtensionsAreRefusedAndPipeliningIsFlagged) {
    PlainServer s;
    SmtpWire wire(s.server.port());
    wire.reply(); // greeting
    BOOST_TEST(wire.command("HELO client.example").code == 250);
    BOOST_TEST(wire.command("MAIL FROM:<a@b.example>").code == 250);
    BOOST_TEST(wire.command("RCPT TO:<x@y.example> NOTIFY=NEVER").code == 555);
    BOOST_TEST(wire.command("RCPT TO:<x@y.example>").code == 250);
    // BDAT was not advertised: refused, and its chunk is read as data, not run as commands.
    wire.send("BDAT 6 LAST\r\nQUIT\r\n");
    BOOST_TEST(wire.reply().code == 502);
    BOOST_TEST(wire.command("NOOP").code == 250); // the chunk's QUIT was not obeyed
    BOOST_TEST(!s.server.store().sessions().front().pipeliningViolation);
    wire.send("RSET\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@y.example>\r\n"); // pipelined, not offered
    for (int i = 0; i < 3; ++i) BOOST_TEST(wire.reply().code == 250);
    BOOST_TEST(s.server.store().sessions().front().pipeliningViolation);
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(helpMayBeFollowedInAPipelinedGroup, Greeted) {
    wire.send("HELP\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@y.example>\r\nRSET\r\n");
    BOOST_TEST(wire.reply().code == 214);
    for (int i = 0; i < 3; ++i) BOOST_TEST(wire.reply().code == 250);
    BOOST_TEST(!server.store().sessions().front().pipeliningViolation); // RFC 2920 3.1
}

BOOST_FIXTURE_TEST_CASE(aBdatChunkWithABadKeywordIsDiscardedNotRunAsCommands, Greeted) {
    BOOST_TEST(wire.command("MAIL FROM:<a@b.example>").code == 250);
    BOOST_TEST(wire.command("RCPT TO:<x@y.example>").code == 250);
    wire.send("BDAT 6 LASTX\r\nQUIT\r\nNOOP\r\n");
    BOOST_TEST(wire.reply().code == 501);
    BOOST_TEST(wire.reply().code == 250); // NOOP's: the chunk's QUIT was not obeyed
}

BOOST_FIXTURE_TEST_CASE(dsnKeywordsAreCaseInsensitiveAndXtextHexIsUpperCase, Greeted) {
    BOOST_TEST(wire.command("MAIL FROM:<a@b.example> ret=hdrs").code == 250);
    BOOST_TEST(wire.command("RCPT TO:<x@y.example> notify=success,Failure").code == 250);
    BOOST_TEST(wire.command("RCPT TO:<x@y.example> ORCPT=rfc822;x+4fy").code == 501);
    BOOST_TEST(wire.command("RCPT TO:<x@y.example> ORCPT=rfc822;x+4Fy").code == 250);
}

BOOST_FIXTURE_TEST_CASE(sizeTakesTwentyDigits, Greeted) {
    BOOST_TEST(wire.command("MAIL FROM:<a@b.example> SIZE=00000000000000000001").code == 250);
    BOOST_TEST(wire.command("RSET").code == 250);
    BOOST_TEST(wire.command("MAIL FROM:<a@b.example> SIZE=99999999999999999999").code == 552);
    BOOST_TEST(wire.command("MAIL FROM:<a@b.example> SIZE=123456789012345678901").code == 501);
}

BOOST_FIXTURE_TEST_CASE(bareLfCommandsAndASpaceBeforeThePathAreToleratedButRecorded, Greeted) {
    BOOST_TEST(!server.store().sessions().front().bareLfCommands);
    BOOST_TEST(wire.command("MAIL FROM: <a@b.example>").code == 250);
    wire.send("RCPT TO:<x@y.example>\n");
    BOOST_TEST(wire.reply().code == 250);
    const SessionInfo session = server.store().sessions().front();
    BOOST_TEST(session.spaceBeforePath);
    BOOST_TEST(session.bareLfCommands);
    const std::string transcript = session.transcriptText();
    BOOST_TEST(transcript.find("a space between FROM:/TO: and the path") != std::string::npos, transcript);
    BOOST_TEST(transcript.find("a command line ended with LF alone") != std::string::npos, transcript);
}

BOOST_FIXTURE_TEST_CASE(sequenceIsCheckedBeforeSyntax, Greeted) {
    BOOST_TEST(wire.command("DATA now").code == 503);
}

BOOST_AUTO_TEST_SUITE_END()
