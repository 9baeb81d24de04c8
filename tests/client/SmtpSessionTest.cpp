#include <boost/test/unit_test.hpp>

#include "mailrig/client/SmtpClient.h"
#include "smtp/SmtpSession.h"
#include "support/BackgroundProcess.h"

#include <string>
#include <vector>

using namespace mailrig;
using mailrig::detail::usesImplicitTls;

namespace {

/// A strict one-connection SMTP peer offering PIPELINING. After each message's terminating dot
/// it withholds the reply until the client's next command arrives (or 0.3 s pass), printing
/// `overlap N <command>` or `waited N`, then answers the dot with the N-th reply given on its
/// command line. Prints `PORT p` first and `end <last command>` last.
const char* kWithholdingPeer = R"PY(
import socket, sys
replies = sys.argv[1:]
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
srv.settimeout(10)
print('PORT', srv.getsockname()[1], flush=True)
c, _ = srv.accept()
buf = b''
def line(timeout):
    global buf
    c.settimeout(timeout)
    while b'\r\n' not in buf:
        chunk = c.recv(65536)
        if not chunk: raise EOFError('client closed')
        buf += chunk
    l, _, buf = buf.partition(b'\r\n')
    return l.decode()
c.sendall(b'220 peer ESMTP\r\n')
assert line(5).startswith('EHLO')
c.sendall(b'250-peer\r\n250 PIPELINING\r\n')
l = line(5)
for i, reply in enumerate(replies):
    assert l.startswith('MAIL FROM:'), l
    assert line(5).startswith('RCPT TO:')
    assert line(5) == 'DATA'
    c.sendall(b'250 sender ok\r\n250 recipient ok\r\n354 go ahead\r\n')
    while line(5) != '.': pass
    try:
        l = line(0.3)
        print('overlap', i, l.split(':')[0], flush=True)
    except socket.timeout:
        l = None
        print('waited', i, flush=True)
    c.sendall(reply.encode() + b'\r\n')
    if l is None: l = line(5)
if l == 'QUIT': c.sendall(b'221 bye\r\n')
print('end', l, flush=True)
)PY";

MailMessageCollection threeMessages() {
    MailMessageCollection messages;
    for (int i = 0; i < 3; ++i) {
        MailMessage m;
        m.setFrom(MailAddress("sender@example.org"));
        m.addTo(MailAddress("rcpt@example.org"));
        m.setSubject("message " + std::to_string(i));
        m.setTextBody(".leading dot\r\nbody\r\n");
        messages.push_back(m);
    }
    return messages;
}

std::vector<std::string> peerLines(test::BackgroundProcess& peer) {
    std::vector<std::string> lines;
    while (auto line = peer.readLine(std::chrono::seconds(10))) lines.push_back(*line);
    return lines;
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpSessionTest)

BOOST_AUTO_TEST_CASE(autoSpeaksTlsFromTheFirstByteOnlyOnPort465) {
    BOOST_TEST(usesImplicitTls(SecurityOptions::Auto, 465));
    BOOST_TEST(!usesImplicitTls(SecurityOptions::Auto, 587));
    BOOST_TEST(!usesImplicitTls(SecurityOptions::Auto, 25));
}

BOOST_AUTO_TEST_CASE(explicitChoicesIgnoreThePort) {
    BOOST_TEST(usesImplicitTls(SecurityOptions::SslImplicit, 2465));
    BOOST_TEST(!usesImplicitTls(SecurityOptions::SslExplicit, 465));
    BOOST_TEST(!usesImplicitTls(SecurityOptions::None, 465));
}

BOOST_AUTO_TEST_CASE(bulkEndOfDataGoesOutWithTheNextEnvelopeAndEachReplyFindsItsMessage) {
    test::BackgroundProcess peer({"/usr/bin/python3", "-c", kWithholdingPeer,
                                  "554 5.6.0 first refused", "250 2.0.0 second queued",
                                  "250 2.0.0 third queued"});
    const auto portLine = peer.readLine(std::chrono::seconds(10));
    BOOST_REQUIRE(portLine && portLine->rfind("PORT ", 0) == 0);
    SmtpClient client("127.0.0.1", static_cast<std::uint16_t>(std::stoi(portLine->substr(5))), {}, {},
                      SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(10));
    const SendReport report = client.send(threeMessages());
    // The client sent each next envelope without waiting for the reply to the dot before it;
    // only the last dot had nothing to travel with.
    const std::vector<std::string> expected{"overlap 0 MAIL FROM", "overlap 1 MAIL FROM", "waited 2",
                                            "end QUIT"};
    const std::vector<std::string> seen = peerLines(peer);
    BOOST_TEST(seen == expected, boost::test_tools::per_element());
    BOOST_REQUIRE(report.messages.size() == 3u);
    BOOST_TEST((report.messages[0].status == MessageStatus::Failed));
    BOOST_TEST(report.messages[0].dataReplyCode == 554);
    BOOST_TEST(report.messages[0].error.find("first refused") != std::string::npos, report.messages[0].error);
    BOOST_TEST((report.messages[0].recipients.at(0).status == RecipientStatus::Rejected));
    BOOST_TEST((report.messages[1].status == MessageStatus::Succeeded));
    BOOST_TEST(report.messages[1].dataReplyText.find("second queued") != std::string::npos);
    BOOST_TEST((report.messages[2].status == MessageStatus::Succeeded));
    BOOST_TEST(report.messages[2].dataReplyText.find("third queued") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(withStopOnFirstFailureEachDotIsAnsweredBeforeTheNextEnvelope) {
    test::BackgroundProcess peer({"/usr/bin/python3", "-c", kWithholdingPeer, "250 2.0.0 one",
                                  "250 2.0.0 two", "250 2.0.0 three"});
    const auto portLine = peer.readLine(std::chrono::seconds(10));
    BOOST_REQUIRE(portLine && portLine->rfind("PORT ", 0) == 0);
    SmtpClient client("127.0.0.1", static_cast<std::uint16_t>(std::stoi(portLine->substr(5))), {}, {},
                      SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(10));
    client.setStopOnFirstFailure(true);
    const SendReport report = client.send(threeMessages());
    BOOST_TEST(report.succeededCount() == 3u);
    const std::vector<std::string> expected{"waited 0", "waited 1", "waited 2", "end QUIT"};
    const std::vector<std::string> seen = peerLines(peer);
    BOOST_TEST(seen == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
