#include <boost/test/unit_test.hpp>

#include <thread>

#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/TestCertificates.h"
#include "support/Process.h"
#include "support/SmtpWire.h"

#include <chrono>
#include <memory>
#include <algorithm>
#include <functional>

using namespace mailrig::fake;
using mailrig::test::runPython;
using mailrig::test::SmtpWire;
using namespace std::chrono_literals;

namespace {

struct AuthServer {
    explicit AuthServer(bool insecureAuth = false, bool implicitTls = false) : server(config(insecureAuth, implicitTls)) {
        server.start();
    }
    static ServerConfig config(bool insecureAuth, bool implicitTls) {
        ServerConfig c = implicitTls ? ServerConfig::withImplicitTls() : ServerConfig::withStartTls();
        c.users["alice"] = "wonder land";
        c.users["bob@example.com"] = "ya29.token";
        c.allowInsecureAuth = insecureAuth;
        return c;
    }
    FakeSmtpServer server;
};

// Logs in with one SASL mechanism over STARTTLS (verifying the certificate against the test CA)
// and sends one message; prints the TLS version and the outcome.
const char* const kLogin = R"PY(
import smtplib, ssl, sys
port, cafile, mech, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context(cafile=cafile)
s = smtplib.SMTP('localhost', port, timeout=10)
s.starttls(context=ctx)
s.ehlo()
print(s.sock.version())
s.esmtp_features['auth'] = mech
try:
    s.login(user, password)
    s.sendmail('alice@example.com', ['x@example.com'], b'Subject: auth\r\n\r\nhi\r\n')
    print('sent')
except smtplib.SMTPAuthenticationError as e:
    print('auth failed %d' % e.smtp_code)
s.quit()
)PY";

} // namespace

BOOST_AUTO_TEST_SUITE(TlsAuth)

