#pragma once

#include "mailrig/fakeserver/MessageStore.h"
#include "mailrig/fakeserver/ServerConfig.h"
#include "mailrig/fakeserver/SpoolWriter.h"
#include "rules/RuleEngine.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace mailrig::fake::detail {

class Channel;

/// The running machinery behind `FakeSmtpServer`: listeners with their acceptor threads, one
/// thread per connection, the rule engine, the TLS context and the store. Connection threads
/// call back into it (`pause`, `stopping`, `finished`).
class ServerCore {
public:
    explicit ServerCore(ServerConfig config);
    ~ServerCore();

    void start();
    void stop();
    bool running() const { return _running.load(); }
    std::uint16_t port() const { return _port; }
    std::uint16_t tlsPort() const { return _tlsPort; }

    const ServerConfig& config() const { return _config; }
    MessageStore& store() { return _store; }
    RuleEngine& rules() { return *_rules; }
    /// Null when the configuration has no TLS material.
    Poco::Net::Context::Ptr tlsContext() const { return _tlsContext; }
    std::size_t activeConnections() const;

    /// Sleeps up to `duration`; returns false early when the server is stopping.
    bool pause(std::chrono::milliseconds duration);
    bool stopping() const { return _stopping.load(); }

private:
    struct Listener {
        Poco::Net::ServerSocket socket;
        bool implicitTls = false;
        std::thread thread;
    };
    struct Connection {
        std::shared_ptr<Channel> channel; ///< null once the session closed it
        std::thread thread;
    };

    Listener& open(std::uint16_t port, bool implicitTls);
    void acceptLoop(Listener& listener);
    void launch(Poco::Net::StreamSocket socket, bool implicitTls);
    void runConnection(std::uint64_t id, std::shared_ptr<Channel> channel, bool implicitTls);
    void reapFinished();

    ServerConfig _config;
    MessageStore _store;
    std::unique_ptr<RuleEngine> _rules;
    Poco::Net::Context::Ptr _tlsContext;
    std::unique_ptr<SpoolWriter> _spool; ///< when `spoolDirectory` is set; a capture callback
    std::vector<std::unique_ptr<Listener>> _listeners;
    std::uint16_t _port = 0;
    std::uint16_t _tlsPort = 0;
    std::atomic<bool> _running{false};
    std::atomic<bool> _stopping{false};
    bool _started = false;

    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::map<std::uint64_t, Connection> _connections;
    std::vector<std::uint64_t> _finished;
    std::uint64_t _nextSessionId = 0;
};

} // namespace mailrig::fake::detail
