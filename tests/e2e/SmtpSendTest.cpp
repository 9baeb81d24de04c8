// SmtpClient send modes end to end against the embedded fake server: the captured envelope and
// bytes are what the client must have sent.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/SmtpClient.h"
#include "mailrig/fakeserver/BoostFixture.h"
#include "mailrig/fakeserver/MessageView.h"
#include "support/SmtpClientTesting.h"

using namespace mailrig;
using mailrig::fake::FakeSmtpServer;
using mailrig::fake::ServerConfig;

namespace {

std::vector<std::string> addresses(const fake::CapturedMessage& m) { return m.recipientAddresses(); }

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpSendTest)

BOOST_FIXTURE_TEST_CASE(sendDeliversEnvelopeWithBccAndNoBccHeader, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    const MailMessage message = test::sampleMessage();
    const SendResult result = client.send(message);
    BOOST_TEST(result.allAccepted());
    BOOST_TEST(result.recipients.size() == 3u);
    BOOST_TEST(result.dataReplyCode == 250);
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(captured.mailFrom().address == "alice@example.org");
    const std::vector<std::string> expected{"bob@example.org", "carol@example.org", "dave@example.org"};
    BOOST_TEST(addresses(captured) == expected, boost::test_tools::per_element());
    BOOST_TEST(captured.data().find("Bcc") == std::string::npos);
    BOOST_TEST(captured.data().find("\r\n.\r\nA line with a dot above.") != std::string::npos);
    BOOST_TEST(!captured.flags().smuggling);
    BOOST_TEST(!captured.flags().bareLf);
    BOOST_TEST(!captured.flags().bareCr);
    BOOST_TEST(captured.view().subject() == "Hello");
    BOOST_TEST("<" + captured.view().messageId() + ">" == message.messageId());
}

BOOST_FIXTURE_TEST_CASE(pipelinedTransactionGoesOutInOneWrite, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.send(test::sampleMessage());
    BOOST_REQUIRE(waitForMessages(1));
    const fake::SessionInfo session = server.store().last().session();
    BOOST_TEST(!session.pipeliningViolation);
    const std::string transcript = session.transcriptText();
    // MAIL, three RCPT and DATA were written together: the server answered the group at once.
    BOOST_TEST(transcript.find("C: MAIL FROM:<alice@example.org>") != std::string::npos);
    BOOST_TEST(transcript.find("C: RCPT TO:<dave@example.org>") != std::string::npos);
    BOOST_TEST(session.esmtp);
}

BOOST_AUTO_TEST_CASE(aGroupTooLargeForOneWriteGoesOutInPartsWithEveryReplyMatched) {
    // 2,000 RCPT commands are about 54 KiB: written in parts of at most 16 KiB, each part's replies
    // read before the next (RFC 2920 3.1), so neither side can block the other.
    ServerConfig config = ServerConfig::plain();
    config.limits.recipientsPerMessage = 2000;
    config.rules.push_back(test::replyRule(fake::Phase::Rcpt, 550, "5.1.1 no such user", "r1999@*"));
    FakeSmtpServer server(config);
    server.start();
    SmtpClient client = test::plainClientFor(server);
    MailMessage m = test::sampleMessage();
    m.clearRecipients();
    std::vector<std::string> expected;
    for (int i = 0; i < 2000; ++i) {
        m.addBcc(MailAddress("r" + std::to_string(i) + "@example.org"));
        if (i != 1999) expected.push_back("r" + std::to_string(i) + "@example.org");
    }
    const SendResult result = client.send(m);
    BOOST_REQUIRE_EQUAL(result.recipients.size(), 2000u);
    BOOST_TEST(result.recipients[1998].accepted());
    BOOST_TEST(result.recipients[1999].replyCode == 550); // the last reply found its own recipient
    BOOST_REQUIRE(server.store().waitForCount(1, std::chrono::seconds(10)));
    BOOST_TEST(server.store().last().recipientAddresses() == expected);
    BOOST_TEST(!server.store().last().session().pipeliningViolation);
}

