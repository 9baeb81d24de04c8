#pragma once

#include "mailrig/fakeserver/MessageStore.h"
#include "mailrig/fakeserver/ServerConfig.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mailrig::fake {

namespace detail {
class ServerCore;
}

/// An SMTP server embedded in the calling process, capturing every accepted message into
/// `store()` and misbehaving as `ServerConfig::rules` say. Plain sessions share one event-loop
/// thread and others get worker threads (`ServerConfig::threading`); several servers can run in
/// one process (no global state besides OpenSSL's one-time initialisation).
///
/// ```
/// FakeSmtpServer server(ServerConfig::plain());
/// server.start();                       // listening on 127.0.0.1:server.port()
/// ... client sends ...
/// BOOST_TEST(server.store().waitForCount(1, std::chrono::seconds(5)));
/// ```
class FakeSmtpServer {
public:
    /// Keeps a copy of the configuration; nothing is opened yet.
    explicit FakeSmtpServer(ServerConfig config = ServerConfig::plain());
    /// Stops (see `stop()`).
    ~FakeSmtpServer();
    FakeSmtpServer(const FakeSmtpServer&) = delete;
    FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;

    /// Validates the configuration, loads the TLS material, binds and listens on every listener,
    /// and returns once connections are being accepted. Throws std::invalid_argument for a bad
    /// configuration, std::runtime_error naming the address and the system's reason when a
    /// listener cannot be opened or the TLS material cannot be loaded, std::logic_error when
    /// already started. A stopped server cannot be restarted: make a new one.
    void start();
    /// Stops accepting, closes every open connection (a transaction in progress is not
    /// captured), and joins every thread. Idempotent; safe from any thread but a connection
    /// thread of this server (a capture callback must not call it).
    void stop();
    /// True between a successful `start()` and `stop()`.
    bool running() const;

    /// The plain listener's port (the ephemeral one chosen when 0 was configured); 0 before start.
    std::uint16_t port() const;
    /// The implicit-TLS listener's port; 0 when there is none or before start.
    std::uint16_t tlsPort() const;
    /// The listen host from the configuration, e.g. `127.0.0.1`.
    const std::string& host() const;
    /// The configuration this server runs with.
    const ServerConfig& config() const;
    /// Everything captured so far; lives as long as the server.
    MessageStore& store();
    const MessageStore& store() const;
    /// Connections open right now.
    std::size_t activeConnections() const;

private:
    std::unique_ptr<detail::ServerCore> _core;
};

} // namespace mailrig::fake