BOOST_AUTO_TEST_CASE(startTlsThenEachSaslMechanismAuthenticates) {
    AuthServer s;
    const std::string ca = TestCertificates::shared().caCertificatePath();
    for (const char* mech : {"PLAIN", "LOGIN", "CRAM-MD5"}) {
        auto r = runPython(kLogin, {std::to_string(s.server.port()), ca, mech, "alice", "wonder land"});
        BOOST_TEST_INFO(mech << ": " << r.err);
        BOOST_TEST(r.out.find("sent\n") != std::string::npos);
    }
    BOOST_REQUIRE(s.server.store().waitForCount(3, 5s));
    for (const CapturedMessage& m : s.server.store().messages()) {
        SessionInfo info = m.session();
        BOOST_TEST(info.tls);
        BOOST_TEST(info.tlsVersion.rfind("TLSv1.", 0) == 0u);
        BOOST_TEST(!info.tlsCipher.empty());
        BOOST_TEST(info.authUser == "alice");
        BOOST_TEST(info.transcriptText().find("wonder") == std::string::npos); // secrets masked
    }
    std::vector<std::string> mechanisms;
    for (const CapturedMessage& m : s.server.store().messages()) mechanisms.push_back(m.session().authMechanism);
    BOOST_TEST(mechanisms == (std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5"}));
}

BOOST_AUTO_TEST_CASE(wrongPasswordGets535) {
    AuthServer s;
    auto r = runPython(kLogin, {std::to_string(s.server.port()), TestCertificates::shared().caCertificatePath(), "PLAIN",
                                "alice", "wrong"});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out.find("auth failed 535") != std::string::npos);
    BOOST_TEST(s.server.store().sessions().front().authUser.empty());
}

BOOST_AUTO_TEST_CASE(xoauth2TokenAuthenticatesAndFailureFollowsTheProtocol) {
    AuthServer s(true);
    SmtpWire wire(s.server.port());
    auto ehlo = wire.hello();
    bool offered = false;
    for (const auto& line : ehlo.lines) offered = offered || line.find("AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2") != std::string::npos;
    BOOST_TEST(offered);
    // base64("user=bob@example.com\x01auth=Bearer wrong\x01\x01")
    auto bad = wire.command("AUTH XOAUTH2 dXNlcj1ib2JAZXhhbXBsZS5jb20BYXV0aD1CZWFyZXIgd3JvbmcBAQ==");
    BOOST_TEST(bad.code == 334);
    BOOST_TEST(wire.command("").code == 535);
    // base64("user=bob@example.com\x01auth=Bearer ya29.token\x01\x01")
    auto good = wire.command("AUTH XOAUTH2 dXNlcj1ib2JAZXhhbXBsZS5jb20BYXV0aD1CZWFyZXIgeWEyOS50b2tlbgEB");
    BOOST_TEST(good.code == 235);
    BOOST_TEST(wire.command("AUTH PLAIN AGFsaWNlAHdvbmRlciBsYW5k").code == 503); // already authenticated
    auto transcript = s.server.store().sessions().front().transcriptText();
    BOOST_TEST(transcript.find("C: AUTH XOAUTH2 ***") != std::string::npos);
    BOOST_TEST(transcript.find("dXNlcj") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(cancellingTheXoauth2ErrorChallengeGetsOneReply) {
    AuthServer s(true);
    SmtpWire wire(s.server.port());
    wire.hello();
    BOOST_TEST(wire.command("AUTH XOAUTH2 dXNlcj1ib2JAZXhhbXBsZS5jb20BYXV0aD1CZWFyZXIgd3JvbmcBAQ==").code == 334);
    BOOST_TEST(wire.command("*").code == 501); // RFC 4954 4: one reply, no 535 after it
    BOOST_TEST(wire.command("NOOP").code == 250);
}

BOOST_AUTO_TEST_CASE(anOverlongSaslLineEndsTheExchangeWhetherItArrivesWholeOrInPieces) {
    AuthServer s(true);
    SmtpWire wire(s.server.port());
    wire.hello();
    const std::string longLine(13000, 'A'); // over RFC 4954's 12,288 octets
    BOOST_TEST(wire.command("AUTH LOGIN").code == 334);
    auto r = wire.command(longLine);
    BOOST_TEST(r.code == 500);
    BOOST_TEST(r.text() == "5.5.6 Authentication Exchange line is too long");
    BOOST_TEST(wire.command("NOOP").code == 250); // a command again, not the user name
    BOOST_TEST(wire.command("AUTH LOGIN").code == 334);
    wire.send(longLine);
    std::this_thread::sleep_for(50ms);
    wire.send("\r\n");
    BOOST_TEST(wire.reply().code == 500);
    BOOST_TEST(wire.command("NOOP").code == 250);
}

BOOST_AUTO_TEST_CASE(authenticationAndExtensionsAreForgottenAfterStartTls) {
    // RFC 3207 4.2: after the handshake the client authenticates again, and may.
    ServerConfig config = AuthServer::config(true, false);
    config.requireAuth = true;
    FakeSmtpServer server(config);
    server.start();
    const char* script = R"PY(
import smtplib, ssl, sys
s = smtplib.SMTP('localhost', int(sys.argv[1]), timeout=10)
s.login('alice', 'wonder land')
s.starttls(context=ssl.create_default_context(cafile=sys.argv[2]))
print(s.docmd('BDAT', '0 LAST')[0])
s.ehlo()
print(s.docmd('MAIL', 'FROM:<alice@example.com>')[0])
print(s.docmd('AUTH', 'PLAIN AGFsaWNlAHdvbmRlciBsYW5k')[0])
print(s.docmd('MAIL', 'FROM:<alice@example.com>')[0])
s.quit()
)PY";
    const auto r = runPython(script, {std::to_string(server.port()), TestCertificates::shared().caCertificatePath()});
    BOOST_TEST(r.out == "502\n530\n235\n250\n", r.err); // nothing advertised before TLS counts after it
}

BOOST_AUTO_TEST_CASE(everySaslSecretIsMaskedInTheTranscript) {
    AuthServer s(true);
    SmtpWire wire(s.server.port());
    wire.hello();
    // PLAIN with an initial response: base64("\0alice\0wonder land")
    BOOST_TEST(wire.command("AUTH PLAIN AGFsaWNlAHdvbmRlciBsYW5k").code == 235);
    SmtpWire login(s.server.port());
    login.hello();
    BOOST_TEST(login.command("AUTH LOGIN").code == 334);
    BOOST_TEST(login.command("YWxpY2U=").code == 334);         // base64("alice")
    BOOST_TEST(login.command("d29uZGVyIGxhbmQ=").code == 235); // base64("wonder land")
    SmtpWire plain(s.server.port());
    plain.hello();
    BOOST_TEST(plain.command("AUTH PLAIN").code == 334);
    BOOST_TEST(plain.command("AGFsaWNlAHdyb25n").code == 535); // base64("\0alice\0wrong")
    SmtpWire cram(s.server.port());
    cram.hello();
    BOOST_TEST(cram.command("AUTH CRAM-MD5").code == 334);
    BOOST_TEST(cram.command("YWxpY2UgMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=").code == 535);
    for (auto* w : {&wire, &login, &plain, &cram}) w->command("QUIT");
    BOOST_REQUIRE(s.server.store().sessions().size() == 4u);
    std::string all;
    for (const auto& session : s.server.store().sessions()) all += session.transcriptText();
    BOOST_TEST_INFO(all);
    for (const char* secret : {"AGFsaWNl", "YWxpY2U", "d29uZGVy", "AGFsaWNlAHdyb25n", "YWxpY2UgMDEy"})
        BOOST_TEST(all.find(secret) == std::string::npos, secret);
    BOOST_TEST(all.find("C: AUTH PLAIN ***") != std::string::npos);
    BOOST_TEST(all.find("C: AUTH LOGIN\n") != std::string::npos);
    BOOST_TEST(all.find("C: ***") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(eachEhloCapabilitySwitchesOffAloneBeforeAndAfterTls) {
    // Python's smtplib reads the EHLO keywords of each server before and after STARTTLS.
    const char* const kFeatures = R"PY(
import smtplib, ssl, sys
for port in sys.argv[2:]:
    s = smtplib.SMTP('localhost', int(port), timeout=10)
    s.ehlo()
    print('plain:', ' '.join(sorted(k.upper() for k in s.esmtp_features)))
    if s.has_extn('starttls'):
        s.starttls(context=ssl.create_default_context(cafile=sys.argv[1]))
        s.ehlo()
        print('tls:', ' '.join(sorted(k.upper() for k in s.esmtp_features)))
    s.quit()
    print('--')
)PY";
    const std::vector<std::pair<std::function<void(Capabilities&)>, std::vector<std::string>>> cases = {
        {[](Capabilities&) {}, {}},
        {[](Capabilities& c) { c.pipelining = false; }, {"PIPELINING"}},
        {[](Capabilities& c) { c.size = false; }, {"SIZE"}},
        {[](Capabilities& c) { c.eightBitMime = false; }, {"8BITMIME"}},
        {[](Capabilities& c) { c.smtpUtf8 = false; }, {"SMTPUTF8"}},
        {[](Capabilities& c) { c.binaryMime = false; }, {"BINARYMIME"}},
        {[](Capabilities& c) { c.chunking = false; c.binaryMime = false; }, {"CHUNKING", "BINARYMIME"}},
        {[](Capabilities& c) { c.dsn = false; }, {"DSN"}},
        {[](Capabilities& c) { c.enhancedStatusCodes = false; }, {"ENHANCEDSTATUSCODES"}},
        {[](Capabilities& c) { c.authMechanisms.clear(); }, {"AUTH"}},
        {[](Capabilities& c) { c.requireTls = false; }, {"REQUIRETLS"}},
        {[](Capabilities& c) { c.help = false; }, {"HELP"}},
        {[](Capabilities& c) { c.startTls = false; }, {"STARTTLS"}},
    };
    std::vector<std::unique_ptr<FakeSmtpServer>> servers;
    std::vector<std::string> args{TestCertificates::shared().caCertificatePath()};
    for (const auto& [change, removed] : cases) {
        ServerConfig config = AuthServer::config(true, false);
        change(config.capabilities);
        servers.push_back(std::make_unique<FakeSmtpServer>(config));
        servers.back()->start();
        args.push_back(std::to_string(servers.back()->port()));
    }
    const auto r = runPython(kFeatures, args);
    BOOST_REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    const std::vector<std::string> plain{"8BITMIME", "AUTH", "BINARYMIME", "CHUNKING", "DSN", "ENHANCEDSTATUSCODES",
                                         "HELP", "PIPELINING", "SIZE", "SMTPUTF8", "STARTTLS"};
    const std::vector<std::string> tls{"8BITMIME", "AUTH", "BINARYMIME", "CHUNKING", "DSN", "ENHANCEDSTATUSCODES",
                                       "HELP", "PIPELINING", "REQUIRETLS", "SIZE", "SMTPUTF8"};
    std::string expected;
    for (const auto& [change, removed] : cases) {
        auto line = [&](const std::string& label, const std::vector<std::string>& keywords) {
            std::string text = label + ":";
            for (const auto& keyword : keywords)
                if (std::find(removed.begin(), removed.end(), keyword) == removed.end()) text += " " + keyword;
            return text + "\n";
        };
        expected += line("plain", plain);
        if (std::find(removed.begin(), removed.end(), "STARTTLS") == removed.end()) expected += line("tls", tls);
        expected += "--\n";
    }
    BOOST_TEST(r.out == expected);
}

BOOST_AUTO_TEST_CASE(authBeforeTlsIsRefusedUnlessAllowed) {
    AuthServer strict;
    SmtpWire wire(strict.server.port());
    auto ehlo = wire.hello();
    for (const auto& line : ehlo.lines) BOOST_TEST(line.find("AUTH") == std::string::npos);
    BOOST_TEST(wire.command("AUTH PLAIN AGFsaWNlAHdvbmRlciBsYW5k").code == 538);
    AuthServer lenient(true);
    SmtpWire other(lenient.server.port());
    other.hello();
    BOOST_TEST(other.command("AUTH PLAIN AGFsaWNlAHdvbmRlciBsYW5k").code == 235);
}

BOOST_AUTO_TEST_CASE(loginExchangeCanBeCancelled) {
    AuthServer s(true);
    SmtpWire wire(s.server.port());
    wire.hello();
    auto user = wire.command("AUTH LOGIN");
    BOOST_TEST(user.code == 334);
    BOOST_TEST(user.text() == "VXNlcm5hbWU6");
    BOOST_TEST(wire.command("*").code == 501);
    BOOST_TEST(wire.command("AUTH LOGIN YWxpY2U=").code == 334); // initial response = user name
    BOOST_TEST(wire.command("d29uZGVyIGxhbmQ=").code == 235);
}

BOOST_AUTO_TEST_CASE(requireAuthAndRequireStartTlsRefuseWith530) {
    ServerConfig c = AuthServer::config(true, false);
    c.requireAuth = true;
    FakeSmtpServer authServer(c);
    authServer.start();
    SmtpWire wire(authServer.port());
    wire.hello();
    BOOST_TEST(wire.command("MAIL FROM:<a@b.c>").code == 530);
    BOOST_TEST(wire.command("AUTH PLAIN AGFsaWNlAHdvbmRlciBsYW5k").code == 235);
    BOOST_TEST(wire.command("MAIL FROM:<a@b.c> AUTH=<>").code == 250);

    ServerConfig t = ServerConfig::withStartTls();
    t.requireStartTls = true;
    FakeSmtpServer tlsServer(t);
    tlsServer.start();
    SmtpWire plain(tlsServer.port());
    plain.hello();
    BOOST_TEST(plain.command("MAIL FROM:<a@b.c>").code == 530);
    BOOST_TEST(plain.command("NOOP").code == 250);
}

BOOST_AUTO_TEST_CASE(implicitTlsListenerSpeaksTlsFromTheFirstByte) {
    AuthServer s(false, true);
    BOOST_REQUIRE(s.server.tlsPort() != 0);
    const char* script = R"PY(
import smtplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = smtplib.SMTP_SSL('localhost', int(sys.argv[1]), context=ctx, timeout=10)
s.ehlo()
print('starttls offered' if s.has_extn('starttls') else 'no starttls')
s.login('alice', 'wonder land')
s.sendmail('alice@example.com', ['x@example.com'], b'Subject: implicit\r\n\r\nhi\r\n')
s.quit()
print('sent')
)PY";
    auto r = runPython(script, {std::to_string(s.server.tlsPort()), TestCertificates::shared().caCertificatePath()});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out == "no starttls\nsent\n");
    BOOST_REQUIRE(s.server.store().waitForCount(1, 5s));
    SessionInfo info = s.server.store().last().session();
    BOOST_TEST(info.implicitTls);
    BOOST_TEST(info.tls);
}

BOOST_AUTO_TEST_CASE(idleTimeoutAlsoClosesTlsSessions) {
    ServerConfig c = ServerConfig::withStartTls();
    c.limits.idleTimeout = 300ms;
    FakeSmtpServer server(c);
    server.start();
    const char* script = R"PY(
import smtplib, ssl, sys, time
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)
s.starttls(context=ssl._create_unverified_context())
s.ehlo()
start = time.time()
try:
    code, text = s.getreply()
    print(code, text.decode().split(' ')[0], 'fast' if time.time() - start < 3 else 'slow')
except smtplib.SMTPServerDisconnected:
    print('disconnected without reply')
)PY";
    auto r = runPython(script, {std::to_string(server.port())});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out == "421 4.4.2 fast\n");
}

