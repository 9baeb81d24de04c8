// Forward (redirect) of a message and of an EML stream: new envelope, original bytes.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/SmtpClient.h"
#include "mailrig/fakeserver/BoostFixture.h"
#include "mailrig/fakeserver/MessageView.h"
#include "support/SmtpClientTesting.h"

#include <sstream>
#include <thread>

using namespace mailrig;
using mailrig::fake::FakeSmtpServer;
using mailrig::fake::ServerConfig;

namespace {

const std::string kStored =
    "Return-Path: <bounce@old.example>\r\n"
    "Resent-From: stale@old.example\r\n"
    "Resent-To: stale-rcpt@old.example\r\n"
    "From: Alice <alice@example.org>\r\n"
    "To: Bob <bob@example.org>\r\n"
    "Bcc: secret@example.org\r\n"
    "Subject: original\r\n"
    "Message-ID: <orig@example.org>\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; b=abc\r\n"
    "\r\n"
    "Original body\r\n"
    ".dot line\r\n";

const std::string kStoredWithoutDropped =
    "Resent-From: stale@old.example\r\n"
    "Resent-To: stale-rcpt@old.example\r\n"
    "From: Alice <alice@example.org>\r\n"
    "To: Bob <bob@example.org>\r\n"
    "Subject: original\r\n"
    "Message-ID: <orig@example.org>\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; b=abc\r\n"
    "\r\n"
    "Original body\r\n"
    ".dot line\r\n";

/// A message whose body never ends: a header, then lines of `a` for as long as it is read.
class EndlessMessage : public std::streambuf {
public:
    EndlessMessage() : _line(std::string("Subject: endless\r\n\r\n")) { setg(&_line[0], &_line[0], &_line[0] + _line.size()); }

protected:
    int_type underflow() override {
        _line = std::string(78, 'a') + "\r\n";
        setg(&_line[0], &_line[0], &_line[0] + _line.size());
        return traits_type::to_int_type(_line[0]);
    }

private:
    std::string _line;
};

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpForwardTest)

BOOST_AUTO_TEST_CASE(aStreamThatNeverEndsGetsTheServers552NotABrokenPipe) {
    for (bool chunking : {false, true}) {
        ServerConfig config = ServerConfig::plain();
        config.limits.messageSize = 100000;
        config.limits.oversizeDiscard = 100000;
        FakeSmtpServer server(config);
        server.start();
        SmtpClient client = test::plainClientFor(server);
        client.setUseChunking(chunking);
        EndlessMessage endless;
        std::istream in(&endless);
        BOOST_TEST_CONTEXT((chunking ? "BDAT" : "DATA")) {
            try {
                client.forward("a@example.org", {"b@example.org"}, in);
                BOOST_FAIL("no exception");
            } catch (const SmtpPermanentException& e) {
                BOOST_TEST(e.replyCode() == 552);
                BOOST_TEST(e.enhancedStatus() == "5.3.4");
                BOOST_TEST(e.command().find(chunking ? "BDAT" : "DATA-END") == 0u, e.command());
            }
            BOOST_TEST(server.store().count() == 0u);
        }
    }
}

BOOST_FIXTURE_TEST_CASE(forwardUsesTheNewEnvelopeAndKeepsTheBytes, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    const MailMessage message = MailMessage::fromBytes(kStored);
    const SendResult result =
        client.forward("forwarder@example.net", {"x@example.net", "y@example.net"}, message);
    BOOST_TEST(result.allAccepted());
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(captured.mailFrom().address == "forwarder@example.net");
    const std::vector<std::string> expected{"x@example.net", "y@example.net"};
    BOOST_TEST(captured.recipientAddresses() == expected, boost::test_tools::per_element());
    // Stale Resent-* did not change the envelope; Bcc and Return-Path are gone; the rest is
    // byte-identical (DKIM stays valid).
    BOOST_TEST(captured.data() == kStoredWithoutDropped);
}

BOOST_FIXTURE_TEST_CASE(forwardNeverConvertsToTnef, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.setUseTnef(true);
    client.forward("forwarder@example.net", {"x@example.net"}, MailMessage::fromBytes(kStored));
    BOOST_REQUIRE(waitForMessages(1));
    BOOST_TEST(server.store().last().data() == kStoredWithoutDropped);
}

BOOST_FIXTURE_TEST_CASE(forwardCanPrependAResentBlock, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.setAddResentHeaders(true);
    client.forward("forwarder@example.net", {"x@example.net"}, MailMessage::fromBytes(kStored));
    BOOST_REQUIRE(waitForMessages(1));
    const std::string data = server.store().last().data();
    BOOST_TEST(data.find("Resent-Date: ") == 0u);
    BOOST_TEST(data.find("Resent-From: <forwarder@example.net>\r\nResent-To: <x@example.net>\r\n"
                         "Resent-Message-ID: <") != std::string::npos);
    BOOST_TEST(data.find("Bcc") == std::string::npos);
    BOOST_TEST(data.substr(data.size() - kStoredWithoutDropped.size()) == kStoredWithoutDropped);
}

