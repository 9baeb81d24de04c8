// SmtpClient against real SMTP peers: aiosmtpd (plain and STARTTLS, no PIPELINING) and
// Postfix's smtp-sink (PIPELINING), including a streaming forward in bounded memory.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/SmtpClient.h"
#include "support/Process.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <fstream>
#include <memory>
#include <streambuf>
#include <thread>
#include <unistd.h>

using namespace mailrig;

namespace {

std::uint16_t freePort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::uint16_t port = socket.address().port();
    socket.close();
    return port;
}

/// Waits until something accepts connections on 127.0.0.1:port (false when `handle` exits).
bool waitForListener(const Poco::ProcessHandle& handle, std::uint16_t port, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until && Poco::Process::isRunning(handle)) {
        try {
            Poco::Net::StreamSocket probe;
            probe.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(0, 200000));
            return true;
        } catch (const Poco::Exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    return false;
}

/// A peer program running in the background, killed at the end of the test.
class Peer {
public:
    Peer(const std::string& program, const std::vector<std::string>& args, std::uint16_t port)
        : _handle(Poco::Process::launch(program, args, nullptr, nullptr, nullptr)) {
        if (!waitForListener(_handle, port, std::chrono::seconds(15)))
            throw std::runtime_error(program + " did not start listening on port " + std::to_string(port));
    }
    ~Peer() {
        try {
            Poco::Process::kill(_handle);
        } catch (const Poco::Exception&) {
        }
        _handle.wait();
    }

private:
    Poco::ProcessHandle _handle;
};

/// aiosmtpd writing each message to `<dir>/<n>.eml` and its envelope to `<dir>/<n>.env`.
const char* kAiosmtpdScript = R"PY(
import sys, ssl, time, os
from aiosmtpd.controller import Controller
port, out = int(sys.argv[1]), sys.argv[2]
tls = None
if len(sys.argv) > 3:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(sys.argv[3], sys.argv[4])
class Handler:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        base = os.path.join(out, str(Handler.count))
        with open(base + '.eml.tmp', 'wb') as f: f.write(envelope.original_content)
        with open(base + '.env', 'w') as f:
            f.write(envelope.mail_from + '\n' + '\n'.join(envelope.rcpt_tos) + '\n')
            f.write('tls=%s\n' % (session.ssl is not None))
        os.rename(base + '.eml.tmp', base + '.eml')
        return '250 2.0.0 OK'
c = Controller(Handler(), hostname='127.0.0.1', port=port, tls_context=tls,
               require_starttls=tls is not None, decode_data=False)
c.start()
while True: time.sleep(1)
)PY";

/// smtp-sink's arguments for 127.0.0.1:port (it insists on dropping privileges as root).
std::vector<std::string> smtpSinkArgs(std::uint16_t port) {
    std::vector<std::string> args;
    if (::geteuid() == 0) args = {"-u", "nobody"};
    args.push_back("127.0.0.1:" + std::to_string(port));
    args.push_back("16");
    return args;
}

bool waitForFile(const std::string& path, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (std::ifstream(path).good()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

MailMessage sample() {
    MailMessage m;
    m.setFrom(MailAddress("alice@example.org"));
    m.addTo(MailAddress("bob@example.org"));
    m.addBcc(MailAddress("dave@example.org"));
    m.setSubject("interop");
    m.setTextBody("line one\r\n.dotted\r\n");
    return m;
}

/// An endless-looking EML of `size` bytes produced on the fly (never held in memory).
class GeneratedEml : public std::streambuf {
public:
    explicit GeneratedEml(std::uint64_t size) : _remaining(size) {
        const std::string header = "From: a@example.org\r\nTo: b@example.org\r\nSubject: big\r\n\r\n";
        _buffer.assign(header);
        setg(&_buffer[0], &_buffer[0], &_buffer[0] + _buffer.size());
        _remaining -= header.size();
    }

protected:
    int_type underflow() override {
        if (_remaining == 0) return traits_type::eof();
        const std::string line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.............\r\n";
        _buffer.clear();
        while (_buffer.size() + line.size() <= 64 * 1024) _buffer += line;
        if (_buffer.size() > _remaining) _buffer.resize(static_cast<std::size_t>(_remaining));
        _remaining -= _buffer.size();
        setg(&_buffer[0], &_buffer[0], &_buffer[0] + _buffer.size());
        return traits_type::to_int_type(_buffer[0]);
    }

private:
    std::uint64_t _remaining;
    std::string _buffer;
};

/// VmHWM (peak resident set) of this process in KiB.
long peakRssKiB() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            long kib = 0;
            status >> kib;
            return kib;
        }
        status.ignore(1 << 20, '\n');
    }
    return -1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpInteropTest)

