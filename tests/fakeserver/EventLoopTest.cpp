// The server's threading: plain sessions share the event-loop threads (`ServerConfig::eventLoops`),
// which must never wait for any one peer; sessions that must wait mid-command move to a thread of
// their own and carry on.
#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/BoostFixture.h"
#include "support/BackgroundProcess.h"
#include "support/Process.h"
#include "support/SmtpWire.h"

#include <Poco/Base64Encoder.h>

#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <time.h>

using namespace mailrig::fake;
using mailrig::test::BackgroundProcess;
using mailrig::test::SmtpWire;
using mailrig::test::TempDir;
using namespace std::chrono_literals;

namespace {
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

/// Sends one whole message on a fresh connection and says QUIT; returns the final reply code.
int sendOne(std::uint16_t port, const std::string& from, const std::string& data) {
    SmtpWire wire(port, 5s);
    wire.hello();
    int code = wire.sendMail(from, {"rcpt@example.test"}, data).code;
    wire.command("QUIT");
    return code;
}

std::string base64(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

/// A raw non-blocking client socket, for a peer that writes without ever reading.
int connectNonBlocking(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address); // EINPROGRESS on loopback is fine
    return fd;
}

ServerConfig withThreading(Threading threading) {
    ServerConfig config = ServerConfig::plain();
    config.threading = threading;
    return config;
}

std::optional<SessionInfo> sessionSaying(const FakeSmtpServer& server, const std::string& text) {
    for (SessionInfo& s : server.store().sessions())
        if (s.transcriptText().find(text) != std::string::npos) return std::move(s);
    return std::nullopt;
}
/// Starts a server with `config` whose capture callback holds the message from
/// slow@example.test until released. While it is held, `fast` messages on new connections must
/// each get their 250 promptly and the slow one must still wait; released, it gets its 250.
void checkABlockedCallbackHoldsUpOnlyItsOwnSession(const ServerConfig& config, int fast) {
    FakeSmtpServer server(config);
    std::mutex mutex;
    std::condition_variable released;
    bool release = false;
    std::atomic<bool> slowInside{false};
    server.store().addCaptureCallback([&](const CapturedMessage& message) {
        if (message.mailFrom().address != "slow@example.test") return;
        slowInside = true;
        std::unique_lock<std::mutex> lock(mutex);
        released.wait_for(lock, 10s, [&] { return release; });
    });
    server.start();
    std::atomic<int> slowCode{0};
    std::thread slow([&] { slowCode = sendOne(server.port(), "slow@example.test", "Subject: slow\r\n\r\nx\r\n"); });
    const auto inside = Clock::now() + 5s;
    while (!slowInside && Clock::now() < inside) std::this_thread::sleep_for(2ms);
    BOOST_TEST(slowInside.load()); // its thread is now held in the callback
    auto start = Clock::now();
    for (int n = 0; n < fast; ++n)
        BOOST_TEST(sendOne(server.port(), "fast@example.test", "Subject: fast\r\n\r\ny\r\n") == 250);
    BOOST_TEST(since(start).count() < 2000);
    BOOST_TEST(slowCode.load() == 0); // still waiting for its 250
    {
        std::lock_guard<std::mutex> lock(mutex);
        release = true;
    }
    released.notify_all();
    slow.join();
    BOOST_TEST(slowCode.load() == 250);
    BOOST_TEST(server.store().count() == static_cast<std::size_t>(fast) + 1);
}

/// Opens 20 idle sessions; `stop()` must end them all within a second, every record closed.
void checkStopEndsIdleSessionsPromptly(FakeSmtpServer& server) {
    std::vector<std::unique_ptr<SmtpWire>> idle;
    for (int i = 0; i < 20; ++i) {
        idle.push_back(std::make_unique<SmtpWire>(server.port()));
        idle.back()->hello();
    }
    BOOST_TEST(server.activeConnections() == 20u);
    auto start = Clock::now();
    server.stop();
    BOOST_TEST(since(start).count() < 1000);
    BOOST_TEST(server.activeConnections() == 0u);
    for (const SessionInfo& s : server.store().sessions()) BOOST_TEST(s.closed);
    for (auto& wire : idle) BOOST_TEST(wire->closedWithin(2s));
}
} // namespace

BOOST_AUTO_TEST_SUITE(EventLoop)

BOOST_FIXTURE_TEST_CASE(aPeerStalledMidCommandDoesNotDelayAnotherSession, ServerFixture) {
    SmtpWire stalled(server.port());
    stalled.hello();
    stalled.send("MAIL FROM:<stal"); // and nothing more for now
    auto start = Clock::now();
    BOOST_TEST(sendOne(server.port(), "quick@example.test", "Subject: quick\r\n\r\nbody\r\n") == 250);
    BOOST_TEST(since(start).count() < 2000);
    stalled.send("led@example.test>\r\n");
    BOOST_TEST(stalled.reply().code == 250);
}