BOOST_FIXTURE_TEST_CASE(aResentBlockNeedsASenderSoANullSenderIsRefusedBeforeConnecting, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.setAddResentHeaders(true);
    BOOST_CHECK_THROW(client.forward("", {"x@example.net"}, MailMessage::fromBytes(kStored)), std::invalid_argument);
    std::istringstream in(kStored);
    BOOST_CHECK_THROW(client.forward("", {"x@example.net"}, in), std::invalid_argument);
    BOOST_TEST(server.store().count() == 0u);
    BOOST_TEST(server.store().sessions().empty()); // not even a connection was made
    client.setAddResentHeaders(false); // without Resent headers the null sender is fine
    BOOST_TEST(client.forward("", {"x@example.net"}, MailMessage::fromBytes(kStored)).allAccepted());
}

BOOST_FIXTURE_TEST_CASE(forwardOfComposedMessageIgnoresItsRecipients, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.forward("", {"x@example.net"}, test::sampleMessage());
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(captured.mailFrom().address.empty());
    BOOST_TEST(captured.recipientAddresses() == std::vector<std::string>{"x@example.net"},
               boost::test_tools::per_element());
    BOOST_TEST(captured.data().find("dave@") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(streamForwardSendsTheSameBytes, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    std::istringstream in(kStored);
    client.forward("forwarder@example.net", {"x@example.net"}, in);
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(captured.data() == kStoredWithoutDropped);
    BOOST_TEST(captured.mailFrom().param("BODY") == "8BITMIME");
}

BOOST_FIXTURE_TEST_CASE(streamForwardWithBdatAndLargeBody, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.setUseChunking(true);
    std::string eml = "From: a@example.org\nTo: b@example.org\nSubject: big\n\n";
    std::string expected = "From: a@example.org\r\nTo: b@example.org\r\nSubject: big\r\n\r\n";
    for (int i = 0; i < 60000; ++i) {
        eml += ".line " + std::to_string(i) + "\n";
        expected += ".line " + std::to_string(i) + "\r\n";
    }
    std::istringstream in(eml);
    const SendResult result = client.forward("a@example.org", {"b@example.org"}, in);
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(captured.viaBdat());
    BOOST_TEST(captured.data() == expected);
    BOOST_TEST(result.messageSize == expected.size());
}

BOOST_FIXTURE_TEST_CASE(streamForwardNormalisesSmugglingSequences, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    std::istringstream in("Subject: s\r\n\r\na\n.\nb\r.\rc\r\n.\nd");
    client.forward("a@example.org", {"b@example.org"}, in);
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    BOOST_TEST(!captured.flags().smuggling);
    BOOST_TEST(!captured.flags().bareLf);
    BOOST_TEST(!captured.flags().bareCr);
    BOOST_TEST(captured.data() == "Subject: s\r\n\r\na\r\n.\r\nb\r\n.\r\nc\r\n.\r\nd\r\n");
}

BOOST_AUTO_TEST_CASE(smallStreamIsRetriedButAConsumedLargeOneIsNot) {
    ServerConfig config = ServerConfig::plain();
    fake::Rule rule;
    rule.on = fake::Phase::DataEnd;
    rule.times = 1;
    rule.scope = fake::Scope::Global;
    rule.action.reply = fake::Reply{451, "4.3.0 try again"};
    config.rules.push_back(rule);
    FakeSmtpServer server(config);
    server.start();
    SmtpClient client = test::plainClientFor(server);
    client.setRetryPolicy(RetryPolicy::attempts(2, std::chrono::milliseconds(10)));
    // Held entirely in the first read: it can be sent again.
    std::istringstream small(kStored);
    BOOST_TEST(client.forward("f@example.org", {"x@example.net"}, small).attempts == 2);
    BOOST_TEST(server.store().count() == 1u);
    // Larger than what is read ahead: a retry would need the consumed bytes.
    FakeSmtpServer second(config);
    second.start();
    SmtpClient other = test::plainClientFor(second);
    other.setRetryPolicy(RetryPolicy::attempts(2, std::chrono::milliseconds(10)));
    std::istringstream large(kStored + std::string(200000, 'x') + "\r\n");
    BOOST_CHECK_THROW(other.forward("f@example.org", {"x@example.net"}, large), SmtpTransientException);
    BOOST_TEST(second.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(streamWithEightBitBodyIsAbandonedWithout8BitMime) {
    FakeSmtpServer server(test::sevenBitOnlyConfig());
    server.start();
    SmtpClient client = test::plainClientFor(server);
    std::istringstream in("Subject: s\r\n\r\nGr\xc3\xbc\xc3\x9f" "e\r\n");
    BOOST_CHECK_THROW(client.forward("a@example.org", {"b@example.org"}, in), SmtpCapabilityException);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_TEST(server.store().count() == 0u);
    std::istringstream ascii("Subject: s\r\n\r\nplain\r\n");
    client.forward("a@example.org", {"b@example.org"}, ascii);
    BOOST_TEST(server.store().count() == 1u);
}

BOOST_FIXTURE_TEST_CASE(forwardRefusesBadEnvelope, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    std::istringstream in(kStored);
    BOOST_CHECK_THROW(client.forward("a@example.org", {}, in), std::invalid_argument);
    BOOST_CHECK_THROW(client.forward("a@example.org", {"no-at-sign"}, MailMessage::fromBytes(kStored)),
                      std::invalid_argument);
    std::istringstream empty("");
    BOOST_CHECK_THROW(client.forward("a@example.org", {"b@example.org"}, empty), std::invalid_argument);
    BOOST_TEST(server.store().sessions().empty());
}

BOOST_AUTO_TEST_SUITE_END()
