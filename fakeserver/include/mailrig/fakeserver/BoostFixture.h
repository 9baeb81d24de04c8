#pragma once
/// A Boost.Test fixture that gives each test case a fresh, started fake server:
///
/// ```
/// #include <mailrig/fakeserver/BoostFixture.h>
/// BOOST_FIXTURE_TEST_CASE(sendsOneMessage, mailrig::fake::ServerFixture) {
///     ... connect to 127.0.0.1:server.port() ...
///     BOOST_TEST(server.store().waitForCount(1, std::chrono::seconds(5)));
/// }
/// ```
/// Include it after <boost/test/unit_test.hpp>. Header-only; needs Boost.Test only in the test.

#include "mailrig/fakeserver/FakeSmtpServer.h"

#include <chrono>
#include <string>

namespace mailrig::fake {

/// Starts `ServerConfig::plain()` in the constructor (a start failure fails the test case with
/// the reason) and stops it in the destructor. Derive to customise: pass a config to the
/// protected constructor.
struct ServerFixture {
    ServerFixture() : ServerFixture(ServerConfig::plain()) {}
    explicit ServerFixture(ServerConfig config) : server(std::move(config)) { server.start(); }

    /// Waits up to `timeout` for `n` captured messages; false on timeout.
    bool waitForMessages(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        return server.store().waitForCount(n, timeout);
    }
    /// `127.0.0.1:port` of the plain listener.
    std::string address() const { return server.host() + ":" + std::to_string(server.port()); }

    FakeSmtpServer server;
};

/// The same with STARTTLS and an implicit-TLS listener using the shared test certificate.
struct TlsServerFixture : ServerFixture {
    TlsServerFixture() : ServerFixture(ServerConfig::withImplicitTls()) {}
};

} // namespace mailrig::fake
