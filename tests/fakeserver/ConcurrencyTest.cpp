#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/BoostFixture.h"
#include "support/SmtpWire.h"

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

using namespace mailrig::fake;
using mailrig::test::SmtpWire;
using namespace std::chrono_literals;

namespace {
// A message whose bytes depend on (client, n): varied sizes, dot-leading lines, 8-bit bytes,
// a line split so the terminator may straddle reads.
std::string makeMessage(int client, int n) {
    std::string id = std::to_string(client) + "-" + std::to_string(n);
    std::string m = "Message-ID: <" + id + "@test>\r\nSubject: " + id + "\r\n\r\n";
    for (int line = 0; line < (client * 7 + n * 13) % 200; ++line)
        m += (line % 5 == 0 ? "." : "") + std::string(static_cast<std::size_t>(10 + (line * 31) % 90), static_cast<char>('a' + line % 26)) + "\r\n";
    m += ".\r\n..end\r\n";
    return m;
}

/// Fifty clients at once, twenty pipelined messages each, against `server`: every message is
/// answered 250 and captured byte for byte, each with its own sequence number.
void fiftyClientsTimesTwentyMessages(FakeSmtpServer& server) {
    constexpr int kClients = 50;
    constexpr int kMessages = 20;
    std::atomic<int> accepted{0};
    std::atomic<int> failures{0};
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            try {
                SmtpWire wire(server.port());
                wire.hello();
                for (int n = 0; n < kMessages; ++n) {
                    // Pipelined: MAIL, RCPT, DATA in one write, then the content.
                    auto r = wire.sendMail("c" + std::to_string(c) + "@example.com", {"r@example.com"},
                                           mailrig::test::dotStuff(makeMessage(c, n)));
                    if (r.code == 250) ++accepted;
                    else ++failures;
                }
                wire.command("QUIT");
            } catch (const std::exception&) {
                ++failures;
            }
        });
    }
    for (std::thread& t : clients) t.join();
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(accepted.load() == kClients * kMessages);
    BOOST_REQUIRE(server.store().waitForCount(kClients * kMessages, 10s));
    std::map<std::string, std::string> byId;
    for (const CapturedMessage& m : server.store().messages()) {
        std::size_t at = m.data().find("Subject: ") + 9;
        byId[m.data().substr(at, m.data().find("\r\n", at) - at)] = m.data();
    }
    BOOST_TEST(byId.size() == static_cast<std::size_t>(kClients * kMessages));
    int mismatches = 0;
    for (int c = 0; c < kClients; ++c)
        for (int n = 0; n < kMessages; ++n)
            if (byId[std::to_string(c) + "-" + std::to_string(n)] != makeMessage(c, n)) ++mismatches;
    BOOST_TEST(mismatches == 0);
    BOOST_CHECK(std::chrono::steady_clock::now() - start < 60s);
    std::set<std::uint64_t> sequences;
    for (const CapturedMessage& m : server.store().messages()) sequences.insert(m.sequence());
    BOOST_TEST(sequences.size() == static_cast<std::size_t>(kClients * kMessages));
}
} // namespace

BOOST_FIXTURE_TEST_SUITE(Concurrency, ServerFixture)

BOOST_AUTO_TEST_CASE(fiftyClientsTimesTwentyMessagesAreAllCapturedByteIdentical) {
    fiftyClientsTimesTwentyMessages(server);
}

BOOST_AUTO_TEST_CASE(fiftyClientsAreAllCapturedByteIdenticalWithOneEventLoopAndWithFour) {
    for (std::size_t loops : {1u, 4u}) {
        BOOST_TEST_CONTEXT("eventLoops = " << loops) {
            ServerConfig config = ServerConfig::plain();
            config.eventLoops = loops;
            FakeSmtpServer loopServer(config);
            loopServer.start();
            fiftyClientsTimesTwentyMessages(loopServer);
        }
    }
}

BOOST_AUTO_TEST_CASE(severalServersRunSideBySideInOneProcess) {
    FakeSmtpServer second;
    second.start();
    BOOST_TEST(second.port() != server.port());
    SmtpWire a(server.port()), b(second.port());
    a.hello();
    b.hello();
    BOOST_TEST(a.sendMail("a@x.y", {"1@x.y"}, "Subject: a\r\n\r\n1\r\n").code == 250);
    BOOST_TEST(b.sendMail("b@x.y", {"2@x.y"}, "Subject: b\r\n\r\n2\r\n").code == 250);
    BOOST_TEST(server.store().count() == 1u);
    BOOST_TEST(second.store().count() == 1u);
    BOOST_TEST(second.store().last().mailFrom().address == "b@x.y");
}

BOOST_AUTO_TEST_SUITE_END()
