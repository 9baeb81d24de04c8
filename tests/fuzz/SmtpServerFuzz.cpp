// Fuzz target: any bytes as what an SMTP client sends to the fake server, over a real loopback
// connection. The first byte picks one of three servers (plain with AUTH on event loops; STARTTLS
// on a thread per connection with tight limits, smuggling refused and overlong lines refused;
// scripted faults); the rest is written in one go, the client half-closes, and the harness
// reads every reply until the server closes. A crash, a sanitizer finding, or a server that
// neither answers nor closes within 20 seconds (the session timeouts are 3) is a finding.
#include "fuzz/Exchange.h"
#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/ServerConfigYaml.h"

#include <yaml-cpp/yaml.h>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using namespace mailrig::fake;

namespace {

constexpr auto kSessionTimeout = std::chrono::seconds(3);
constexpr auto kHang = std::chrono::seconds(20);

ServerConfig withShortTimeouts(ServerConfig config) {
    config.limits.commandTimeout = kSessionTimeout;
    config.limits.dataBlockTimeout = kSessionTimeout;
    config.limits.idleTimeout = kSessionTimeout;
    config.users = {{"user", "secret"}};
    config.allowInsecureAuth = true;
    return config;
}

std::unique_ptr<FakeSmtpServer> startServer(int kind) {
    ServerConfig config = ServerConfig::plain();
    if (kind == 1) {
        config = ServerConfig::withStartTls();
        config.threading = Threading::ThreadPerConnection;
        config.smuggling = SmugglingPolicy::Reject;
        config.limits.rejectOverlongLines = true;
        config.limits.messageSize = 4096;
        config.limits.recipientsPerMessage = 3;
        config.limits.messagesPerSession = 2;
        config.limits.maxBadCommands = 5;
        config.limits.maxAuthFailures = 2;
    } else if (kind == 2) {
        config.rules = rulesFromYaml(YAML::Load(R"(
- {on: RCPT, nth: 2, reply: "451 4.3.0 try later"}
- {on: MAIL, match: "*slow*", delay_ms: 1}
- {on: DATA, match: "*abort*", abort_after_bytes: 100}
- {on: RCPT, match: "*drop*", disconnect: true}
- {on: EHLO, match: "*old*", ehlo: ["SIZE 100", "8BITMIME"]}
- {on: MAIL, nth: 3, close421: true}
)"),
                                     "fuzz rules");
    }
    auto server = std::make_unique<FakeSmtpServer>(withShortTimeouts(std::move(config)));
    server->start();
    return server;
}

FakeSmtpServer& server(int kind) {
    static std::unique_ptr<FakeSmtpServer> servers[3];
    if (!servers[kind]) servers[kind] = startServer(kind);
    return *servers[kind];
}

[[noreturn]] void finding(const char* what) {
    std::fprintf(stderr, "SmtpServerFuzz: %s\n", what);
    std::abort();
}

void converse(std::uint16_t port, const std::string& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) finding("cannot create a socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    if (connected != 0 && errno == EINTR) {
        // libFuzzer's timer signal interrupted the call; the connection goes on being made.
        pollfd wait{fd, POLLOUT, 0};
        while (::poll(&wait, 1, 5000) < 0 && errno == EINTR) {
        }
        int error = ETIMEDOUT;
        socklen_t length = sizeof error;
        if (wait.revents & (POLLOUT | POLLERR | POLLHUP)) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        connected = error == 0 ? 0 : -1;
        errno = error;
    }
    if (connected != 0) {
        std::fprintf(stderr, "SmtpServerFuzz: connect: %s\n", std::strerror(errno));
        finding("cannot connect");
    }
    if (!mailrig::fuzz::exchange(fd, bytes, kHang)) finding("the server neither answered nor closed the connection");
    // Closed with a reset: thousands of conversations a second would otherwise leave their
    // ports in TIME_WAIT until none is left to connect from.
    const linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const int kind = data[0] % 3;
    FakeSmtpServer& target = server(kind);
    converse(target.port(), std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
    target.store().clear();
    return 0;
}
