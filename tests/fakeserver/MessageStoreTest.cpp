#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/BoostFixture.h"
#include "mailrig/fakeserver/MessageStore.h"
#include "support/SmtpWire.h"

#include <chrono>
#include <stdexcept>
#include <thread>

using namespace mailrig::fake;
using mailrig::test::SmtpWire;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(MessageStoreSuite)

BOOST_AUTO_TEST_CASE(waitsReturnFalseOnTimeoutAndTrueWhenSatisfied) {
    MessageStore store;
    auto t0 = std::chrono::steady_clock::now();
    BOOST_TEST(!store.waitForCount(1, 100ms));
    BOOST_CHECK(std::chrono::steady_clock::now() - t0 >= 90ms);
    std::thread adder([&] {
        std::this_thread::sleep_for(50ms);
        store.add(CapturedMessage(EnvelopeAddress{"a@b.c", {}}, {EnvelopeAddress{"x@y.z", {}}}, "Subject: w\r\n\r\n", {}, false, nullptr));
    });
    BOOST_TEST(store.waitForMessage([](const CapturedMessage& m) { return m.recipientAddresses().front() == "x@y.z"; }, 5s));
    adder.join();
    BOOST_TEST(!store.waitForMessage([](const CapturedMessage& m) { return m.mailFrom().address == "nobody"; }, 50ms));
    BOOST_TEST(store.last().sequence() == 1u);
    store.clear();
    BOOST_TEST(store.count() == 0u);
    BOOST_CHECK_THROW(store.last(), std::out_of_range);
    store.add(CapturedMessage());
    BOOST_TEST(store.last().sequence() == 2u); // numbering continues after clear()
}

BOOST_FIXTURE_TEST_CASE(callbackSeesTheMessageBeforeThe250, ServerFixture) {
    std::atomic<bool> seenInStore{false};
    server.store().addCaptureCallback([&](const CapturedMessage& m) {
        seenInStore = server.store().count() == 1 && m.sequence() == 1;
    });
    SmtpWire wire(server.port());
    wire.hello();
    BOOST_TEST(wire.sendMail("a@b.c", {"x@d.e"}, "Subject: cb\r\n\r\nx\r\n").code == 250);
    BOOST_TEST(seenInStore.load());
}

BOOST_FIXTURE_TEST_CASE(failingCallbackMeans451AndNoMessage, ServerFixture) {
    int id = server.store().addCaptureCallback([](const CapturedMessage&) { throw std::runtime_error("disk full"); });
    SmtpWire wire(server.port());
    wire.hello();
    auto r = wire.sendMail("a@b.c", {"x@d.e"}, "Subject: cb\r\n\r\nx\r\n");
    BOOST_TEST(r.code == 451);
    BOOST_TEST(server.store().count() == 0u);
    server.store().removeCaptureCallback(id);
    BOOST_TEST(wire.sendMail("a@b.c", {"x@d.e"}, "Subject: cb\r\n\r\nx\r\n").code == 250);
    BOOST_TEST(server.store().count() == 1u);
    BOOST_TEST(server.store().sessions().front().transcriptText().find("disk full") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(viewParsesTheCapturedBytesLazily, ServerFixture) {
    SmtpWire wire(server.port());
    wire.hello();
    BOOST_TEST(wire.sendMail("a@b.c", {"x@d.e"}, "From: a@b.c\r\nSubject: lazy\r\n\r\nbody\r\n").code == 250);
    CapturedMessage m = server.store().last();
    const MessageView& first = m.view();
    BOOST_TEST(&first == &server.store().last().view()); // built once, shared by copies
}

BOOST_FIXTURE_TEST_CASE(sessionsAreListedEvenWithoutMessages, ServerFixture) {
    {
        SmtpWire wire(server.port());
        wire.hello("quiet.example");
        wire.command("QUIT");
        BOOST_TEST(wire.closedWithin(5s));
    }
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server.store().sessions().front().closed && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    SessionInfo s = server.store().sessions().front();
    BOOST_TEST(s.heloName == "quiet.example");
    BOOST_TEST(s.closed);
    BOOST_TEST(s.peer.rfind("127.0.0.1:", 0) == 0u);
    BOOST_TEST(s.transcript.front().direction == 'S');
    BOOST_TEST(s.transcript.front().text.rfind("220 ", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