BOOST_FIXTURE_TEST_CASE(aPeerStalledInsideMessageDataDoesNotDelayAnotherAndBothAreCapturedExactly, ServerFixture) {
    const std::string first = "Subject: first\r\n\r\nline one\r\n..dot line\r\n";
    const std::string second = "Subject: second\r\n\r\nother body\r\n";
    SmtpWire stalled(server.port());
    stalled.hello();
    stalled.startData("first@example.test", {"rcpt@example.test"});
    stalled.send(first.substr(0, 20));
    auto start = Clock::now();
    BOOST_TEST(sendOne(server.port(), "second@example.test", second) == 250);
    BOOST_TEST(since(start).count() < 2000);
    stalled.send(first.substr(20) + ".\r\n");
    BOOST_TEST(stalled.reply().code == 250);
    BOOST_REQUIRE(waitForMessages(2, 5s));
    auto messages = server.store().messages();
    BOOST_TEST(messages[0].data() == second);
    BOOST_TEST(messages[1].data() == "Subject: first\r\n\r\nline one\r\n.dot line\r\n");
}

struct ShortIdleServer : ServerFixture {
    static ServerConfig config() {
        ServerConfig c = ServerConfig::plain();
        c.limits.idleTimeout = 600ms;
        return c;
    }
    ShortIdleServer() : ServerFixture(config()) {}
};