BOOST_AUTO_TEST_CASE(aTricklingTlsHandshakeIsCutOffByTheCommandTimeout) {
    // A ClientHello sent one byte every 100 ms: each byte arrives well within any socket
    // timeout, but the handshake as a whole must end after commandTimeout, for implicit TLS and
    // after STARTTLS alike.
    ServerConfig c = ServerConfig::withImplicitTls();
    c.limits.commandTimeout = 500ms;
    FakeSmtpServer server(c);
    server.start();
    const char* script = R"PY(
import socket, ssl, sys, time
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
try:
    ctx.wrap_bio(incoming, outgoing).do_handshake()
except ssl.SSLWantReadError:
    pass
hello = outgoing.read()
for port, starttls in ((int(sys.argv[1]), False), (int(sys.argv[2]), True)):
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    if starttls:
        f = s.makefile('rb')
        f.readline()
        s.sendall(b'EHLO x\r\n')
        while f.readline()[3:4] == b'-':
            pass
        s.sendall(b'STARTTLS\r\n')
        f.readline()
    start = time.time()
    outcome = 'open'
    try:
        for b in hello:
            s.send(bytes([b]))
            time.sleep(0.1)
            if time.time() - start > 5:
                break
        else:
            outcome = 'hello complete'
    except OSError:
        outcome = 'closed'
    print(outcome, 'fast' if time.time() - start < 3 else 'slow')
    s.close()
)PY";
    auto r = runPython(script, {std::to_string(server.tlsPort()), std::to_string(server.port())});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_TEST(r.out == "closed fast\nclosed fast\n");
}

