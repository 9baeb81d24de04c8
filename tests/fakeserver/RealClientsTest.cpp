// Real clients (swaks, curl, Python smtplib) against the embedded server: what they sent is
// captured byte for byte, TLS and AUTH facts are recorded, and verifying clients refuse the
// faulty test certificates.
#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/ServerConfigYaml.h"
#include "mailrig/fakeserver/TestCertificates.h"
#include "support/Process.h"
#include "support/SmtpClients.h"

#include <boost/test/unit_test.hpp>
#include <yaml-cpp/yaml.h>

using namespace mailrig::fake;
using namespace mailrig::test;

namespace {

constexpr auto kWait = std::chrono::seconds(10);

const std::string kMessage = "From: a@example.com\r\nTo: b@example.com\r\nSubject: real client\r\n\r\n"
                             ".a line that needs dot-stuffing\r\n..two dots\r\nlast line\r\n";

std::string ca() { return TestCertificates::shared().caCertificatePath(); }

// A started server with `config`, the message file written, and the store reachable.
struct Running {
    explicit Running(ServerConfig config) : server(std::move(config)) {
        server.start();
        writeFile(messageFile(), kMessage);
    }
    std::string messageFile() const { return dir.file("message.eml"); }
    CapturedMessage only() {
        BOOST_REQUIRE(server.store().waitForCount(1, kWait));
        BOOST_REQUIRE_EQUAL(server.store().count(), 1u);
        return server.store().last();
    }
    TempDir dir;
    FakeSmtpServer server;
};

std::string said(const ProcessResult& r) { return "exit " + std::to_string(r.exitCode) + "\n" + r.out + r.err; }

std::vector<std::string> swaksTls() {
    return {"-tls", "--tls-verify", "--tls-ca-path", ca(), "--tls-sni", "localhost"};
}

} // namespace

BOOST_AUTO_TEST_SUITE(RealClientsTest)

BOOST_AUTO_TEST_CASE(swaksPlainMessageIsCapturedByteForByte) {
    Running s(ServerConfig::plain());
    auto r = swaks(s.server.port(), {"--ehlo", "swaks.example", "--from", "a@example.com", "--to", "b@example.com,c@example.com",
                                     "--data", "@" + s.messageFile()});
    BOOST_TEST(r.exitCode == 0, said(r));
    CapturedMessage m = s.only();
    // swaks always ends the data with CRLF before the final dot, even when it already ends in CRLF.
    BOOST_TEST(m.data() == kMessage + "\r\n");
    BOOST_TEST(m.mailFrom().address == "a@example.com");
    BOOST_TEST(m.recipientAddresses() == (std::vector<std::string>{"b@example.com", "c@example.com"}),
               boost::test_tools::per_element());
    SessionInfo session = m.session();
    BOOST_TEST(session.heloName == "swaks.example");
    BOOST_TEST(session.esmtp);
    BOOST_TEST(!session.tls);
}

BOOST_AUTO_TEST_CASE(swaksPipeliningGroupIsAnsweredAndCaptured) {
    Running s(ServerConfig::plain());
    auto r = swaks(s.server.port(), {"--pipeline", "--from", "a@example.com", "--to", "b@example.com,c@example.com,d@example.com",
                                     "--data", "@" + s.messageFile()});
    BOOST_TEST(r.exitCode == 0, said(r));
    CapturedMessage m = s.only();
    BOOST_TEST(m.recipients().size() == 3u);
    BOOST_TEST(m.data() == kMessage + "\r\n");
    SessionInfo session = m.session();
    BOOST_TEST(!session.pipeliningViolation);
    // greeting, EHLO, one write for the MAIL/RCPT x3/DATA group, the 250 after the data (QUIT's
    // 221 may come later than the capture): without pipelining the group alone takes five.
    BOOST_TEST(session.writes <= 5u, session.transcriptText());
}

BOOST_AUTO_TEST_CASE(swaksStartTlsVerifiesTheTestCaAndTlsIsRecorded) {
    Running s(ServerConfig::withStartTls());
    auto args = swaksTls();
    args.insert(args.end(), {"--from", "a@example.com", "--to", "b@example.com", "--data", "@" + s.messageFile()});
    auto r = swaks(s.server.port(), args);
    BOOST_TEST(r.exitCode == 0, said(r));
    BOOST_TEST(r.out.find("TLS started") != std::string::npos, said(r));
    CapturedMessage m = s.only();
    BOOST_TEST(m.data() == kMessage + "\r\n");
    SessionInfo session = m.session();
    BOOST_TEST(session.tls);
    BOOST_TEST(!session.implicitTls);
    BOOST_TEST(session.tlsVersion.rfind("TLSv1.", 0) == 0u, "tls version: '" << session.tlsVersion << "'");
    BOOST_TEST(!session.tlsCipher.empty());
}