BOOST_FIXTURE_TEST_CASE(aPeerThatNeverReadsItsRepliesIsClosedAfterTheIdleTimeoutWithoutHoldingUpOthers, ShortIdleServer) {
    int flooder = connectNonBlocking(server.port());
    // Commands without ever reading a reply: once the socket buffers both ways are full the
    // server has replies it cannot write.
    const std::string noops = [] {
        std::string s;
        for (int i = 0; i < 4096; ++i) s += "NOOP\r\n";
        return s;
    }();
    std::size_t written = 0;
    auto floodEnd = Clock::now() + 1500ms;
    while (Clock::now() < floodEnd) {
        ssize_t n = ::send(flooder, noops.data(), noops.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) written += static_cast<std::size_t>(n);
        else std::this_thread::sleep_for(5ms);
    }
    BOOST_TEST_MESSAGE("flooder wrote " << written << " bytes");
    BOOST_TEST(written > 1000000u); // far more replies than any socket buffer holds
    auto start = Clock::now();
    BOOST_TEST(sendOne(server.port(), "other@example.test", "Subject: other\r\n\r\nbody\r\n") == 250);
    BOOST_TEST(since(start).count() < 1000);
    auto deadline = Clock::now() + 5s;
    while (server.activeConnections() > 0 && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
    BOOST_TEST(server.activeConnections() == 0u);
    std::optional<SessionInfo> flood = sessionSaying(server, "peer stopped reading replies");
    BOOST_REQUIRE(flood.has_value());
    BOOST_TEST(flood->closed);
    ::close(flooder);
}

BOOST_FIXTURE_TEST_CASE(authPipelinedWithTheEnvelopeMovesToAThreadAndKeepsTheCommandsAfterIt, ServerFixture) {
    // AUTH waits for the peer mid-command, so the session leaves the loop; what was pipelined
    // behind it is already read and must still be answered, in order.
    server.stop();
    ServerConfig config = ServerConfig::withAuth("alice", "secret");
    config.allowInsecureAuth = true;
    FakeSmtpServer authServer(config);
    authServer.start();
    SmtpWire wire(authServer.port());
    wire.hello();
    wire.send("AUTH PLAIN " + base64(std::string("\0alice\0secret", 13)) +
              "\r\nMAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
    BOOST_TEST(wire.reply().code == 235);
    BOOST_TEST(wire.reply().code == 250);
    BOOST_TEST(wire.reply().code == 250);
    BOOST_TEST(wire.reply().code == 354);
    wire.send("Subject: after auth\r\n\r\nhi\r\n.\r\n");
    BOOST_TEST(wire.reply().code == 250);
    BOOST_REQUIRE(authServer.store().waitForCount(1, 5s));
    BOOST_TEST(authServer.store().last().session().authUser == "alice");
}

BOOST_FIXTURE_TEST_CASE(bdatPipelinedAfterTheEnvelopeMovesToAThreadAndCapturesTheChunk, ServerFixture) {
    SmtpWire wire(server.port());
    wire.hello();
    wire.send("MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 25 LAST\r\nSubject: chunk\r\n\r\nhello\r\n");
    BOOST_TEST(wire.reply().code == 250);
    BOOST_TEST(wire.reply().code == 250);
    BOOST_TEST(wire.reply().code == 250);
    BOOST_REQUIRE(waitForMessages(1, 5s));
    BOOST_TEST(server.store().last().data() == "Subject: chunk\r\n\r\nhello\r\n");
    BOOST_TEST(wire.command("QUIT").code == 221);
}

BOOST_AUTO_TEST_CASE(withThreadPerConnectionABlockedCaptureCallbackHoldsUpOnlyItsOwnConnection) {
    checkABlockedCallbackHoldsUpOnlyItsOwnSession(withThreading(Threading::ThreadPerConnection), 1);
}

BOOST_AUTO_TEST_CASE(aDelayingRuleDelaysOnlyItsOwnSession) {
    Rule delay;
    delay.on = Phase::Mail;
    delay.match = "slow@*";
    delay.action.delay = 1500ms;
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(delay);
    FakeSmtpServer server(config);
    server.start();
    SmtpWire slow(server.port());
    slow.hello();
    slow.send("MAIL FROM:<slow@example.test>\r\n");
    std::this_thread::sleep_for(100ms);
    auto start = Clock::now();
    BOOST_TEST(sendOne(server.port(), "fast@example.test", "Subject: fast\r\n\r\ny\r\n") == 250);
    BOOST_TEST(since(start).count() < 1000);
    BOOST_TEST(slow.reply().code == 250);
}

BOOST_FIXTURE_TEST_CASE(anIdleServerUsesNoCpuAfterABusyConversation, ServerFixture) {
    // The loop spins briefly while peers answer quickly; once they stop it must sleep.
    SmtpWire wire(server.port());
    wire.hello();
    for (int n = 0; n < 200; ++n)
        BOOST_REQUIRE(wire.sendMail("a@example.test", {"b@example.test"}, "Subject: n\r\n\r\nx\r\n").code == 250);
    std::this_thread::sleep_for(100ms);
    auto cpu = [] {
        timespec t{};
        ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
    };
    auto before = cpu();
    std::this_thread::sleep_for(500ms); // the session stays open, idle
    auto used = std::chrono::duration_cast<std::chrono::milliseconds>(cpu() - before);
    BOOST_TEST(used.count() < 50, "the process used " << used.count() << " ms of CPU in 500 ms of idling");
    BOOST_TEST(wire.command("QUIT").code == 221);
}

BOOST_FIXTURE_TEST_CASE(stopEndsIdleSessionsOnTheLoopPromptlyAndMarksThemClosed, ServerFixture) {
    checkStopEndsIdleSessionsPromptly(server);
}

BOOST_AUTO_TEST_CASE(withTwoEventLoopsACaptureCallbackBlockingOneLoopDoesNotHoldUpNewConnections) {
    ServerConfig config = ServerConfig::plain();
    config.eventLoops = 2;
    // While one loop is stuck in the callback, each new connection is served by the other.
    checkABlockedCallbackHoldsUpOnlyItsOwnSession(config, 3);
}

BOOST_AUTO_TEST_CASE(sessionsOpenedTogetherAreSpreadEvenlyOverTheEventLoops) {
    // Whichever loop accepts a connection, the one with the fewest sessions serves it: eight
    // sessions opened one after another end up four on each of two loops.
    ServerConfig config = ServerConfig::plain();
    config.eventLoops = 2;
    FakeSmtpServer server(config);
    std::mutex mutex;
    std::map<std::thread::id, int> messagesByThread;
    server.store().addCaptureCallback([&](const CapturedMessage&) {
        std::lock_guard<std::mutex> lock(mutex);
        ++messagesByThread[std::this_thread::get_id()];
    });
    server.start();
    std::vector<std::unique_ptr<SmtpWire>> wires;
    for (int i = 0; i < 8; ++i) {
        wires.push_back(std::make_unique<SmtpWire>(server.port()));
        wires.back()->hello();
    }
    for (auto& wire : wires)
        BOOST_TEST(wire->sendMail("a@example.test", {"b@example.test"}, "Subject: n\r\n\r\nx\r\n").code == 250);
    std::lock_guard<std::mutex> lock(mutex);
    BOOST_REQUIRE(messagesByThread.size() == 2u);
    for (const auto& [thread, messages] : messagesByThread) BOOST_TEST(messages == 4);
}

BOOST_AUTO_TEST_CASE(withOneEventLoopEveryPlainSessionIsServedByTheSameThread) {
    ServerConfig config = ServerConfig::plain();
    config.eventLoops = 1;
    FakeSmtpServer server(config);
    std::mutex mutex;
    std::set<std::thread::id> threads;
    server.store().addCaptureCallback([&](const CapturedMessage&) {
        std::lock_guard<std::mutex> lock(mutex);
        threads.insert(std::this_thread::get_id());
    });
    server.start();
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c)
        clients.emplace_back([&] {
            for (int n = 0; n < 5; ++n) sendOne(server.port(), "a@example.test", "Subject: n\r\n\r\nx\r\n");
        });
    for (std::thread& t : clients) t.join();
    BOOST_REQUIRE(server.store().waitForCount(20, 5s));
    BOOST_TEST(threads.size() == 1u);
    BOOST_TEST((threads.count(std::this_thread::get_id()) == 0u));
}

BOOST_AUTO_TEST_CASE(theAutomaticEventLoopCountIsOnePerHardwareThreadAtMostTwoAndAnExplicitOneIsKept) {
    ServerConfig config = ServerConfig::plain();
    const std::size_t hardware = std::max(1u, std::thread::hardware_concurrency());
    BOOST_TEST(config.eventLoops == 0u);
    BOOST_TEST(config.loopCount() == std::min<std::size_t>(hardware, ServerConfig::kAutomaticEventLoops));
    BOOST_TEST(ServerConfig::kAutomaticEventLoops == 2u);
    config.eventLoops = 5;
    BOOST_TEST(config.loopCount() == 5u);
    config.eventLoops = 64;
    BOOST_CHECK_NO_THROW(config.validate());
    config.eventLoops = 65;
    BOOST_CHECK_EXCEPTION(config.validate(), std::invalid_argument, [](const std::invalid_argument& e) {
        return std::string(e.what()).find("eventLoops") != std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(stopEndsIdleSessionsOnEveryEventLoopPromptly) {
    ServerConfig config = ServerConfig::plain();
    config.eventLoops = 4;
    FakeSmtpServer server(config);
    server.start();
    checkStopEndsIdleSessionsPromptly(server);
}

BOOST_AUTO_TEST_CASE(whenDescriptorsRunOutEveryEventLoopStopsAcceptingAndResumesOnceSomeAreFree) {
    // Six connections from another process while this one may open only two more descriptors:
    // the loops accept two, meet EMFILE, stop watching the listener (an EPOLLEXCLUSIVE
    // registration is removed and added again), and serve the rest as earlier ones close.
    ServerConfig config = ServerConfig::plain();
    config.eventLoops = 2;
    FakeSmtpServer server(config);
    server.start();
    TempDir dir;
    const std::string go = dir.file("go");
    BackgroundProcess client({"/usr/bin/python3", "-c", R"(
import os, socket, sys, time
port, go = int(sys.argv[1]), sys.argv[2]
print("ready", flush=True)
deadline = time.time() + 10
while not os.path.exists(go) and time.time() < deadline:
    time.sleep(0.01)
socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(6)]
def greeting(s, timeout):
    s.settimeout(timeout)
    try:
        return s.recv(1000).startswith(b"220")
    except socket.timeout:
        return False
first = [greeting(s, 5) for s in socks[:2]]
third = greeting(socks[2], 0.3)
greeted = 0
for n, s in enumerate(socks):
    if (first[n] if n < 2 else third if n == 2 else False) or greeting(s, 5):
        greeted += 1
    s.sendall(b"QUIT\r\n")
    s.settimeout(5)
    s.recv(1000)
    s.close()
print("first", first, "third waited", not third, "greeted", greeted, flush=True)
)", std::to_string(server.port()), go});
    auto ready = client.readLine(10s);
    BOOST_REQUIRE(ready && *ready == "ready");
    mailrig::test::writeFile(go + ".tmp", ""); // renamed into place below: that needs no descriptor
    // RLIMIT_NOFILE bounds descriptor numbers: the limit goes just above the second free one.
    std::set<int> used;
    if (DIR* fds = ::opendir("/proc/self/fd")) {
        while (dirent* entry = ::readdir(fds))
            if (entry->d_name[0] != '.') used.insert(std::atoi(entry->d_name));
        used.erase(::dirfd(fds));
        ::closedir(fds);
    }
    int limit = 0;
    for (int free = 0; free < 2; ++limit)
        if (!used.count(limit)) ++free;
    rlimit old{};
    ::getrlimit(RLIMIT_NOFILE, &old);
    rlimit low = old;
    low.rlim_cur = static_cast<rlim_t>(limit);
    BOOST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    BOOST_REQUIRE(std::rename((go + ".tmp").c_str(), go.c_str()) == 0);
    auto said = client.readLine(20s);
    ::setrlimit(RLIMIT_NOFILE, &old);
    BOOST_REQUIRE(said.has_value());
    BOOST_TEST(*said == "first [True, True] third waited True greeted 6");
}

BOOST_AUTO_TEST_SUITE_END()