BOOST_AUTO_TEST_CASE(keepsServingAfterTlsPeersResetWhileRepliesAreWritten) {
    FakeSmtpServer server(ServerConfig::withStartTls());
    server.start();
    const char* script = R"PY(
import smtplib, socket, ssl, struct, sys
for i in range(10):
    s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)
    s.starttls(context=ssl._create_unverified_context())
    s.sock.sendall(b'NOOP\r\n' * 3000)
    raw = s.sock
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    raw.close()
print('done')
)PY";
    auto r = runPython(script, {std::to_string(server.port())});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out == "done\n");
    SmtpWire wire(server.port());
    BOOST_TEST(wire.hello().code == 250);
    BOOST_TEST(server.running());
}

BOOST_AUTO_TEST_CASE(plaintextAfterStartTlsIsDiscardedAndNoted) {
    ServerConfig c = ServerConfig::withStartTls();
    FakeSmtpServer server(c);
    server.start();
    SmtpWire wire(server.port());
    wire.hello();
    wire.send("STARTTLS\r\nMAIL FROM:<injected@evil>\r\n");
    BOOST_TEST(wire.reply().code == 220);
    // We never complete the handshake; the server must not have executed the injected MAIL.
    wire.shutdownWrite();
    BOOST_TEST(wire.closedWithin(5s));
    auto sessions = server.store().sessions();
    BOOST_REQUIRE(sessions.size() == 1u);
    BOOST_TEST(sessions[0].startTlsInjection);
    BOOST_TEST(sessions[0].transcriptText().find("250 2.1.0") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
