#include <boost/test/unit_test.hpp>

#include "io/MemoryHeadroom.h"
#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "support/Process.h"
#include "support/SmtpWire.h"

#include <chrono>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

using namespace mailrig::fake;
using mailrig::fake::detail::memoryHeadroom;
using mailrig::test::SmtpWire;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

/// This process's mapped size (VmSize) in bytes.
std::size_t mappedBytes() {
    unsigned long long pages = 0;
    std::FILE* statm = std::fopen("/proc/self/statm", "r");
    BOOST_REQUIRE(statm);
    BOOST_REQUIRE(std::fscanf(statm, "%llu", &pages) == 1);
    std::fclose(statm);
    return static_cast<std::size_t>(pages * static_cast<unsigned long long>(::sysconf(_SC_PAGESIZE)));
}

/// Limits this process's address space to what it maps now plus `room` while in scope.
class AddressSpaceLimit {
public:
    explicit AddressSpaceLimit(std::size_t room) {
        BOOST_REQUIRE(::getrlimit(RLIMIT_AS, &_saved) == 0);
        rlimit limited = _saved;
        limited.rlim_cur = mappedBytes() + room;
        BOOST_REQUIRE(::setrlimit(RLIMIT_AS, &limited) == 0);
    }
    ~AddressSpaceLimit() { ::setrlimit(RLIMIT_AS, &_saved); }
    AddressSpaceLimit(const AddressSpaceLimit&) = delete;
    AddressSpaceLimit& operator=(const AddressSpaceLimit&) = delete;

private:
    rlimit _saved{};
};

/// A started plain server without a message size limit.
std::unique_ptr<FakeSmtpServer> unlimitedServer() {
    ServerConfig config = ServerConfig::plain();
    config.limits.messageSize = 0;
    auto server = std::make_unique<FakeSmtpServer>(config);
    server->start();
    return server;
}

/// An address-space limit cannot be combined with the sanitizers' shadow memory.
bool sanitized() {
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

const std::string kFullReply = "4.3.1 Insufficient system storage: the message does not fit in memory; closing the connection";

} // namespace

BOOST_AUTO_TEST_SUITE(MemoryHeadroomTest)

BOOST_AUTO_TEST_CASE(theHeadroomIsKnownAndAnAddressSpaceLimitBoundsIt) {
    const auto free = memoryHeadroom();
    BOOST_TEST(free.bytes > 0u);
    BOOST_TEST(!free.limitedBy.empty()); // /proc/meminfo at least
    if (sanitized()) return;
    AddressSpaceLimit limit(256 * kMiB);
    const auto limited = memoryHeadroom();
    BOOST_TEST(limited.bytes <= 256 * kMiB);
    if (limited.bytes > 128 * kMiB) BOOST_TEST(limited.limitedBy == "the address-space limit");
}

/// A server without a size limit, in a process that may map only 512 MiB more.
struct LimitedServer {
    std::unique_ptr<FakeSmtpServer> server = unlimitedServer();
    AddressSpaceLimit limit{512 * kMiB};
};

BOOST_AUTO_TEST_CASE(aControlGroupsInactivePageCacheCountsAsRoom) {
    // A container that wrote files shows memory.current near memory.max: most of it is page
    // cache the kernel would reclaim, and must not make the server refuse messages.
    mailrig::test::TempDir group;
    mailrig::test::writeFile(group.file("memory.max"), "1000000000\n");
    mailrig::test::writeFile(group.file("memory.current"), "990000000\n");
    mailrig::test::writeFile(group.file("memory.stat"), "anon 90000000\nfile 900000000\ninactive_file 800000000\n");
    BOOST_TEST(mailrig::fake::detail::controlGroupRoomIn(group.path()) == 810000000LL);
    mailrig::test::writeFile(group.file("memory.max"), "max\n");
    BOOST_TEST(mailrig::fake::detail::controlGroupRoomIn(group.path()) == -1LL); // no limit
    BOOST_TEST(mailrig::fake::detail::controlGroupRoomIn(group.file("missing")) == -1LL);
}

BOOST_AUTO_TEST_CASE(withoutASizeLimitDataBeyondMemoryIsAnswered452AndClosedAndTheServerGoesOn) {
    if (sanitized()) return;
    LimitedServer limited;
    FakeSmtpServer& server = *limited.server;
    {
        SmtpWire wire(server.port());
        wire.hello();
        wire.startData("a@b.c", {"x@d.e"});
        wire.sendEndlessData(std::size_t{1} << 30);
        const auto r = wire.reply();
        BOOST_TEST(r.code == 452);
        BOOST_TEST(r.text() == kFullReply);
        BOOST_TEST(wire.closedWithin(5s));
    }
    BOOST_TEST(server.store().count() == 0u);
    const auto sessions = server.store().sessions();
    BOOST_REQUIRE(sessions.size() == 1u);
    const std::string transcript = sessions[0].transcriptText();
    BOOST_TEST(transcript.find("more than this server can hold") != std::string::npos, transcript);
    // The memory is given back: the next message, under the same limit, is captured.
    SmtpWire next(server.port());
    next.hello();
    BOOST_TEST(next.sendMail("a@b.c", {"x@d.e"}, "Subject: small\r\n\r\nok\r\n").code == 250);
    BOOST_TEST(server.store().waitForCount(1, 5s));
}

BOOST_AUTO_TEST_CASE(messagesThatWouldFillMemoryAreAnswered452AndTheSessionGoesOn) {
    if (sanitized()) return;
    LimitedServer limited;
    FakeSmtpServer& server = *limited.server;
    SmtpWire wire(server.port());
    wire.hello();
    std::string content;
    while (content.size() < kMiB) content += std::string(98, 'k') + "\r\n";
    std::size_t accepted = 0;
    mailrig::test::WireReply refused;
    for (int i = 0; i < 1000 && refused.code == 0; ++i) { // 512 fit at most
        const auto r = wire.sendMail("a@b.c", {"x@d.e"}, content);
        if (r.code == 250) ++accepted;
        else refused = r;
    }
    BOOST_TEST(refused.code == 452);
    BOOST_TEST(refused.text() == "4.3.1 Insufficient system storage: the server's memory is full");
    BOOST_TEST(accepted >= 100u);
    BOOST_TEST(server.store().count() == accepted); // every 250 is kept, nothing else
    BOOST_TEST(wire.command("NOOP").code == 250);
    const auto sessions = server.store().sessions();
    BOOST_REQUIRE(sessions.size() == 1u);
    const std::string transcript = sessions[0].transcriptText();
    BOOST_TEST(transcript.find("not kept: the address-space limit leaves") != std::string::npos, transcript);
}

BOOST_AUTO_TEST_CASE(withoutASizeLimitAChunkBeyondMemoryIsAnswered452AndClosedUnread) {
    auto started = unlimitedServer();
    FakeSmtpServer& server = *started;
    SmtpWire wire(server.port());
    wire.hello();
    BOOST_TEST(wire.command("MAIL FROM:<a@b.c>").code == 250);
    BOOST_TEST(wire.command("RCPT TO:<x@d.e>").code == 250);
    const auto r = wire.command("BDAT 9999999999999999999 LAST");
    BOOST_TEST(r.code == 452);
    BOOST_TEST(r.text() == kFullReply);
    BOOST_TEST(wire.closedWithin(5s));
    BOOST_TEST(server.store().count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
