// Fuzz target: any bytes as what a hostile SMTP server sends to the client, over a real loopback
// connection. The first byte picks the client's settings (pipelining, chunking, AUTH, security
// None or Auto, DSN, TNEF, and the operation: one message, a bulk of three over one or two
// connections, or a stream forward); the rest is what the server writes, all at once, to every
// connection before it half-closes. The client must end with a result or an SmtpException (a
// bulk send with per-message outcomes); a crash, a sanitizer finding, a hang or any other
// exception is a finding.
#include "fuzz/Exchange.h"
#include "mailrig/client/Attachment.h"
#include "mailrig/client/MailMessage.h"
#include "mailrig/client/SmtpClient.h"
#include "mailrig/client/SmtpException.h"

#include <arpa/inet.h>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <netinet/in.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

/// The hostile server: one listening socket; every connection gets the current script, then a
/// half-close, and is drained until the client closes it (or 10 s pass).
class ScriptedServer {
public:
    ScriptedServer() {
        _listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (_listener < 0 || ::bind(_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(_listener, 16) != 0 ||
            ::getsockname(_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            std::perror("SmtpClientFuzz: listener");
            std::abort();
        }
        _port = ntohs(address.sin_port);
        std::thread([this] { serve(); }).detach();
    }
    std::uint16_t port() const { return _port; }
    void setScript(std::string script) {
        std::lock_guard<std::mutex> lock(_mutex);
        _script = std::move(script);
    }

private:
    void serve() {
        for (;;) {
            const int fd = ::accept4(_listener, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            std::string script;
            {
                std::lock_guard<std::mutex> lock(_mutex);
                script = _script;
            }
            (void)mailrig::fuzz::exchange(fd, script, std::chrono::seconds(10));
            ::close(fd);
        }
    }

    int _listener = -1;
    std::uint16_t _port = 0;
    std::mutex _mutex;
    std::string _script;
};

mailrig::MailMessage message(int n) {
    mailrig::MailMessage m;
    m.setFrom(mailrig::MailAddress::parse("Alice <alice@example.org>"));
    m.addTo(mailrig::MailAddress::parse("bob@example.com"));
    m.addCc(mailrig::MailAddress::parse("carol@example.net"));
    m.setSubject("Fuzz " + std::to_string(n) + " \xC3\xA9t\xC3\xA9");
    m.setTextBody("Hello,\r\n.\r\nA dot line and an 8-bit \xC3\xA9.\r\n");
    m.setHtmlBody("<p>Hello</p>");
    m.addAttachment(mailrig::Attachment::fromBytes("a.bin", std::string(3000, '\x01'), "application/octet-stream"));
    return m;
}

const char* const kForwarded = "From: a@example.org\r\nTo: b@example.com\r\nBcc: hidden@example.com\r\n"
                               "Subject: forwarded\r\n\r\nbody\r\n.\r\nend\r\n";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Never destroyed: its thread serves until the process ends.
    static ScriptedServer& server = *new ScriptedServer;
    if (size == 0) return 0;
    const unsigned options = data[0];
    server.setScript(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));

    mailrig::SmtpClient client("127.0.0.1", server.port(), (options & 4) ? "user" : "",
                               (options & 4) ? "secret" : "",
                               (options & 8) ? mailrig::SecurityOptions::Auto : mailrig::SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(5));
    client.setGreetingTimeout(std::chrono::seconds(5));
    client.setUsePipelining(options & 1);
    client.setUseChunking(options & 2);
    if (options & 16) {
        mailrig::DsnOptions dsn;
        dsn.ret = mailrig::DsnOptions::Return::Headers;
        dsn.envelopeId = "fuzz-1";
        dsn.notifyFailure = true;
        dsn.originalRecipient = true;
        client.setDsn(dsn);
    }
    client.setUseTnef(options & 32);
    try {
        switch (options >> 6) {
        case 0:
            (void)client.send(message(1));
            break;
        case 1: {
            const mailrig::SendReport report = client.send(mailrig::MailMessageCollection{message(1), message(2), message(3)});
            if (std::getenv("MAILRIG_FUZZ_VERBOSE")) std::fprintf(stderr, "bulk:\n%s", report.summary().c_str());
            break;
        }
        case 2: {
            client.setUseMultiConnection(mailrig::MultiConnectionMode::Enable);
            client.setConnectionsQuantity(2);
            (void)client.send(mailrig::MailMessageCollection{message(1), message(2), message(3)});
            break;
        }
        default: {
            std::istringstream in(kForwarded);
            (void)client.forward("sender@example.org", {"x@example.com", "y@example.com"}, in);
            break;
        }
        }
    } catch (const mailrig::SmtpException& e) {
        if (std::getenv("MAILRIG_FUZZ_VERBOSE")) std::fprintf(stderr, "SmtpException: %s\n", e.what());
    }
    return 0;
}
