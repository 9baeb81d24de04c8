// STARTTLS, implicit TLS, certificate checks and AUTH against the embedded fake server.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/SmtpClient.h"
#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "support/BackgroundProcess.h"
#include "support/SmtpClientTesting.h"

using namespace mailrig;
using mailrig::fake::FakeSmtpServer;
using mailrig::fake::Phase;
using mailrig::fake::ServerCertificate;
using mailrig::fake::ServerConfig;

namespace {

using Started = test::StartedServer;

SmtpClient clientFor(const FakeSmtpServer& server, SecurityOptions security, std::uint16_t port = 0,
                     const std::string& user = {}, const std::string& password = {}) {
    SmtpClient client(server.host(), port ? port : server.port(), user, password, security);
    client.setTimeout(std::chrono::seconds(10));
    client.setTlsSettings(test::trustTestCa());
    return client;
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpSecurityTest)

BOOST_AUTO_TEST_CASE(startTlsVerifiesAndReissuesEhlo) {
    Started s(ServerConfig::withStartTls());
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit);
    client.send(test::sampleMessage());
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    const fake::SessionInfo session = s.server.store().last().session();
    BOOST_TEST(session.tls);
    BOOST_TEST(!session.startTlsInjection);
    const std::string transcript = session.transcriptText();
    const auto tls = transcript.find("C: STARTTLS");
    BOOST_REQUIRE(tls != std::string::npos);
    BOOST_TEST(transcript.find("C: EHLO", tls) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(autoUsesStartTlsWhenOffered) {
    Started s(ServerConfig::withStartTls());
    SmtpClient client = clientFor(s.server, SecurityOptions::Auto);
    client.send(test::sampleMessage());
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    BOOST_TEST(s.server.store().last().session().tls);
}

BOOST_AUTO_TEST_CASE(autoRefusesPlaintextUnlessAllowed) {
    Started s(ServerConfig::plain());
    SmtpClient client = clientFor(s.server, SecurityOptions::Auto);
    BOOST_CHECK_THROW(client.send(test::sampleMessage()), SmtpTlsException);
    BOOST_TEST(s.server.store().count() == 0u);
    TlsSettings tls = test::trustTestCa();
    tls.allowPlaintextFallback = true;
    client.setTlsSettings(tls);
    client.send(test::sampleMessage());
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(explicitFailsWhenStartTlsIsNotOffered) {
    Started s(ServerConfig::plain());
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit);
    try {
        client.send(test::sampleMessage());
        BOOST_FAIL("no exception");
    } catch (const SmtpTlsException& e) {
        BOOST_TEST((e.kind() == SmtpErrorKind::Tls));
        BOOST_TEST(std::string(e.what()).find("STARTTLS") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(startTlsRefusedWith454IsATransientTlsError) {
    ServerConfig config = ServerConfig::withStartTls();
    config.rules.push_back(test::replyRule(Phase::StartTls, 454, "4.7.0 TLS not available"));
    Started s(config);
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit);
    try {
        client.send(test::sampleMessage());
        BOOST_FAIL("no exception");
    } catch (const SmtpTlsException& e) {
        BOOST_TEST(e.replyCode() == 454);
        BOOST_TEST(e.enhancedStatus() == "4.7.0");
        BOOST_TEST(e.isTransient());
    }
}

BOOST_AUTO_TEST_CASE(failedHandshakeIsATlsError) {
    ServerConfig config = ServerConfig::withStartTls();
    fake::Rule rule;
    rule.on = Phase::Tls;
    rule.action.failTls = true;
    config.rules.push_back(rule);
    Started s(config);
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit);
    BOOST_CHECK_THROW(client.send(test::sampleMessage()), SmtpTlsException);
    BOOST_TEST(s.server.store().count() == 0u);
}

namespace {
/// The text of the SmtpTlsException that sending through `client` throws.
std::string tlsFailure(SmtpClient& client) {
    try {
        client.send(test::sampleMessage());
    } catch (const SmtpTlsException& e) {
        return e.what();
    }
    BOOST_FAIL("no SmtpTlsException");
    return {};
}
} // namespace

BOOST_AUTO_TEST_CASE(wrongHostAndExpiredCertificatesAreRefusedWithTheReason) {
    const std::vector<std::pair<ServerCertificate, std::string>> cases = {
        {ServerCertificate::WrongHost, "IP address mismatch"},
        {ServerCertificate::Expired, "certificate has expired"}};
    for (const auto& [kind, reason] : cases) {
        Started s(ServerConfig::withStartTls(kind));
        SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit);
        const std::string what = tlsFailure(client);
        BOOST_TEST(what.find(reason) != std::string::npos, what);
        BOOST_TEST(s.server.store().count() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(untrustedCaIsRefusedByDefault) {
    Started s(ServerConfig::withStartTls());
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit);
    client.setTlsSettings(TlsSettings());
    const std::string what = tlsFailure(client);
    BOOST_TEST(what.find("unable to get local issuer certificate") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(insecureOptOutAcceptsAnyCertificate) {
    Started s(ServerConfig::withStartTls(ServerCertificate::WrongHost));
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit);
    client.setTlsSettings(TlsSettings::insecure());
    client.send(test::sampleMessage());
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(hostNameCheckCanBeTurnedOffAlone) {
    Started s(ServerConfig::withStartTls(ServerCertificate::WrongHost));
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit);
    TlsSettings tls = test::trustTestCa();
    tls.checkHostName = false;
    client.setTlsSettings(tls);
    client.send(test::sampleMessage());
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(implicitTlsFromTheFirstByte) {
    Started s(ServerConfig::withImplicitTls());
    SmtpClient client = clientFor(s.server, SecurityOptions::SslImplicit, s.server.tlsPort());
    client.send(test::sampleMessage());
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    const fake::SessionInfo session = s.server.store().last().session();
    BOOST_TEST(session.implicitTls);
    BOOST_TEST(session.tls);
}

BOOST_AUTO_TEST_CASE(minimumTlsVersionIsEnforced) {
    Started s(ServerConfig::withStartTls());
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit);
    TlsSettings tls = test::trustTestCa();
    tls.minimumVersion = TlsVersion::Tls13;
    client.setTlsSettings(tls);
    client.send(test::sampleMessage());
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    BOOST_TEST(s.server.store().last().session().tlsVersion == "TLSv1.3");
}

BOOST_AUTO_TEST_CASE(everyAuthMechanismAuthenticates) {
    for (AuthMechanism mechanism :
         {AuthMechanism::Plain, AuthMechanism::Login, AuthMechanism::CramMd5, AuthMechanism::XOAuth2}) {
        Started s(ServerConfig::withAuth("user@example.org", "s3cret"));
        SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit, 0, "user@example.org", "s3cret");
        client.setAllowedAuthMechanisms({mechanism});
        std::string trace;
        client.setTraceCallback([&](const TraceLine& line) { trace += line.text + "\n"; });
        client.send(test::sampleMessage());
        BOOST_TEST(trace.find("*TLS established") == std::string::npos);
        BOOST_TEST(trace.find("TLS established") != std::string::npos);
        BOOST_TEST(trace.find("s3cret") == std::string::npos);
        BOOST_TEST(trace.find("czNjcmV0") == std::string::npos); // base64 of the password
        BOOST_TEST(trace.find("AHVzZXJAZXhhbXBsZS5vcmcAczNjcmV0") == std::string::npos);
        BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
        const fake::SessionInfo session = s.server.store().last().session();
        BOOST_TEST(session.authUser == "user@example.org");
        BOOST_TEST(session.authMechanism == toString(mechanism));
        BOOST_TEST(session.transcriptText().find("s3cret") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(wrongPasswordIsAnAuthenticationError) {
    Started s(ServerConfig::withAuth("user@example.org", "s3cret"));
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit, 0, "user@example.org", "wrong");
    try {
        client.send(test::sampleMessage());
        BOOST_FAIL("no exception");
    } catch (const SmtpAuthenticationException& e) {
        BOOST_TEST(e.replyCode() == 535);
        BOOST_TEST(e.isPermanent());
        BOOST_TEST(std::string(e.what()).find("wrong") == std::string::npos);
    }
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(credentialsNeverTravelInPlaintextUnlessChosen) {
    ServerConfig config = ServerConfig::plain();
    config.users["u@example.org"] = "p";
    config.allowInsecureAuth = true;
    Started s(config);
    SmtpClient client = clientFor(s.server, SecurityOptions::Auto, 0, "u@example.org", "p");
    TlsSettings tls = test::trustTestCa();
    tls.allowPlaintextFallback = true;
    client.setTlsSettings(tls);
    BOOST_CHECK_THROW(client.send(test::sampleMessage()), SmtpAuthenticationException);
    BOOST_TEST(s.server.store().sessions().front().transcriptText().find("C: AUTH") == std::string::npos);
    client.setSecurityOptions(SecurityOptions::None);
    client.send(test::sampleMessage());
    BOOST_TEST(s.server.store().last().session().authUser == "u@example.org");
}

BOOST_AUTO_TEST_CASE(anUnexpected334IsCancelledSoTheNextCommandIsNotTakenAsACredential) {
    // A peer that answers AUTH PLAIN's initial response with another 334 and prints what the
    // client sends next.
    const char* peerScript = R"PY(
import socket
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
print('PORT', srv.getsockname()[1], flush=True)
c, _ = srv.accept(); c.settimeout(10)
f = c.makefile('rb')
c.sendall(b'220 peer ESMTP\r\n')
for raw in f:
    line = raw.decode().rstrip('\r\n')
    if line.startswith('EHLO'): c.sendall(b'250-peer\r\n250 AUTH PLAIN\r\n')
    elif line.startswith('AUTH'): c.sendall(b'334 \r\n')
    elif line == 'QUIT': print('QUIT', flush=True); c.sendall(b'221 bye\r\n'); break
    else: print('AFTER-334', line, flush=True); c.sendall(b'501 cancelled\r\n')
)PY";
    test::BackgroundProcess peer({"/usr/bin/python3", "-c", peerScript});
    const auto portLine = peer.readLine(std::chrono::seconds(10));
    BOOST_REQUIRE(portLine && portLine->rfind("PORT ", 0) == 0);
    SmtpClient client("127.0.0.1", static_cast<std::uint16_t>(std::stoi(portLine->substr(5))), "u@example.org", "p",
                      SecurityOptions::None);
    client.setAllowedAuthMechanisms({AuthMechanism::Plain});
    BOOST_CHECK_THROW(client.send(test::sampleMessage()), SmtpAuthenticationException);
    BOOST_TEST(peer.readLine(std::chrono::seconds(5)).value_or("") == "AFTER-334 *"); // RFC 4954 4
    BOOST_TEST(peer.readLine(std::chrono::seconds(5)).value_or("") == "QUIT");
}

BOOST_AUTO_TEST_CASE(noCommonMechanismIsReportedWithBothLists) {
    ServerConfig config = ServerConfig::withAuth("u@example.org", "p");
    config.capabilities.authMechanisms = {"LOGIN"};
    Started s(config);
    SmtpClient client = clientFor(s.server, SecurityOptions::SslExplicit, 0, "u@example.org", "p");
    client.setAllowedAuthMechanisms({AuthMechanism::CramMd5});
    try {
        client.send(test::sampleMessage());
        BOOST_FAIL("no exception");
    } catch (const SmtpAuthenticationException& e) {
        BOOST_TEST(std::string(e.what()).find("LOGIN") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("CRAM-MD5") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
