#pragma once
/// Helpers for tests where mailrig::SmtpClient talks to the embedded fake server.

#include "mailrig/client/SmtpClient.h"
#include "mailrig/fakeserver/FakeSmtpServer.h"

#include <chrono>
#include <string>

namespace mailrig::test {

/// A fake server started in the constructor and stopped by its destructor (start() failures
/// throw, failing the test with the reason).
struct StartedServer {
    explicit StartedServer(fake::ServerConfig config = fake::ServerConfig::plain())
        : server(std::move(config)) {
        server.start();
    }
    fake::FakeSmtpServer server;
};

/// `ServerConfig::plain()` without 8BITMIME, BINARYMIME and SMTPUTF8: a 7-bit-only server.
inline fake::ServerConfig sevenBitOnlyConfig() {
    fake::ServerConfig config = fake::ServerConfig::plain();
    config.capabilities.eightBitMime = false;
    config.capabilities.binaryMime = false;
    config.capabilities.smtpUtf8 = false;
    return config;
}

/// A plaintext client for `server`'s plain listener with short timeouts (tests must not hang).
inline SmtpClient plainClientFor(const fake::FakeSmtpServer& server) {
    SmtpClient client(server.host(), server.port(), {}, {}, SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(10));
    client.setGreetingTimeout(std::chrono::seconds(10));
    return client;
}

/// TLS settings trusting the shared test CA (full verification stays on).
inline TlsSettings trustTestCa() {
    TlsSettings tls;
    tls.caFile = fake::TestCertificates::shared().caCertificatePath();
    return tls;
}

/// Alice → Bob, Cc Carol, Bcc Dave, a short plain-text body.
inline MailMessage sampleMessage(const std::string& subject = "Hello") {
    MailMessage m;
    m.setFrom(MailAddress("alice@example.org", "Alice"));
    m.addTo(MailAddress("bob@example.org", "Bob"));
    m.addCc(MailAddress("carol@example.org"));
    m.addBcc(MailAddress("dave@example.org"));
    m.setSubject(subject);
    m.setTextBody("Hi Bob,\r\n.\r\nA line with a dot above.\r\n");
    m.ensureMessageId();
    return m;
}

/// A fake-server rule that answers `phase` (optionally only for arguments matching `match`)
/// with `code text`.
inline fake::Rule replyRule(fake::Phase phase, int code, const std::string& text,
                            const std::string& match = {}, unsigned times = 0) {
    fake::Rule rule;
    rule.on = phase;
    rule.match = match;
    rule.times = times;
    rule.action.reply = fake::Reply{code, text};
    return rule;
}

} // namespace mailrig::test
