// A spooling server over real sessions: each message's JSON holds its own part of the
// transcript (so a long session writes linear, not quadratic, bytes), and a store that keeps
// no messages still spools every one.
#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "support/Process.h"
#include "support/SmtpWire.h"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <thread>

using namespace mailrig::fake;
using namespace mailrig::test;
using namespace std::chrono_literals;

namespace {

std::string numbered(int n) {
    char name[16];
    std::snprintf(name, sizeof name, "%06d", n);
    return name;
}

/// Sends `count` small messages over one session (sender from `senderOf(n)`), says QUIT, and
/// waits until the store has accepted them all.
void sendOverOneSession(FakeSmtpServer& server, int count, const std::function<std::string(int)>& senderOf) {
    SmtpWire wire(server.port());
    wire.hello();
    for (int n = 1; n <= count; ++n)
        BOOST_TEST_REQUIRE(wire.sendMail(senderOf(n), {"to@example.org"}, "Subject: m\r\n\r\nhi\r\n").code == 250);
    BOOST_TEST(wire.command("QUIT").code == 221);
    BOOST_REQUIRE(server.store().waitForCount(static_cast<std::size_t>(count), 5s));
}

/// A started plain server spooling into a fresh directory.
struct SpoolingServer {
    TempDir dir;
    FakeSmtpServer server{withSpool(dir.path())};
    SpoolingServer() { server.start(); }
    static ServerConfig withSpool(const std::string& directory) {
        ServerConfig config = ServerConfig::plain();
        config.spoolDirectory = directory;
        return config;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(SpoolSessionTest)

BOOST_AUTO_TEST_CASE(eachJsonHoldsOnlyItsOwnPartOfTheSessionTranscript) {
    SpoolingServer spooling;
    TempDir& dir = spooling.dir;
    FakeSmtpServer& server = spooling.server;
    sendOverOneSession(server, 4, [](int n) { return "m" + std::to_string(n) + "@example.org"; });

    // Python reads every part, checks each names only its own sender, and prints the parts
    // joined in order; that must be the session's transcript up to the last end of data.
    auto result = runPython(
        "import json,sys\n"
        "joined=[]\n"
        "for n,path in enumerate(sys.argv[1:],1):\n"
        "    s=json.load(open(path,encoding='utf-8'))['session']\n"
        "    assert s['transcriptFromLine']==len(joined), (n, s['transcriptFromLine'], len(joined))\n"
        "    text=[t['direction']+': '+t['text'] for t in s['transcript']]\n"
        "    senders=[t for t in text if t.startswith('C: MAIL FROM')]\n"
        "    assert senders==['C: MAIL FROM:<m%d@example.org>' % n], (n, senders)\n"
        "    assert s['heloName']=='client.test' and s['peer'].startswith('127.0.0.1:'), s\n"
        "    joined+=text\n"
        "print('\\n'.join(joined))\n",
        {dir.file("000001.json"), dir.file("000002.json"), dir.file("000003.json"), dir.file("000004.json")}, {}, 30s);
    BOOST_TEST_REQUIRE(result.exitCode == 0, result.err);

    const SessionInfo session = server.store().sessions().at(0);
    std::string expected;
    std::size_t dataLines = 0;
    for (const TranscriptLine& line : session.transcript) {
        expected += line.toString() + "\n";
        if (line.text.rfind("<message data:", 0) == 0 && ++dataLines == 4) break;
    }
    BOOST_TEST(result.out == expected);
    // The full transcript is still what the store reports for the session.
    BOOST_TEST(server.store().last().session().transcript.size() == session.transcript.size());
    BOOST_TEST(server.store().last().transcriptFrom() > 0u);
}

BOOST_AUTO_TEST_CASE(jsonSizeDoesNotGrowWithTheNumberOfEarlierMessages) {
    SpoolingServer spooling;
    TempDir& dir = spooling.dir;
    sendOverOneSession(spooling.server, 60, [](int) { return std::string("same@example.org"); });
    const auto second = std::filesystem::file_size(dir.file(numbered(2) + ".json"));
    const auto sixtieth = std::filesystem::file_size(dir.file(numbered(60) + ".json"));
    // Only sequence numbers, times and the line index differ in length.
    BOOST_TEST(sixtieth < second + 64, "000002.json " << second << " bytes, 000060.json " << sixtieth);
}

BOOST_AUTO_TEST_CASE(storeWithoutRetentionSpoolsEveryMessageAndHoldsNone) {
    TempDir dir;
    ServerConfig config = ServerConfig::plain();
    config.spoolDirectory = dir.path();
    FakeSmtpServer server(config);
    server.store().setRetention(Retention::KeepNone);
    BOOST_TEST((server.store().retention() == Retention::KeepNone));
    std::atomic<int> seen{0};
    server.store().addCaptureCallback([&](const CapturedMessage& message) {
        if (message.data().size() > 1000000) ++seen;
    });
    server.start();
    std::string body = "Subject: big\r\n\r\n";
    while (body.size() < 1024 * 1024) body += std::string(998, 'y') + "\r\n";
    SmtpWire wire(server.port());
    wire.hello();
    for (int n = 1; n <= 50; ++n)
        BOOST_TEST_REQUIRE(wire.sendMail("a@example.org", {"b@example.org"}, body).code == 250);
    BOOST_TEST(server.store().sessions().size() == 1u); // open sessions are listed
    BOOST_TEST(wire.command("QUIT").code == 221);
    BOOST_TEST(wire.closedWithin(5s));
    for (int i = 0; i < 250 && server.activeConnections() > 0; ++i) std::this_thread::sleep_for(20ms);

    BOOST_TEST(seen.load() == 50);
    BOOST_TEST(server.store().accepted() == 50u);
    BOOST_TEST(server.store().count() == 0u);
    BOOST_TEST(server.store().messages().empty());
    BOOST_CHECK_THROW(server.store().last(), std::out_of_range);
    BOOST_TEST(server.store().sessions().empty()); // and forgotten once closed: no history grows
    for (int n = 1; n <= 50; ++n) {
        BOOST_TEST(std::filesystem::file_size(dir.file(numbered(n) + ".eml")) == body.size(), n);
        BOOST_TEST(std::filesystem::exists(dir.file(numbered(n) + ".json")), n);
    }
}

BOOST_AUTO_TEST_CASE(keepAllIsTheDefaultAndCountsAcceptedMessages) {
    FakeSmtpServer server(ServerConfig::plain());
    BOOST_TEST((server.store().retention() == Retention::KeepAll));
    server.start();
    SmtpWire wire(server.port());
    wire.hello();
    BOOST_TEST(wire.sendMail("a@example.org", {"b@example.org"}, "Subject: x\r\n\r\nx\r\n").code == 250);
    BOOST_REQUIRE(server.store().waitForCount(1, 5s));
    BOOST_TEST(server.store().accepted() == 1u);
    server.store().clear();
    BOOST_TEST(server.store().count() == 0u);
    BOOST_TEST(server.store().accepted() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