BOOST_AUTO_TEST_CASE(swaksImplicitTlsOnTheSecondListener) {
    Running s(ServerConfig::withImplicitTls());
    BOOST_REQUIRE(s.server.tlsPort() != 0);
    auto r = swaks(s.server.tlsPort(), {"--tls-on-connect", "--tls-verify", "--tls-ca-path", ca(), "--tls-sni", "localhost",
                                        "--from", "a@example.com", "--to", "b@example.com", "--data", "@" + s.messageFile()});
    BOOST_TEST(r.exitCode == 0, said(r));
    CapturedMessage m = s.only();
    BOOST_TEST(m.data() == kMessage + "\r\n");
    SessionInfo session = m.session();
    BOOST_TEST(session.tls);
    BOOST_TEST(session.implicitTls);
    BOOST_TEST(!session.tlsVersion.empty());
}

BOOST_AUTO_TEST_CASE(swaksAuthenticatesWithPlainLoginAndCramMd5) {
    for (const std::string mechanism : {"PLAIN", "LOGIN", "CRAM-MD5"}) {
        BOOST_TEST_CONTEXT(mechanism) {
            Running s(ServerConfig::withAuth("alice", "s3cret-Pass"));
            auto args = swaksTls();
            args.insert(args.end(), {"-a", mechanism, "-au", "alice", "-ap", "s3cret-Pass", "--from", "a@example.com",
                                     "--to", "b@example.com", "--data", "@" + s.messageFile()});
            auto r = swaks(s.server.port(), args);
            BOOST_TEST(r.exitCode == 0, said(r));
            CapturedMessage m = s.only();
            SessionInfo session = m.session();
            BOOST_TEST(session.authUser == "alice");
            BOOST_TEST(session.authMechanism == mechanism);
            const std::string transcript = session.transcriptText();
            BOOST_TEST(transcript.find("s3cret") == std::string::npos);
            // PLAIN's secret in base64 ("\0alice\0s3cret-Pass") must not be in the transcript either.
            BOOST_TEST(transcript.find("AGFsaWNlAHMzY3JldC1QYXNz") == std::string::npos, transcript);
        }
    }
}

