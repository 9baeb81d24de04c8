// Bulk send over one connection and over several: one report entry per message, each message
// captured exactly once.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/SmtpClient.h"
#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/MessageView.h"
#include "support/BackgroundProcess.h"
#include "support/SmtpClientTesting.h"

#include <mutex>
#include <set>

using namespace mailrig;
using mailrig::fake::FakeSmtpServer;
using mailrig::fake::Phase;
using mailrig::fake::ServerConfig;

namespace {

using Started = test::StartedServer;

MailMessageCollection numbered(std::size_t n) {
    MailMessageCollection messages;
    for (std::size_t i = 0; i < n; ++i) {
        MailMessage m;
        m.setFrom(MailAddress("sender@example.org"));
        m.addTo(MailAddress("rcpt" + std::to_string(i) + "@example.org"));
        m.setSubject("message " + std::to_string(i));
        m.setTextBody("body " + std::to_string(i));
        m.ensureMessageId();
        messages.push_back(m);
    }
    return messages;
}

/// A plain server that answers the end of "message 1" with `action`.
ServerConfig atEndOfMessage1(const fake::Action& action) {
    ServerConfig config = ServerConfig::plain();
    fake::Rule rule;
    rule.on = Phase::DataEnd;
    rule.match = "*message 1*";
    rule.action = action;
    config.rules.push_back(rule);
    return config;
}

std::multiset<std::string> capturedSubjects(const FakeSmtpServer& server) {
    std::multiset<std::string> out;
    for (const auto& m : server.store().messages()) out.insert(m.view().subject());
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpBulkTest)

BOOST_AUTO_TEST_CASE(bulkSendReusesOneConnection) {
    Started s;
    SmtpClient client = test::plainClientFor(s.server);
    const SendReport report = client.send(numbered(10));
    BOOST_TEST(report.messages.size() == 10u);
    BOOST_TEST(report.succeededCount() == 10u);
    BOOST_TEST(report.allDelivered());
    BOOST_TEST(s.server.store().count() == 10u);
    BOOST_TEST(s.server.store().sessions().size() == 1u);
    BOOST_TEST(report.messages[3].index == 3u);
}

BOOST_AUTO_TEST_CASE(bulkSendReportsPerRecipient550AndContinues) {
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(test::replyRule(Phase::Rcpt, 550, "5.1.1 unknown", "rcpt2@*"));
    config.rules.push_back(test::replyRule(Phase::DataEnd, 554, "5.6.0 no", "*message 4*"));
    Started s(config);
    SmtpClient client = test::plainClientFor(s.server);
    std::vector<std::size_t> progress;
    client.setProgressCallback([&](const SendProgress& p) {
        progress.push_back(p.completed);
        BOOST_TEST(p.total == 6u);
        BOOST_TEST(p.last != nullptr);
    });
    const SendReport report = client.send(numbered(6));
    BOOST_TEST(progress == (std::vector<std::size_t>{1, 2, 3, 4, 5, 6}), boost::test_tools::per_element());
    BOOST_TEST(report.succeededCount() == 4u);
    BOOST_TEST(report.failedCount() == 2u);
    const MessageOutcome& refused = report.messages[2];
    BOOST_TEST((refused.status == MessageStatus::Failed));
    BOOST_TEST(refused.recipients.at(0).replyCode == 550);
    BOOST_TEST(refused.recipients.at(0).enhancedStatus == "5.1.1");
    BOOST_TEST((refused.recipients.at(0).status == RecipientStatus::Rejected));
    BOOST_REQUIRE(refused.exception);
    BOOST_CHECK_THROW(std::rethrow_exception(refused.exception), SmtpPermanentException);
    const MessageOutcome& dataRefused = report.messages[4];
    BOOST_TEST((dataRefused.status == MessageStatus::Failed));
    BOOST_TEST(dataRefused.recipients.at(0).replyCode == 554);
    BOOST_TEST(s.server.store().count() == 4u);
    BOOST_TEST(s.server.store().sessions().size() == 1u);
    // RSET after each failed transaction keeps the session usable.
    BOOST_TEST(s.server.store().sessions().front().transcriptText().find("C: RSET") != std::string::npos);
    BOOST_TEST(!s.server.store().sessions().front().pipeliningViolation);
    BOOST_TEST(report.summary().find("rcpt2@example.org rejected 550") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stopOnFirstFailureLeavesTheRestNotAttemptedAndUnsent) {
    // Message 1 refused at RCPT, or at the end of its data: nothing of message 2 may have left
    // before that reply (its end of data is never held back to travel with the next envelope).
    const fake::Rule refusals[] = {test::replyRule(Phase::Rcpt, 550, "5.1.1 unknown", "rcpt1@*"),
                                   test::replyRule(Phase::DataEnd, 554, "5.6.0 refused", "*message 1*")};
    for (const fake::Rule& refusal : refusals) {
        ServerConfig config = ServerConfig::plain();
        config.rules.push_back(refusal);
        Started s(config);
        SmtpClient client = test::plainClientFor(s.server);
        client.setStopOnFirstFailure(true);
        const SendReport report = client.send(numbered(4));
        BOOST_TEST(report.succeededCount() == 1u);
        BOOST_TEST(report.failedCount() == 1u);
        BOOST_TEST(report.notAttemptedCount() == 2u);
        BOOST_TEST((report.messages[3].recipients.at(0).status == RecipientStatus::NotAttempted));
        BOOST_TEST(report.messages[3].error == "stopped after message #2 failed");
        BOOST_TEST(report.summary().find(": stopped after message #2 failed\n") != std::string::npos, report.summary());
        BOOST_TEST(report.summary().find("not attempted: stopped") == std::string::npos, report.summary());
        BOOST_TEST(s.server.store().count() == 1u);
        const std::string transcript = s.server.store().sessions().front().transcriptText();
        std::size_t mails = 0;
        for (std::size_t at = transcript.find("C: MAIL FROM"); at != std::string::npos;
             at = transcript.find("C: MAIL FROM", at + 1))
            ++mails;
        BOOST_TEST(mails == 2u, transcript);
    }
}

BOOST_AUTO_TEST_CASE(droppedConnectionIsReopenedForTheNextMessage) {
    fake::Action drop;
    drop.disconnect = true;
    Started s(atEndOfMessage1(drop));
    SmtpClient client = test::plainClientFor(s.server);
    const SendReport report = client.send(numbered(4));
    BOOST_TEST((report.messages[1].status == MessageStatus::Failed));
    BOOST_TEST(report.succeededCount() == 3u);
    BOOST_TEST(s.server.store().count() == 3u);
    BOOST_TEST(s.server.store().sessions().size() == 2u);
    // The recipient was accepted at RCPT: the report does not call it refused.
    const std::string summary = report.summary();
    BOOST_TEST(summary.find("  rcpt1@example.org not delivered (accepted at RCPT; the message data was not confirmed)\n") != std::string::npos,
               summary);
}

BOOST_AUTO_TEST_CASE(unreachableServerFailsOneMessageWithTheConnectionErrorAndLeavesTheRestNotAttempted) {
    std::uint16_t port;
    {
        Started s;
        port = s.server.port();
    }
    for (std::size_t connections : {1u, 3u}) {
        BOOST_TEST_CONTEXT("connections " << connections) {
            SmtpClient client("127.0.0.1", port, {}, {}, SecurityOptions::None);
            if (connections > 1) {
                client.setUseMultiConnection(MultiConnectionMode::Enable);
                client.setConnectionsQuantity(connections);
            }
            const SendReport report = client.send(numbered(5));
            BOOST_TEST(report.failedCount() == 1u);
            BOOST_TEST(report.notAttemptedCount() == 4u);
            // The failed one carries the connection error itself, as a single send would throw it.
            for (const auto& m : report.messages) {
                if (m.status != MessageStatus::Failed) {
                    BOOST_TEST(m.error.find("cannot connect") != std::string::npos, m.error);
                    continue;
                }
                BOOST_REQUIRE(m.exception);
                try {
                    std::rethrow_exception(m.exception);
                } catch (const SmtpException& e) {
                    BOOST_TEST((e.kind() == SmtpErrorKind::Connection));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(invalidMessageIsRefusedBeforeAnythingIsSent) {
    Started s;
    SmtpClient client = test::plainClientFor(s.server);
    MailMessageCollection messages = numbered(3);
    messages[1].clearRecipients();
    try {
        client.send(messages);
        BOOST_FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("message #1") != std::string::npos);
    }
    BOOST_TEST(s.server.store().sessions().empty());
}

BOOST_AUTO_TEST_CASE(multiConnectionSendsEachMessageExactlyOnce) {
    Started s;
    SmtpClient client = test::plainClientFor(s.server);
    client.setUseMultiConnection(MultiConnectionMode::Enable);
    client.setConnectionsQuantity(4);
    std::mutex mutex;
    std::size_t calls = 0;
    client.setProgressCallback([&](const SendProgress&) {
        std::lock_guard<std::mutex> lock(mutex);
        ++calls;
    });
    const MailMessageCollection messages = numbered(40);
    const SendReport report = client.send(messages);
    BOOST_TEST(report.succeededCount() == 40u);
    BOOST_TEST(calls == 40u);
    for (std::size_t i = 0; i < 40; ++i) BOOST_TEST(report.messages[i].index == i);
    BOOST_TEST(s.server.store().count() == 40u);
    std::multiset<std::string> expected;
    for (std::size_t i = 0; i < 40; ++i) expected.insert("message " + std::to_string(i));
    BOOST_TEST((capturedSubjects(s.server) == expected));
    BOOST_TEST(s.server.store().sessions().size() == 4u);
}

BOOST_AUTO_TEST_CASE(multiConnectionMergesFailuresIntoTheReport) {
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(test::replyRule(Phase::Rcpt, 550, "5.1.1 unknown", "rcpt1?@*"));
    Started s(config);
    SmtpClient client = test::plainClientFor(s.server);
    client.setUseMultiConnection(MultiConnectionMode::Enable);
    client.setConnectionsQuantity(3);
    const SendReport report = client.send(numbered(30));
    BOOST_TEST(report.failedCount() == 10u);
    BOOST_TEST(report.succeededCount() == 20u);
    for (std::size_t i = 10; i < 20; ++i) BOOST_TEST((report.messages[i].status == MessageStatus::Failed));
    BOOST_TEST(s.server.store().count() == 20u);
}

BOOST_AUTO_TEST_CASE(reportCarriesTheMessageIdSent) {
    Started s;
    SmtpClient client = test::plainClientFor(s.server);
    MailMessage m;
    m.setFrom(MailAddress("a@example.org"));
    m.addTo(MailAddress("b@example.org"));
    m.setSubject("no id set");
    const SendReport report = client.send(MailMessageCollection{m});
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    BOOST_TEST(!report.messages.at(0).messageId.empty());
    BOOST_TEST(report.messages.at(0).messageId == "<" + s.server.store().last().view().messageId() + ">");
}

BOOST_AUTO_TEST_CASE(multiConnectionWithDisableUsesOneConnection) {
    Started s;
    SmtpClient client = test::plainClientFor(s.server);
    client.setConnectionsQuantity(4);
    client.setUseMultiConnection(MultiConnectionMode::Disable);
    client.send(numbered(8));
    BOOST_TEST(s.server.store().sessions().size() == 1u);
}

BOOST_AUTO_TEST_CASE(close421AtEndOfDataIsReportedAndTheNextMessageGoesOnANewConnection) {
    fake::Action close;
    close.close421 = true;
    Started s(atEndOfMessage1(close));
    SmtpClient client = test::plainClientFor(s.server);
    // Message 2's envelope goes out behind message 1's end of data, into a closing connection.
    const SendReport report = client.send(numbered(4));
    BOOST_TEST((report.messages[1].status == MessageStatus::Failed));
    BOOST_TEST(report.messages[1].dataReplyCode == 421);
    BOOST_TEST(report.messages[1].attempts == 1);
    BOOST_TEST((report.messages[2].status == MessageStatus::Succeeded));
    BOOST_TEST(report.messages[2].attempts == 1);
    BOOST_TEST(report.succeededCount() == 3u);
    BOOST_TEST(capturedSubjects(s.server) ==
                   (std::multiset<std::string>{"message 0", "message 2", "message 3"}),
               boost::test_tools::per_element());
    BOOST_TEST(s.server.store().sessions().size() == 2u);
}

BOOST_AUTO_TEST_CASE(greylistedEndOfDataInABulkIsRetriedAndDeliveredOnce) {
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(test::replyRule(Phase::DataEnd, 451, "4.7.1 try later", "*message 1*", 1));
    Started s(config);
    SmtpClient client = test::plainClientFor(s.server);
    client.setRetryPolicy(RetryPolicy::attempts(2, std::chrono::milliseconds(10)));
    const SendReport report = client.send(numbered(4));
    BOOST_TEST(report.succeededCount() == 4u, report.summary());
    BOOST_TEST(report.messages[1].attempts == 2);
    BOOST_TEST(report.messages[0].attempts == 1);
    BOOST_TEST(report.messages[2].attempts == 1);
    BOOST_TEST(capturedSubjects(s.server) ==
                   (std::multiset<std::string>{"message 0", "message 1", "message 2", "message 3"}),
               boost::test_tools::per_element());
    BOOST_TEST(s.server.store().sessions().size() == 1u);
}

BOOST_AUTO_TEST_CASE(aRefusedRsetInAPipelinedGroupStillHasEveryReplyReadAndTheConnectionDropped) {
    // RFC 2920 3.1: every reply of a group is read, and a DATA answered 354 gets a lone dot.
    // The peer refuses every recipient of the first message on its first connection, then
    // refuses the RSET sent with the next group; it prints what it sees.
    const char* peerScript = R"PY(
import socket
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(4)
print('PORT', srv.getsockname()[1], flush=True)
for conn in (1, 2):
    c, _ = srv.accept(); c.settimeout(10); f = c.makefile('rb')
    c.sendall(b'220 peer ESMTP\r\n')
    mail, data = 0, False
    for raw in f:
        line = raw.decode().rstrip('\r\n')
        if data:
            if line == '.':
                data = False; print('C%d END' % conn, flush=True); c.sendall(b'250 ok\r\n')
            continue
        first = conn == 1 and mail == 1
        if line.startswith('EHLO'): c.sendall(b'250-peer\r\n250 PIPELINING\r\n')
        elif line.startswith('MAIL'): mail += 1; c.sendall(b'250 ok\r\n')
        elif line.startswith('RCPT'): c.sendall(b'550 5.1.1 no\r\n' if first else b'250 ok\r\n')
        elif line == 'DATA':
            if first: c.sendall(b'554 5.5.1 no valid recipients\r\n')
            else: data = True; c.sendall(b'354 go\r\n')
        elif line == 'RSET':
            print('C%d RSET' % conn, flush=True)
            c.sendall(b'451 4.3.0 cannot reset\r\n' if conn == 1 else b'250 ok\r\n')
        elif line == 'QUIT': c.sendall(b'221 bye\r\n'); break
    c.close()
)PY";
    test::BackgroundProcess peer({"/usr/bin/python3", "-c", peerScript});
    const auto portLine = peer.readLine(std::chrono::seconds(10));
    BOOST_REQUIRE(portLine && portLine->rfind("PORT ", 0) == 0);
    SmtpClient client("127.0.0.1", static_cast<std::uint16_t>(std::stoi(portLine->substr(5))), {}, {},
                      SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(5));
    const SendReport report = client.send(numbered(3));
    BOOST_TEST((report.messages[0].status == MessageStatus::Failed));
    BOOST_TEST((report.messages[1].status == MessageStatus::Failed));
    BOOST_TEST(report.messages[1].error.find("RSET") != std::string::npos, report.messages[1].error);
    BOOST_TEST((report.messages[2].status == MessageStatus::Succeeded), report.summary());
    std::vector<std::string> seen;
    while (auto line = peer.readLine(std::chrono::seconds(5))) seen.push_back(*line);
    BOOST_TEST(seen == (std::vector<std::string>{"C1 RSET", "C1 END", "C2 END"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