BOOST_FIXTURE_TEST_CASE(mailFromHasNoSpaceAfterColon, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.setUsePipelining(false);
    client.send(test::sampleMessage());
    BOOST_REQUIRE(waitForMessages(1));
    const std::string transcript = server.store().last().session().transcriptText();
    BOOST_TEST(transcript.find("C: MAIL FROM:<alice@example.org> SIZE=") != std::string::npos);
    BOOST_TEST(transcript.find("C: RCPT TO:<bob@example.org>") != std::string::npos);
    BOOST_TEST(transcript.find("FROM: <") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(loadedEmlIsSentByteForByte, fake::ServerFixture) {
    const std::string eml = "From: Alice <alice@example.org>\r\nTo: bob@example.org\r\n"
                            "Subject: saved\r\nMessage-ID: <saved@example.org>\r\n"
                            "X-Odd:   spacing kept  \r\n\r\nBody line\r\n.leading dot\r\n";
    const MailMessage message = MailMessage::fromBytes(eml);
    SmtpClient client = test::plainClientFor(server);
    client.send(message);
    BOOST_REQUIRE(waitForMessages(1));
    BOOST_TEST(server.store().last().data() == eml);
}

BOOST_FIXTURE_TEST_CASE(anEnvelopeSenderApartFromFromGoesOnMailFromAndTheBytesStay, fake::ServerFixture) {
    const std::string eml = "From: Mail Delivery <mailer-daemon@example.org>\r\nTo: bob@example.org\r\n"
                            "Subject: Undelivered\r\nMessage-ID: <bounce@example.org>\r\n\r\nsorry\r\n";
    MailMessage bounce = MailMessage::fromBytes(eml);
    bounce.setEnvelopeSender(std::string()); // RFC 5321 4.5.5: notifications go out with <>
    SmtpClient client = test::plainClientFor(server);
    client.send(bounce);
    bounce.setEnvelopeSender(std::string("bounces+1@example.org"));
    client.send(bounce);
    BOOST_REQUIRE(waitForMessages(2));
    const auto messages = server.store().messages();
    BOOST_TEST(messages.at(0).mailFrom().address == "");
    BOOST_TEST(messages.at(1).mailFrom().address == "bounces+1@example.org");
    BOOST_TEST(messages.at(0).data() == eml); // the loaded bytes, unchanged
    bounce.setEnvelopeSender(std::string("not an address"));
    BOOST_CHECK_THROW(client.send(bounce), std::invalid_argument);
}

BOOST_FIXTURE_TEST_CASE(bareLineEndsAndSmugglingInputAreNormalised, fake::ServerFixture) {
    const std::string eml = "From: alice@example.org\nTo: bob@example.org\nSubject: s\n\n"
                            "a\n.\nb\r.\rc\n.\r\nd\r\n.\ne";
    SmtpClient client = test::plainClientFor(server);
    const SendResult result = client.send(MailMessage::fromBytes(eml));
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    // The size reported is the size the server stored: not counting stuffed dots or the end;
    // and the size declared with SIZE= beforehand is the same (RFC 1870), not the input's.
    BOOST_TEST(result.messageSize == captured.data().size());
    BOOST_TEST(captured.mailFrom().param("SIZE") == std::to_string(captured.data().size()));
    BOOST_TEST(!captured.flags().smuggling);
    BOOST_TEST(!captured.flags().bareLf);
    BOOST_TEST(!captured.flags().bareCr);
    BOOST_TEST(captured.data() == "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: s\r\n\r\n"
                                  "a\r\n.\r\nb\r\n.\r\nc\r\n.\r\nd\r\n.\r\ne\r\n");
}

BOOST_FIXTURE_TEST_CASE(chunkingSendsWithBdat, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.setUseChunking(true);
    const MailMessage message = test::sampleMessage();
    client.send(message);
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(captured.viaBdat());
    BOOST_TEST(captured.data().find("\r\n.\r\nA line with a dot above.") != std::string::npos);
    BOOST_TEST(captured.view().subject() == "Hello");
}

BOOST_FIXTURE_TEST_CASE(dsnParametersAreSentWhenAsked, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    DsnOptions dsn;
    dsn.ret = DsnOptions::Return::Headers;
    dsn.envelopeId = "id+1=x";
    dsn.notifyFailure = true;
    dsn.notifyDelay = true;
    client.setDsn(dsn);
    client.send(test::sampleMessage());
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(captured.mailFrom().param("RET") == "HDRS");
    BOOST_TEST(captured.mailFrom().param("ENVID") == "id+2B1+3Dx");
    BOOST_TEST(captured.recipients().front().param("NOTIFY") == "FAILURE,DELAY");
}

BOOST_AUTO_TEST_CASE(dsnOptionsRfc3461ForbidsAreRefusedBeforeAnythingIsSent) {
    SmtpClient client("127.0.0.1", 25);
    DsnOptions longId;
    longId.envelopeId = std::string(101, 'x');
    BOOST_CHECK_THROW(client.setDsn(longId), std::invalid_argument);
    DsnOptions control;
    control.envelopeId = "id\r\nRCPT TO:<x@y.z>";
    BOOST_CHECK_THROW(client.setDsn(control), std::invalid_argument);
    DsnOptions never;
    never.notifyNever = true;
    never.notifyFailure = true;
    BOOST_CHECK_THROW(client.setDsn(never), std::invalid_argument);
    BOOST_TEST(!client.dsn().any()); // the earlier options stay
    DsnOptions fine;
    fine.envelopeId = std::string(99, 'x') + " ";
    client.setDsn(fine);
    BOOST_TEST(client.dsn().envelopeId.size() == 100u);
}

BOOST_FIXTURE_TEST_CASE(orcptNamesEachRecipientAsRfc822OrInRfc6533Form, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    DsnOptions dsn;
    dsn.originalRecipient = true;
    client.setDsn(dsn);
    MailMessage m = test::sampleMessage();
    m.clearRecipients();
    m.addTo(MailAddress("carol+news@example.com"));
    m.addCc(MailAddress("zo\xc3\xab+x@example.com"));
    m.addBcc(MailAddress("\xe6\x97\xa5\xf0\x9f\x98\x80@example.com"));
    client.send(m);
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_REQUIRE(captured.recipients().size() == 3u);
    BOOST_TEST(captured.recipients()[0].param("ORCPT") == "rfc822;carol+2Bnews@example.com");
    BOOST_TEST(captured.recipients()[1].param("ORCPT") == "utf-8;zo\\x{EB}\\x{2B}x@example.com");
    BOOST_TEST(captured.recipients()[2].param("ORCPT") == "utf-8;\\x{65E5}\\x{1F600}@example.com");
    BOOST_TEST(captured.recipients()[0].param("NOTIFY").empty()); // ORCPT alone asks for nothing else
}

BOOST_AUTO_TEST_CASE(orcptIsNotSentWhenDsnIsNotOffered) {
    ServerConfig config = ServerConfig::plain();
    config.capabilities.dsn = false;
    FakeSmtpServer server(config);
    server.start();
    SmtpClient client = test::plainClientFor(server);
    DsnOptions dsn;
    dsn.originalRecipient = true;
    client.setDsn(dsn);
    client.send(test::sampleMessage());
    BOOST_REQUIRE(server.store().waitForCount(1, std::chrono::seconds(10)));
    BOOST_TEST(!server.store().last().recipients().front().hasParam("ORCPT"));
}

BOOST_FIXTURE_TEST_CASE(eightBitBodyUsesBody8BitMimeWhenOffered, fake::ServerFixture) {
    const std::string eml = "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: s\r\n"
                            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            "Content-Transfer-Encoding: 8bit\r\n\r\nGr\xc3\xbc\xc3\x9f" "e\r\n";
    SmtpClient client = test::plainClientFor(server);
    client.send(MailMessage::fromBytes(eml));
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(captured.mailFrom().param("BODY") == "8BITMIME");
    BOOST_TEST(captured.data() == eml);
}

BOOST_AUTO_TEST_CASE(eightBitBodyIsReencodedWithout8BitMime) {
    FakeSmtpServer server(test::sevenBitOnlyConfig());
    server.start();
    const std::string eml = "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: s\r\n"
                            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            "Content-Transfer-Encoding: 8bit\r\n\r\nGr\xc3\xbc\xc3\x9f" "e\r\n";
    SmtpClient client = test::plainClientFor(server);
    client.send(MailMessage::fromBytes(eml));
    BOOST_REQUIRE(server.store().waitForCount(1, std::chrono::seconds(10)));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(!captured.mailFrom().hasParam("BODY"));
    BOOST_TEST(!captured.flags().eightBitWithout8BitMime);
    BOOST_TEST(captured.data().find("Content-Transfer-Encoding: quoted-printable") != std::string::npos);
    BOOST_TEST(captured.data().find("Gr=C3=BC=C3=9Fe") != std::string::npos);
    BOOST_TEST(captured.data().find("From: alice@example.org\r\nTo: bob@example.org\r\nSubject: s\r\n") == 0u);
}

BOOST_AUTO_TEST_CASE(internationalAddressNeedsSmtpUtf8) {
    ServerConfig config = ServerConfig::plain();
    FakeSmtpServer server(config);
    server.start();
    MailMessage m = test::sampleMessage();
    m.addTo(MailAddress("j\xc3\xbcrgen@example.org"));
    SmtpClient client = test::plainClientFor(server);
    client.send(m);
    BOOST_REQUIRE(server.store().waitForCount(1, std::chrono::seconds(10)));
    BOOST_TEST(server.store().last().mailFrom().hasParam("SMTPUTF8"));

    ServerConfig without = ServerConfig::plain();
    without.capabilities.smtpUtf8 = false;
    FakeSmtpServer old(without);
    old.start();
    SmtpClient oldClient = test::plainClientFor(old);
    try {
        oldClient.send(m);
        BOOST_FAIL("no exception");
    } catch (const SmtpCapabilityException& e) {
        BOOST_TEST(std::string(e.what()).find("SMTPUTF8") != std::string::npos);
        BOOST_TEST(e.isPermanent());
    }
    BOOST_TEST(old.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(messageOverSizeLimitIsRefusedBeforeSending) {
    ServerConfig config = ServerConfig::plain();
    config.limits.messageSize = 2000;
    FakeSmtpServer server(config);
    server.start();
    MailMessage m = test::sampleMessage();
    m.setTextBody(std::string(5000, 'x'));
    SmtpClient client = test::plainClientFor(server);
    BOOST_CHECK_THROW(client.send(m), SmtpCapabilityException);
    BOOST_TEST(server.store().count() == 0u);
    const std::string transcript = server.store().sessions().front().transcriptText();
    BOOST_TEST(transcript.find("MAIL FROM") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(heloFallbackWhenEhloIsRefused) {
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(test::replyRule(fake::Phase::Ehlo, 502, "5.5.1 EHLO not implemented"));
    FakeSmtpServer server(config);
    server.start();
    SmtpClient client = test::plainClientFor(server);
    client.send(test::sampleMessage());
    BOOST_REQUIRE(server.store().waitForCount(1, std::chrono::seconds(10)));
    BOOST_TEST(!server.store().last().session().esmtp);
}

BOOST_AUTO_TEST_CASE(ehloRefusedForAnotherReasonEndsTheSessionWithoutHelo) {
    // Only 500 and 502 say "EHLO unknown" (RFC 5321 3.2); 554 says "no service here".
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(test::replyRule(fake::Phase::Ehlo, 554, "5.7.1 go away"));
    FakeSmtpServer server(config);
    server.start();
    SmtpClient client = test::plainClientFor(server);
    BOOST_CHECK_THROW(client.send(test::sampleMessage()), SmtpPermanentException);
    const std::string transcript = server.store().sessions().front().transcriptText();
    BOOST_TEST(transcript.find("C: HELO") == std::string::npos, transcript);
    BOOST_TEST(server.store().count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(ehloNameIsConfigurableAndDefaultsToAddressLiteral, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.send(test::sampleMessage());
    client.setEhloName("client.example.org");
    client.send(test::sampleMessage());
    BOOST_REQUIRE(waitForMessages(2));
    const auto sessions = server.store().sessions();
    BOOST_TEST(sessions.at(0).heloName == "[127.0.0.1]");
    BOOST_TEST(sessions.at(1).heloName == "client.example.org");
    BOOST_CHECK_THROW(client.setEhloName("bad name"), std::invalid_argument);
}

BOOST_FIXTURE_TEST_CASE(traceShowsCommandsRepliesAndEvents, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    std::string trace;
    client.setTraceCallback([&](const TraceLine& line) { trace += std::string(1, line.direction) + ": " + line.text + "\n"; });
    client.send(test::sampleMessage());
    BOOST_TEST(trace.find("*: connected to 127.0.0.1:") == 0u, trace);
    BOOST_TEST(trace.find("S: 220 ") != std::string::npos);
    BOOST_TEST(trace.find("C: EHLO [127.0.0.1]\nS: 250-") != std::string::npos);
    BOOST_TEST(trace.find("C: MAIL FROM:<alice@example.org> SIZE=") != std::string::npos);
    BOOST_TEST(trace.find("C: RCPT TO:<dave@example.org>\nC: DATA\nS: 250") != std::string::npos);
    BOOST_TEST(trace.find("C: <message data: ") != std::string::npos);
    BOOST_TEST(trace.find("C: QUIT\nS: 221") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(invalidEnvelopeIsRefusedWithoutConnecting, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    MailMessage noRecipients;
    noRecipients.setFrom(MailAddress("alice@example.org"));
    BOOST_CHECK_THROW(client.send(noRecipients), std::invalid_argument);
    MailMessage injected = test::sampleMessage();
    injected.addTo(MailAddress("x@example.org>\r\nRCPT TO:<evil@example.org"));
    BOOST_CHECK_THROW(client.send(injected), std::invalid_argument);
    MailMessage latin1 = test::sampleMessage();
    latin1.addTo(MailAddress("j\xfcrgen@example.org"));
    BOOST_CHECK_THROW(client.send(latin1), std::invalid_argument);
    BOOST_TEST(server.store().sessions().empty());
}

BOOST_FIXTURE_TEST_CASE(aLocalPartThatNeedsQuotesIsRefusedUnquotedAndSentQuoted, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    MailMessage bare = test::sampleMessage();
    bare.clearRecipients();
    bare.addTo(MailAddress("zo\\x@example.org"));
    try {
        client.send(bare);
        BOOST_FAIL("an unquoted local part with a backslash was sent");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("is not an RFC 5321 mailbox: `\\` in a local part that is not quoted") !=
                       std::string::npos,
                   e.what());
    }
    BOOST_TEST(server.store().sessions().empty());
    MailMessage twoQuoted = test::sampleMessage();
    twoQuoted.clearRecipients();
    twoQuoted.addTo(MailAddress("\"a\".\"b\"@example.org")); // a quote inside the quoted local part
    BOOST_CHECK_THROW(client.send(twoQuoted), std::invalid_argument);
    MailMessage quoted = test::sampleMessage();
    quoted.clearRecipients();
    quoted.addTo(MailAddress("\"zo\\\\x\"@example.org"));
    client.send(quoted);
    BOOST_REQUIRE(waitForMessages(1));
    BOOST_TEST(server.store().last().recipientAddresses() == std::vector<std::string>{"\"zo\\\\x\"@example.org"});
}

BOOST_AUTO_TEST_SUITE_END()