BOOST_AUTO_TEST_CASE(wrongPasswordGets535AndNothingIsCaptured) {
    Running s(ServerConfig::withAuth("alice", "right"));
    auto args = swaksTls();
    args.insert(args.end(), {"-a", "PLAIN", "-au", "alice", "-ap", "wrong", "--from", "a@example.com", "--to",
                             "b@example.com", "--data", "@" + s.messageFile()});
    auto r = swaks(s.server.port(), args);
    BOOST_TEST(r.exitCode != 0);
    BOOST_TEST(r.out.find("535 5.7.8") != std::string::npos, said(r));
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(authBeforeTlsIsRefusedUnlessAllowed) {
    const std::string script =
        "s = smtplib.SMTP('127.0.0.1', port, timeout=10)\n"
        "s.ehlo('py.example')\n"
        "print('advertised' if s.has_extn('auth') else 'not advertised')\n"
        "code, text = s.docmd('AUTH', 'PLAIN ' + base64.b64encode(b'\\0alice\\0pw').decode())\n"
        "print(code)\n"
        "s.quit()\n";
    {
        Running s(ServerConfig::withAuth("alice", "pw"));
        auto r = pythonSmtp(script, s.server.port());
        BOOST_TEST(r.exitCode == 0, said(r));
        BOOST_TEST(r.out.rfind("not advertised\n5", 0) == 0u, said(r));
    }
    {
        ServerConfig config = ServerConfig::withAuth("alice", "pw");
        config.allowInsecureAuth = true;
        Running s(config);
        auto r = pythonSmtp(script, s.server.port());
        BOOST_TEST(r.out == "advertised\n235\n", said(r));
    }
}

BOOST_AUTO_TEST_CASE(pythonStartTlsWithSmtpUtf8KeepsUtf8Addresses) {
    Running s(ServerConfig::withStartTls());
    const std::string message = "From: j\xc3\xb6rg@ex\xc3\xa4mple.com\r\nTo: b@example.com\r\nSubject: gr\xc3\xbc\xc3\x9f" "e\r\n"
                                "\r\nk\xc3\xb6rper\r\n";
    writeFile(s.dir.file("utf8.eml"), message);
    auto r = pythonSmtp(
        "s = smtplib.SMTP('localhost', port, timeout=10)\n"
        "s.starttls(context=verifying())\n"
        "s.ehlo('py.example')\n"
        "data = open(sys.argv[3], 'rb').read()\n"
        "s.sendmail('j\\u00f6rg@ex\\u00e4mple.com', ['b@example.com'], data, mail_options=['SMTPUTF8', 'BODY=8BITMIME'])\n"
        "s.quit()\nprint('sent')\n",
        s.server.port(), ca(), {s.dir.file("utf8.eml")});
    BOOST_TEST(r.out == "sent\n", said(r));
    CapturedMessage m = s.only();
    BOOST_TEST(m.mailFrom().address == "j\xc3\xb6rg@ex\xc3\xa4mple.com");
    BOOST_TEST(m.mailFrom().hasParam("SMTPUTF8"));
    BOOST_TEST(m.mailFrom().param("BODY") == "8BITMIME");
    BOOST_TEST(m.data() == message);
    BOOST_TEST(!m.flags().eightBitWithout8BitMime);
    BOOST_TEST(m.session().tls);
}

BOOST_AUTO_TEST_CASE(pythonBdatChunksSentByHandAreJoinedExactly) {
    Running s(ServerConfig::plain());
    // Binary-transparent chunks: a bare LF and a line with a lone dot stay as they are.
    auto r = pythonSmtp(
        "s = smtplib.SMTP('127.0.0.1', port, timeout=10)\n"
        "s.ehlo('py.example')\n"
        "assert s.has_extn('chunking')\n"
        "print(s.docmd('MAIL FROM:<a@example.com> BODY=BINARYMIME')[0])\n"
        "print(s.docmd('RCPT TO:<b@example.com>')[0])\n"
        "one = b'Subject: bdat\\r\\n\\r\\nfirst chunk\\n.\\r\\n'\n"
        "two = b'second \\x00\\xff chunk\\r\\n'\n"
        "s.send(b'BDAT %d\\r\\n' % len(one) + one)\n"
        "print(s.getreply()[0])\n"
        "s.send(b'BDAT %d LAST\\r\\n' % len(two) + two)\n"
        "print(s.getreply()[0])\n"
        "s.quit()\n",
        s.server.port());
    BOOST_TEST(r.out == "250\n250\n250\n250\n", said(r));
    CapturedMessage m = s.only();
    BOOST_TEST(m.viaBdat());
    BOOST_TEST(m.data() == std::string("Subject: bdat\r\n\r\nfirst chunk\n.\r\nsecond ") + '\0' + "\xff chunk\r\n");
    BOOST_TEST(m.mailFrom().param("BODY") == "BINARYMIME");
}

BOOST_AUTO_TEST_CASE(curlSmtpAndSmtpsUploadsAreByteIdentical) {
    Running s(ServerConfig::withImplicitTls());
    auto plain = curl("smtp://127.0.0.1:" + std::to_string(s.server.port()),
                      {"--mail-from", "a@example.com", "--mail-rcpt", "b@example.com", "--upload-file", s.messageFile()});
    BOOST_TEST(plain.exitCode == 0, said(plain));
    auto tls = curl("smtps://localhost:" + std::to_string(s.server.tlsPort()),
                    {"--cacert", ca(), "--mail-from", "a@example.com", "--mail-rcpt", "b@example.com", "--upload-file",
                     s.messageFile()});
    BOOST_TEST(tls.exitCode == 0, said(tls));
    auto startTls = curl("smtp://localhost:" + std::to_string(s.server.port()),
                         {"--ssl-reqd", "--cacert", ca(), "--mail-from", "a@example.com", "--mail-rcpt", "b@example.com",
                          "--upload-file", s.messageFile()});
    BOOST_TEST(startTls.exitCode == 0, said(startTls));
    BOOST_REQUIRE(s.server.store().waitForCount(3, kWait));
    auto messages = s.server.store().messages();
    for (const auto& m : messages) BOOST_TEST(m.data() == kMessage);
    BOOST_TEST(!messages[0].session().tls);
    BOOST_TEST(messages[1].session().implicitTls);
    BOOST_TEST(messages[2].session().tls);
    BOOST_TEST(!messages[2].session().implicitTls);
}

BOOST_AUTO_TEST_CASE(verifyingClientsRefuseAnExpiredCertificate) {
    Running s(ServerConfig::withImplicitTls(ServerCertificate::Expired));
    auto r = curl("smtps://localhost:" + std::to_string(s.server.tlsPort()),
                  {"--cacert", ca(), "--mail-from", "a@example.com", "--mail-rcpt", "b@example.com", "--upload-file",
                   s.messageFile()});
    BOOST_TEST(r.exitCode == 60, said(r)); // CURLE_PEER_FAILED_VERIFICATION
    BOOST_TEST(r.err.find("expired") != std::string::npos, said(r));
    auto py = pythonSmtp("s = smtplib.SMTP('localhost', port, timeout=10)\n"
                         "try:\n    s.starttls(context=verifying())\n"
                         "except ssl.SSLCertVerificationError as e:\n    print(e.verify_message)\n",
                         s.server.port(), ca());
    BOOST_TEST(py.out == "certificate has expired\n", said(py));
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(verifyingClientsRefuseACertificateForAnotherHost) {
    Running s(ServerConfig::withImplicitTls(ServerCertificate::WrongHost));
    auto r = curl("smtps://localhost:" + std::to_string(s.server.tlsPort()),
                  {"--cacert", ca(), "--mail-from", "a@example.com", "--mail-rcpt", "b@example.com", "--upload-file",
                   s.messageFile()});
    BOOST_TEST(r.exitCode == 60, said(r));
    auto py = pythonSmtp("s = smtplib.SMTP('localhost', port, timeout=10)\n"
                         "try:\n    s.starttls(context=verifying())\n"
                         "except ssl.SSLCertVerificationError as e:\n    print(e.verify_message)\n",
                         s.server.port(), ca());
    BOOST_TEST(py.out.find("Hostname mismatch") == 0u, said(py));
    // The same server is fine for a client that does not verify: the fault is the certificate only.
    auto lax = curl("smtps://localhost:" + std::to_string(s.server.tlsPort()),
                    {"--insecure", "--mail-from", "a@example.com", "--mail-rcpt", "b@example.com", "--upload-file",
                     s.messageFile()});
    BOOST_TEST(lax.exitCode == 0, said(lax));
    BOOST_TEST(s.server.store().waitForCount(1, kWait));
}

BOOST_AUTO_TEST_CASE(yamlGreylistRuleIsSeenBySwaksAndTheRetryPasses) {
    ServerConfig config = serverConfigFromYaml(
        YAML::Load("rules:\n  - {on: RCPT, match: grey@example.com, times: 1, scope: global,"
                   " reply: '451 4.7.1 Greylisted, try again'}\n"),
        "inline");
    Running s(config);
    const std::vector<std::string> args{"--from", "a@example.com", "--to", "grey@example.com", "--data", "@" + s.messageFile()};
    auto first = swaks(s.server.port(), args);
    BOOST_TEST(first.exitCode != 0);
    BOOST_TEST(first.out.find("<** 451 4.7.1 Greylisted, try again") != std::string::npos, said(first));
    auto retry = swaks(s.server.port(), args);
    BOOST_TEST(retry.exitCode == 0, said(retry));
    BOOST_TEST(s.only().recipientAddresses() == std::vector<std::string>{"grey@example.com"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(scriptedTlsFaultsAreWhatTheClientsSee) {
    ServerConfig config = ServerConfig::withImplicitTls();
    applyServerConfigYaml(config,
                          YAML::Load("rules:\n"
                                     "  - {on: STARTTLS, times: 1, scope: global, reply: '454 4.7.0 TLS not available'}\n"
                                     "  - {on: TLS, match: implicit, times: 1, scope: global, fail_tls: true}\n"),
                          "inline");
    Running s(config);
    auto args = swaksTls();
    args.insert(args.end(), {"--from", "a@example.com", "--to", "b@example.com", "--data", "@" + s.messageFile()});
    auto refused = swaks(s.server.port(), args);
    BOOST_TEST(refused.exitCode != 0);
    BOOST_TEST(refused.out.find("454 4.7.0 TLS not available") != std::string::npos, said(refused));
    const std::vector<std::string> upload{"--cacert", ca(), "--mail-from", "a@example.com", "--mail-rcpt",
                                          "b@example.com", "--upload-file", s.messageFile()};
    auto failed = curl("smtps://localhost:" + std::to_string(s.server.tlsPort()), upload);
    BOOST_TEST(failed.exitCode == 35, said(failed)); // CURLE_SSL_CONNECT_ERROR: the handshake failed
    BOOST_TEST(s.server.store().count() == 0u);
    // Both rules fire once per server (scope global): the next attempts succeed.
    auto retried = swaks(s.server.port(), args);
    BOOST_TEST(retried.exitCode == 0, said(retried));
    auto again = curl("smtps://localhost:" + std::to_string(s.server.tlsPort()), upload);
    BOOST_TEST(again.exitCode == 0, said(again));
    BOOST_TEST(s.server.store().waitForCount(2, kWait));
}

BOOST_AUTO_TEST_SUITE_END()
