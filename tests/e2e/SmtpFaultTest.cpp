// Every scripted fault of the fake server met with the right exception, and never a duplicated
// or lost message.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/SmtpClient.h"
#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "support/SmtpClientTesting.h"
#include "support/UnansweredListener.h"

#include <thread>

using namespace mailrig;
using mailrig::fake::FakeSmtpServer;
using mailrig::fake::Phase;
using mailrig::fake::ServerConfig;
using mailrig::test::replyRule;

namespace {

using Started = test::StartedServer;

ServerConfig withRule(const fake::Rule& rule) {
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(rule);
    return config;
}

/// Sends the sample message and returns the exception it must throw.
template <typename E>
E expectThrow(SmtpClient& client) {
    try {
        client.send(test::sampleMessage());
    } catch (const E& e) {
        return e;
    } catch (const std::exception& e) {
        BOOST_FAIL("wrong exception: " << e.what());
    }
    BOOST_FAIL("no exception");
    throw std::logic_error("unreachable");
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpFaultTest)

BOOST_AUTO_TEST_CASE(transientReplyAtEachCommandCarriesCommandAndCodes) {
    const std::vector<std::pair<Phase, std::string>> phases = {
        {Phase::Connect, "CONNECT"}, {Phase::Ehlo, "EHLO"}, {Phase::Mail, "MAIL FROM:<alice@example.org>"},
        {Phase::Data, "DATA"}, {Phase::DataEnd, "DATA-END"}};
    for (const auto& [phase, command] : phases) {
        Started s(withRule(replyRule(phase, 451, "4.3.0 try later")));
        SmtpClient client = test::plainClientFor(s.server);
        const SmtpException e = expectThrow<SmtpException>(client);
        BOOST_TEST_CONTEXT(command) {
            BOOST_TEST(e.replyCode() == 451);
            BOOST_TEST(e.enhancedStatus() == "4.3.0");
            BOOST_TEST(e.replyText() == "4.3.0 try later");
            BOOST_TEST(e.isTransient());
            BOOST_TEST(e.command().compare(0, command.size(), command) == 0);
            BOOST_TEST(s.server.store().count() == 0u);
        }
    }
}

BOOST_AUTO_TEST_CASE(permanentReplyAtEachCommandIsPermanent) {
    for (Phase phase : {Phase::Mail, Phase::Data, Phase::DataEnd}) {
        Started s(withRule(replyRule(phase, 554, "5.7.1 rejected")));
        SmtpClient client = test::plainClientFor(s.server);
        const SmtpPermanentException e = expectThrow<SmtpPermanentException>(client);
        BOOST_TEST(e.replyCode() == 554);
        BOOST_TEST(e.enhancedStatus() == "5.7.1");
        BOOST_TEST(s.server.store().count() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(refusalNamesTheCommandOnce) {
    Started s(withRule(replyRule(Phase::Mail, 550, "5.7.1 no")));
    SmtpClient client = test::plainClientFor(s.server);
    const std::string what = expectThrow<SmtpPermanentException>(client).what();
    const std::string command = "MAIL FROM:<alice@example.org>";
    BOOST_TEST(what.find("550 5.7.1 no to " + command) != std::string::npos, what);
    BOOST_TEST(what.find(command) == what.rfind(command), what);
}

BOOST_AUTO_TEST_CASE(rejectedRecipientDoesNotAbortTheOthers) {
    Started s(withRule(replyRule(Phase::Rcpt, 550, "5.1.1 no such user", "carol@*")));
    SmtpClient client = test::plainClientFor(s.server);
    const SendResult result = client.send(test::sampleMessage());
    BOOST_TEST(!result.allAccepted());
    BOOST_TEST(result.rejectedRecipients() == std::vector<std::string>{"carol@example.org"},
               boost::test_tools::per_element());
    BOOST_TEST(result.recipients.at(1).replyCode == 550);
    BOOST_TEST(result.recipients.at(1).enhancedStatus == "5.1.1");
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    const std::vector<std::string> expected{"bob@example.org", "dave@example.org"};
    BOOST_TEST(s.server.store().last().recipientAddresses() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(everyRecipientRejectedThrowsAndSendsNoData) {
    for (bool pipelining : {true, false}) {
        Started s(withRule(replyRule(Phase::Rcpt, 550, "5.1.1 no such user")));
        SmtpClient client = test::plainClientFor(s.server);
        client.setUsePipelining(pipelining);
        const SmtpPermanentException e = expectThrow<SmtpPermanentException>(client);
        BOOST_TEST(e.command() == "RCPT TO:<bob@example.org>");
        BOOST_TEST(s.server.store().count() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(everyRecipientRejectedCarriesEveryRefusalAndTheFirstPermanentOne) {
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(replyRule(Phase::Rcpt, 450, "4.2.1 mailbox busy", "bob@*"));
    config.rules.push_back(replyRule(Phase::Rcpt, 550, "5.1.1 no such user", "carol@*"));
    config.rules.push_back(replyRule(Phase::Rcpt, 552, "5.2.2 mailbox full", "dave@*"));
    Started s(config);
    SmtpClient client = test::plainClientFor(s.server);
    const SmtpPermanentException e = expectThrow<SmtpPermanentException>(client);
    BOOST_TEST(e.command() == "RCPT TO:<carol@example.org>");
    BOOST_TEST(e.replyCode() == 550);
    BOOST_REQUIRE(e.recipients().size() == 3u);
    const std::vector<std::pair<std::string, int>> expected{
        {"bob@example.org", 450}, {"carol@example.org", 550}, {"dave@example.org", 552}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        BOOST_TEST(e.recipients()[i].address == expected[i].first);
        BOOST_TEST(e.recipients()[i].replyCode == expected[i].second);
        BOOST_TEST((e.recipients()[i].status == RecipientStatus::Rejected));
    }
    const std::string what = e.what();
    BOOST_TEST(what == "server refused every recipient: 450 4.2.1 mailbox busy to RCPT TO:<bob@example.org>; "
                       "550 5.1.1 no such user to RCPT TO:<carol@example.org>; "
                       "552 5.2.2 mailbox full to RCPT TO:<dave@example.org>");
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(everyRecipientGreylistedIsTransientAndListsEachOne) {
    Started s(withRule(replyRule(Phase::Rcpt, 451, "4.7.1 greylisted")));
    SmtpClient client = test::plainClientFor(s.server);
    const SmtpTransientException e = expectThrow<SmtpTransientException>(client);
    BOOST_TEST(e.isTransient());
    BOOST_TEST(e.command() == "RCPT TO:<bob@example.org>");
    BOOST_TEST(e.recipients().size() == 3u);
    const std::string what = e.what();
    BOOST_TEST(what.find("451 4.7.1 greylisted to RCPT TO:<dave@example.org>") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(otherFailuresCarryNoRecipients) {
    Started s(withRule(replyRule(Phase::DataEnd, 554, "5.7.1 rejected")));
    SmtpClient client = test::plainClientFor(s.server);
    BOOST_TEST(expectThrow<SmtpPermanentException>(client).recipients().empty());
}

BOOST_AUTO_TEST_CASE(closeWith421IsTransient) {
    for (Phase phase : {Phase::Connect, Phase::Mail, Phase::Rcpt, Phase::DataEnd}) {
        fake::Rule rule;
        rule.on = phase;
        rule.action.close421 = true;
        Started s(withRule(rule));
        SmtpClient client = test::plainClientFor(s.server);
        const SmtpException e = expectThrow<SmtpException>(client);
        BOOST_TEST(e.replyCode() == 421);
        BOOST_TEST(e.isTransient());
        BOOST_TEST(s.server.store().count() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(disconnectIsAConnectionError) {
    for (Phase phase : {Phase::Connect, Phase::Ehlo, Phase::Mail, Phase::Rcpt, Phase::Data, Phase::DataEnd}) {
        fake::Rule rule;
        rule.on = phase;
        rule.action.disconnect = true;
        Started s(withRule(rule));
        SmtpClient client = test::plainClientFor(s.server);
        const SmtpConnectionException e = expectThrow<SmtpConnectionException>(client);
        BOOST_TEST(e.isTransient());
        BOOST_TEST(e.replyCode() == 0);
        BOOST_TEST(s.server.store().count() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(abortMidDataIsAConnectionError) {
    fake::Rule rule;
    rule.on = Phase::Data;
    rule.action.abortAfterBytes = 100;
    Started s(withRule(rule));
    SmtpClient client = test::plainClientFor(s.server);
    MailMessage m = test::sampleMessage();
    m.setTextBody(std::string(100000, 'x'));
    BOOST_CHECK_THROW(client.send(m), SmtpConnectionException);
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(connectionRefusedIsAConnectionError) {
    std::uint16_t port;
    {
        Started s(ServerConfig::plain());
        port = s.server.port();
    }
    SmtpClient client("127.0.0.1", port, {}, {}, SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(5));
    const SmtpConnectionException e = expectThrow<SmtpConnectionException>(client);
    BOOST_TEST(e.command() == "CONNECT");
}

BOOST_AUTO_TEST_CASE(greetingTimeoutIsReported) {
    fake::Rule rule;
    rule.on = Phase::Connect;
    rule.action.delay = std::chrono::milliseconds(3000);
    Started s(withRule(rule));
    SmtpClient client = test::plainClientFor(s.server);
    client.setGreetingTimeout(std::chrono::milliseconds(300));
    const auto start = std::chrono::steady_clock::now();
    const SmtpConnectionException e = expectThrow<SmtpConnectionException>(client);
    BOOST_TEST(e.timedOut());
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(3)));
    const std::string what = e.what();
    BOOST_TEST(what.find("127.0.0.1:" + std::to_string(s.server.port()) + " timed out after 300 ms") !=
                   std::string::npos,
               what);
}

BOOST_AUTO_TEST_CASE(connectTimeoutNamesTheServerAndTheTimeWaited) {
    test::UnansweredListener listener;
    SmtpClient client("127.0.0.1", listener.port(), {}, {}, SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(1));
    const auto start = std::chrono::steady_clock::now();
    const SmtpConnectionException e = expectThrow<SmtpConnectionException>(client);
    BOOST_TEST(e.timedOut());
    BOOST_TEST(e.command() == "CONNECT");
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(5)));
    BOOST_TEST(std::string(e.what()) ==
               "connecting to 127.0.0.1:" + std::to_string(listener.port()) + " timed out after 1 s");
}

BOOST_AUTO_TEST_CASE(greylistedMessageIsDeliveredOnceWithRetry) {
    fake::Rule rule = replyRule(Phase::Rcpt, 451, "4.7.1 Greylisted, try again", {}, 3);
    rule.scope = fake::Scope::Global;
    Started s(withRule(rule));
    SmtpClient client = test::plainClientFor(s.server);
    client.setRetryPolicy(RetryPolicy::attempts(3, std::chrono::milliseconds(50)));
    // Three RCPTs are refused on the first attempt; the second attempt gets through.
    const SendResult result = client.send(test::sampleMessage());
    BOOST_TEST(result.allAccepted());
    BOOST_TEST(result.attempts == 2);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(greylistedSingleRecipientGetsItsOwnRetry) {
    // 552 to RCPT too: RFC 5321 4.5.3.1.10 asks clients to read it as 452 (too many recipients).
    const std::pair<int, const char*> refusals[] = {{451, "4.7.1 Greylisted"}, {552, "5.5.3 Too many recipients"}};
    for (const auto& [code, text] : refusals) {
        BOOST_TEST_CONTEXT(code) {
            fake::Rule rule = replyRule(Phase::Rcpt, code, text, "carol@*", 1);
            rule.scope = fake::Scope::Global;
            Started s(withRule(rule));
            SmtpClient client = test::plainClientFor(s.server);
            client.setRetryPolicy(RetryPolicy::attempts(2, std::chrono::milliseconds(10)));
            const SendResult result = client.send(test::sampleMessage());
            BOOST_TEST(result.allAccepted());
            BOOST_TEST(result.attempts == 2);
            BOOST_REQUIRE(s.server.store().waitForCount(2, std::chrono::seconds(5)));
            const auto messages = s.server.store().messages();
            const std::vector<std::string> first{"bob@example.org", "dave@example.org"};
            BOOST_TEST(messages.at(0).recipientAddresses() == first, boost::test_tools::per_element());
            BOOST_TEST(messages.at(1).recipientAddresses() == std::vector<std::string>{"carol@example.org"},
                       boost::test_tools::per_element());
            BOOST_TEST(messages.at(0).data() == messages.at(1).data());
        }
    }
}

BOOST_AUTO_TEST_CASE(a552ToTheDataStaysPermanent) {
    Started s(withRule(replyRule(Phase::DataEnd, 552, "5.3.4 Message too big", {}, 1)));
    SmtpClient client = test::plainClientFor(s.server);
    client.setRetryPolicy(RetryPolicy::attempts(3, std::chrono::milliseconds(10)));
    BOOST_CHECK_THROW(client.send(test::sampleMessage()), SmtpPermanentException);
    BOOST_TEST(s.server.store().sessions().size() == 1u); // not tried again
}

BOOST_AUTO_TEST_CASE(greylistedRecipientWithoutRetryIsReportedTransient) {
    Started s(withRule(replyRule(Phase::Rcpt, 451, "4.7.1 Greylisted", "carol@*")));
    SmtpClient client = test::plainClientFor(s.server);
    const SendResult result = client.send(test::sampleMessage());
    BOOST_TEST(!result.allAccepted());
    BOOST_TEST(result.recipients.at(1).transient());
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(withoutRetryPolicyTransientFailureIsNotRetried) {
    fake::Rule rule = replyRule(Phase::Mail, 451, "4.3.0 busy", {}, 1);
    rule.scope = fake::Scope::Global;
    Started s(withRule(rule));
    SmtpClient client = test::plainClientFor(s.server);
    BOOST_CHECK_THROW(client.send(test::sampleMessage()), SmtpTransientException);
    BOOST_TEST(s.server.store().sessions().size() == 1u);
}

BOOST_AUTO_TEST_CASE(droppedConnectionBeforeAcceptanceIsRetriedOnANewConnection) {
    fake::Rule rule;
    rule.on = Phase::DataEnd;
    rule.times = 1;
    rule.scope = fake::Scope::Global;
    rule.action.disconnect = true;
    Started s(withRule(rule));
    SmtpClient client = test::plainClientFor(s.server);
    client.setRetryPolicy(RetryPolicy::attempts(2, std::chrono::milliseconds(10)));
    const SendResult result = client.send(test::sampleMessage());
    BOOST_TEST(result.attempts == 2);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    BOOST_TEST(s.server.store().count() == 1u);
    BOOST_TEST(s.server.store().sessions().size() == 2u);
}

BOOST_AUTO_TEST_CASE(acceptedMessageIsNeverSentTwice) {
    // 250 to the data, then the connection drops at QUIT: the send succeeded, no retry.
    fake::Rule rule;
    rule.on = Phase::Quit;
    rule.action.disconnect = true;
    Started s(withRule(rule));
    SmtpClient client = test::plainClientFor(s.server);
    client.setRetryPolicy(RetryPolicy::attempts(3, std::chrono::milliseconds(10)));
    const SendResult result = client.send(test::sampleMessage());
    BOOST_TEST(result.attempts == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(permanentFailureIsNotRetried) {
    Started s(withRule(replyRule(Phase::DataEnd, 554, "5.6.0 content rejected")));
    SmtpClient client = test::plainClientFor(s.server);
    client.setRetryPolicy(RetryPolicy::attempts(3, std::chrono::milliseconds(10)));
    BOOST_CHECK_THROW(client.send(test::sampleMessage()), SmtpPermanentException);
    BOOST_TEST(s.server.store().sessions().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
