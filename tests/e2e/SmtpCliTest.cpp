// `mailrig send` and `mailrig forward` against the embedded fake server.
#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/MessageView.h"
#include "support/Process.h"
#include "support/SmtpClientTesting.h"

using namespace mailrig;
using mailrig::fake::FakeSmtpServer;
using mailrig::fake::ServerConfig;

namespace {

struct Started : test::StartedServer {
    using StartedServer::StartedServer;
    std::vector<std::string> connection(const std::string& command) const {
        return {command, "--host", "127.0.0.1", "--port", std::to_string(server.port()), "--security", "none"};
    }
};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpCliTest)

BOOST_AUTO_TEST_CASE(sendComposesAndDelivers) {
    Started s;
    const test::ProcessResult r = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--from", "Alice <alice@example.org>", "--to", "bob@example.org",
                                                        "--bcc", "dave@example.org", "--subject", "cli", "--text", "hi"});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    const fake::CapturedMessage m = s.server.store().last();
    BOOST_TEST(m.recipientAddresses().size() == 2u);
    BOOST_TEST(m.view().subject() == "cli");
    BOOST_TEST(r.out.find("bob@example.org: accepted 250") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sendOfSeveralEmlsIsABulkWithReportAndExit1OnRefusal) {
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(test::replyRule(fake::Phase::Rcpt, 550, "5.1.1 unknown", "nobody@*"));
    Started s(config);
    test::TempDir dir;
    test::writeFile(dir.file("a.eml"), "From: a@example.org\r\nTo: b@example.org\r\nSubject: a\r\n\r\nA\r\n");
    test::writeFile(dir.file("b.eml"), "From: a@example.org\r\nTo: nobody@example.org\r\nSubject: b\r\n\r\nB\r\n");
    const test::ProcessResult r = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--eml", dir.file("a.eml"), "--eml", dir.file("b.eml"),
                                                        "--connections", "2"});
    BOOST_TEST(r.exitCode == 1, r.out << r.err);
    BOOST_TEST(r.out.find("#1 failed") != std::string::npos);
    BOOST_TEST(r.out.find("nobody@example.org rejected 550") != std::string::npos);
    BOOST_TEST(s.server.store().count() == 1u);
    BOOST_TEST(s.server.store().last().data() == test::readFile(dir.file("a.eml")));
}

BOOST_AUTO_TEST_CASE(forwardStreamsAFile) {
    Started s;
    test::TempDir dir;
    test::writeFile(dir.file("in.eml"), "From: a@example.org\nBcc: x@example.org\nSubject: f\n\nbody\n");
    const test::ProcessResult r = test::runMailrig(
        s.connection("forward") + std::vector<std::string>{"--from", "fw@example.org", "--to", "c@example.org",
                                                           "--to", "d@example.org", dir.file("in.eml")});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    const fake::CapturedMessage m = s.server.store().last();
    BOOST_TEST(m.mailFrom().address == "fw@example.org");
    BOOST_TEST(m.recipientAddresses().size() == 2u);
    BOOST_TEST(m.data() == "From: a@example.org\r\nSubject: f\r\n\r\nbody\r\n");
}

BOOST_AUTO_TEST_CASE(connectionFailureAndUsageErrorsExit2) {
    std::uint16_t port;
    {
        Started s;
        port = s.server.port();
    }
    const test::ProcessResult refused = test::runMailrig(
        {"send", "--host", "127.0.0.1", "--port", std::to_string(port), "--security", "none", "--from",
         "a@example.org", "--to", "b@example.org", "--subject", "x"});
    BOOST_TEST(refused.exitCode == 2);
    BOOST_TEST(refused.err.find("cannot connect") != std::string::npos);
    const test::ProcessResult usage = test::runMailrig({"send", "--host", "h", "--port", "25", "--bogus"});
    BOOST_TEST(usage.exitCode == 2);
    BOOST_TEST(usage.err.find("--bogus") != std::string::npos);
    const test::ProcessResult missing = test::runMailrig({"forward", "--host", "h", "--port", "25", "--from", "a@b"});
    BOOST_TEST(missing.exitCode == 2);
    BOOST_TEST(missing.err.find("--to") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(autoSecurityRefusesPlaintextServer) {
    Started s;
    const test::ProcessResult r = test::runMailrig(
        {"send", "--host", "127.0.0.1", "--port", std::to_string(s.server.port()), "--from", "a@example.org",
         "--to", "b@example.org", "--subject", "x"});
    BOOST_TEST(r.exitCode == 2);
    BOOST_TEST(r.err.find("STARTTLS") != std::string::npos);
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
