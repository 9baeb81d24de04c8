// Timeouts bound whole operations: a reply trickled byte by byte and a TLS handshake with a
// silent peer each fail within about one timeout, and a write to a peer that stopped reading
// within a few; each is named as a timeout of the step that hung.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/SmtpClient.h"
#include "support/BackgroundProcess.h"

#include <chrono>
#include <string>

using namespace mailrig;
using Clock = std::chrono::steady_clock;

namespace {

/// One-connection peers, chosen by argv[1]; each prints `PORT p` first.
/// - trickle: sends `220-x` lines one byte every 0.2 s, forever.
/// - silent: accepts and never sends (a TLS client waits for the handshake).
/// - starttls-silent: speaks SMTP up to `220` to STARTTLS, then goes silent.
/// - stops-reading: speaks SMTP up to `354` to DATA, then never reads again.
/// - slow-dot: takes the whole message, then answers its end after 3 s; prints `DOT` when the
///   end of data arrives (a retry would print it twice).
const char* kSlowPeer = R"PY(
import socket, sys, time
mode = sys.argv[1]
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print('PORT', srv.getsockname()[1], flush=True)
c, _ = srv.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
def lines():
    buf = b''
    while True:
        while b'\r\n' not in buf:
            chunk = c.recv(65536)
            if not chunk: return
            buf += chunk
        l, _, buf = buf.partition(b'\r\n')
        yield l.decode()
if mode == 'trickle':
    while True:
        for b in b'220-x\r\n':
            c.send(bytes([b])); time.sleep(0.2)
if mode == 'silent':
    time.sleep(60)
c.sendall(b'220 peer ESMTP\r\n')
for l in lines():
    if l.startswith('EHLO'):
        c.sendall(b'250-peer\r\n250 STARTTLS\r\n' if mode == 'starttls-silent' else b'250 peer\r\n')
    elif l == 'STARTTLS':
        c.sendall(b'220 go ahead\r\n'); time.sleep(60)
    elif l == 'DATA' and mode == 'slow-dot':
        c.sendall(b'354 go ahead\r\n')
        for d in lines():
            if d == '.': break
        print('DOT', flush=True); time.sleep(3); c.sendall(b'250 queued\r\n')
        srv.settimeout(3)
        try:
            c, _ = srv.accept()
            print('RECONNECTED', flush=True)
        except OSError:
            pass
        sys.exit(0)
    elif l == 'DATA':
        c.sendall(b'354 go ahead\r\n'); time.sleep(60)
    else:
        c.sendall(b'250 ok\r\n')
)PY";

/// Runs a send against the peer in `mode` with a one-second timeout; returns the error and how
/// long it took.
std::pair<SmtpConnectionException, Clock::duration> failureAgainst(const std::string& mode, SecurityOptions security,
                                                                   const std::string& body = "hi") {
    test::BackgroundProcess peer({"/usr/bin/python3", "-c", kSlowPeer, mode});
    const auto portLine = peer.readLine(std::chrono::seconds(10));
    BOOST_REQUIRE(portLine && portLine->rfind("PORT ", 0) == 0);
    SmtpClient client("127.0.0.1", static_cast<std::uint16_t>(std::stoi(portLine->substr(5))), {}, {}, security);
    client.setTimeout(std::chrono::seconds(1));
    client.setGreetingTimeout(std::chrono::seconds(1));
    MailMessage message;
    message.setFrom(MailAddress("a@example.org"));
    message.addTo(MailAddress("b@example.org"));
    message.setSubject("s");
    message.setTextBody(body);
    const auto started = Clock::now();
    try {
        client.send(message);
    } catch (const SmtpConnectionException& e) {
        return {e, Clock::now() - started};
    } catch (const std::exception& e) {
        BOOST_FAIL("wrong exception: " << e.what());
    }
    BOOST_FAIL("no exception");
    throw std::logic_error("unreachable");
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpTimeoutTest)

BOOST_AUTO_TEST_CASE(aReplyTrickledByteByByteTimesOutAfterOneTimeout) {
    const auto [e, took] = failureAgainst("trickle", SecurityOptions::None);
    BOOST_TEST(e.timedOut());
    BOOST_TEST(std::string(e.what()).find("timed out after 1 s") != std::string::npos, e.what());
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 2500);
}

BOOST_AUTO_TEST_CASE(aSilentPeerTimesOutTheImplicitTlsHandshakeOnce) {
    const auto [e, took] = failureAgainst("silent", SecurityOptions::SslImplicit);
    BOOST_TEST(e.timedOut());
    BOOST_TEST(std::string(e.what()).find("TLS handshake with 127.0.0.1:") == 0u, e.what());
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 2500);
}

BOOST_AUTO_TEST_CASE(aPeerSilentAfterStarttlsTimesOutTheHandshakeOnce) {
    const auto [e, took] = failureAgainst("starttls-silent", SecurityOptions::SslExplicit);
    BOOST_TEST(e.timedOut());
    BOOST_TEST(std::string(e.what()).find("TLS handshake with 127.0.0.1:") == 0u, e.what());
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 2500);
}

BOOST_AUTO_TEST_CASE(aPeerThatStopsReadingTimesOutTheWriteAsATimeout) {
    const auto [e, took] = failureAgainst("stops-reading", SecurityOptions::None, std::string(8 << 20, 'x'));
    BOOST_TEST(e.timedOut());
    BOOST_TEST(std::string(e.what()).find("writing to 127.0.0.1:") == 0u, e.what());
    BOOST_TEST(std::string(e.what()).find("timed out after 1 s") != std::string::npos, e.what());
    // Each block written gets the timeout; the last ones fill what the kernel still buffers.
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 6000);
}

BOOST_AUTO_TEST_CASE(noReplyInTimeToTheEndOfDataIsNotRetriedSoTheMessageIsNeverSentTwice) {
    // RFC 5321 4.5.3.2.6: the server may already have taken the message.
    test::BackgroundProcess peer({"/usr/bin/python3", "-c", kSlowPeer, "slow-dot"});
    const auto portLine = peer.readLine(std::chrono::seconds(10));
    BOOST_REQUIRE(portLine && portLine->rfind("PORT ", 0) == 0);
    SmtpClient client("127.0.0.1", static_cast<std::uint16_t>(std::stoi(portLine->substr(5))), {}, {},
                      SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(1));
    client.setRetryPolicy(RetryPolicy::attempts(3, std::chrono::milliseconds(10)));
    MailMessage message;
    message.setFrom(MailAddress("a@example.org"));
    message.addTo(MailAddress("b@example.org"));
    message.setTextBody("hi");
    try {
        client.send(message);
        BOOST_FAIL("no exception");
    } catch (const SmtpConnectionException& e) {
        BOOST_TEST(e.timedOut());
        BOOST_TEST(!e.isTransient());
        BOOST_TEST(std::string(e.what()).find("so it is not sent again") != std::string::npos, e.what());
    }
    BOOST_TEST(peer.readLine(std::chrono::seconds(5)).value_or("") == "DOT");
    BOOST_TEST(!peer.readLine(std::chrono::seconds(5)).has_value()); // no second connection
}

BOOST_AUTO_TEST_SUITE_END()