BOOST_AUTO_TEST_CASE(aiosmtpdReceivesPlainMessage) {
    test::TempDir dir;
    const std::uint16_t port = freePort();
    Peer peer("/usr/bin/python3", {"-c", kAiosmtpdScript, std::to_string(port), dir.path()}, port);
    SmtpClient client("127.0.0.1", port, {}, {}, SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(10));
    const SendResult result = client.send(sample());
    BOOST_TEST(result.allAccepted());
    BOOST_REQUIRE(waitForFile(dir.file("1.eml"), std::chrono::seconds(5)));
    const std::string eml = test::readFile(dir.file("1.eml"));
    BOOST_TEST(eml.find("Subject: interop\r\n") != std::string::npos);
    BOOST_TEST(eml.find("\r\n.dotted\r\n") != std::string::npos);
    BOOST_TEST(eml.find("Bcc") == std::string::npos);
    BOOST_TEST(test::readFile(dir.file("1.env")) ==
               "alice@example.org\nbob@example.org\ndave@example.org\ntls=False\n");
}

BOOST_AUTO_TEST_CASE(aiosmtpdReceivesAPipelinedBulkEachMessageWhole) {
    test::TempDir dir;
    const std::uint16_t port = freePort();
    Peer peer("/usr/bin/python3", {"-c", kAiosmtpdScript, std::to_string(port), dir.path()}, port);
    SmtpClient client("127.0.0.1", port, {}, {}, SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(10));
    MailMessageCollection batch;
    for (int i = 1; i <= 5; ++i) {
        MailMessage m = sample();
        m.setSubject("bulk " + std::to_string(i));
        batch.push_back(m);
    }
    // Each end of data travels with the next envelope; aiosmtpd must see five whole messages.
    const SendReport report = client.send(batch);
    BOOST_TEST(report.succeededCount() == 5u, report.summary());
    BOOST_REQUIRE(waitForFile(dir.file("5.eml"), std::chrono::seconds(5)));
    for (int i = 1; i <= 5; ++i) {
        const std::string eml = test::readFile(dir.file(std::to_string(i) + ".eml"));
        BOOST_TEST(eml.find("Subject: bulk " + std::to_string(i) + "\r\n") != std::string::npos, eml);
        BOOST_TEST(eml.size() >= 2u);
        BOOST_TEST(eml.find("\r\n.dotted\r\n") != std::string::npos);
        BOOST_TEST(eml.find("MAIL FROM") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(aiosmtpdWithRequiredStartTls) {
    test::TempDir dir;
    const std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
    const test::ProcessResult gen = test::runProcess(
        {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
    BOOST_REQUIRE_MESSAGE(gen.exitCode == 0, gen.err);
    const std::uint16_t port = freePort();
    Peer peer("/usr/bin/python3", {"-c", kAiosmtpdScript, std::to_string(port), dir.path(), cert, key}, port);
    SmtpClient client("127.0.0.1", port, {}, {}, SecurityOptions::Auto);
    client.setTimeout(std::chrono::seconds(10));
    TlsSettings tls;
    tls.caFile = cert;
    client.setTlsSettings(tls);
    const SendResult result = client.send(sample());
    BOOST_TEST(result.allAccepted());
    BOOST_REQUIRE(waitForFile(dir.file("1.eml"), std::chrono::seconds(5)));
    BOOST_TEST(test::readFile(dir.file("1.env")).find("tls=True") != std::string::npos);
    // The same server's certificate does not match another name.
    tls.serverName = "other.example";
    client.setTlsSettings(tls);
    BOOST_CHECK_THROW(client.send(sample()), SmtpTlsException);
}

BOOST_AUTO_TEST_CASE(smtpSinkAcceptsPipelinedBulk) {
    const std::uint16_t port = freePort();
    Peer peer("/usr/sbin/smtp-sink", smtpSinkArgs(port), port);
    SmtpClient client("127.0.0.1", port, {}, {}, SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(10));
    MailMessageCollection batch(50, sample());
    const SendReport report = client.send(batch);
    BOOST_TEST(report.succeededCount() == 50u);
    client.setUseMultiConnection(MultiConnectionMode::Enable);
    client.setConnectionsQuantity(4);
    BOOST_TEST(client.send(batch).succeededCount() == 50u);
}

BOOST_AUTO_TEST_CASE(streamForwardOfLargeEmlUsesBoundedMemory) {
    const std::uint16_t port = freePort();
    Peer peer("/usr/sbin/smtp-sink", smtpSinkArgs(port), port);
    SmtpClient client("127.0.0.1", port, {}, {}, SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(30));
    const long before = peakRssKiB();
    const std::uint64_t size = 256ull * 1024 * 1024;
    GeneratedEml generator(size);
    std::istream in(&generator);
    const SendResult result = client.forward("a@example.org", {"b@example.org"}, in);
    const long after = peakRssKiB();
    BOOST_TEST(result.allAccepted());
    BOOST_TEST(result.messageSize > size);
    BOOST_TEST_MESSAGE("peak RSS before " << before << " KiB, after " << after << " KiB");
    BOOST_TEST(after - before < 16 * 1024);
}

BOOST_AUTO_TEST_SUITE_END()
