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
#include <deque>
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
    /// An accepted connection waiting for a worker.
    struct Job {
        std::uint64_t id;
        std::shared_ptr<Channel> channel;
        bool implicitTls;
    };

    Listener& open(std::uint16_t port, bool implicitTls);
    void acceptLoop(Listener& listener);
    void launch(Poco::Net::StreamSocket socket, bool implicitTls);
    void workerLoop();
    void runConnection(const Job& job);

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

    // Connection threads are reused: a finished session's worker waits for the next accepted
    // connection, so a client that opens one connection per message does not pay for a thread
    // each time. Workers live until stop(); there are never more than the peak of concurrent
    // connections (bounded by Limits::maxConnections).
    mutable std::mutex _mutex;
    std::condition_variable _wake;      ///< stop() and pause()
    std::condition_variable _jobReady;  ///< a job was queued
    std::deque<Job> _jobs;
    std::map<std::uint64_t, std::shared_ptr<Channel>> _active; ///< queued or running; stop() aborts them
    std::vector<std::thread> _workers;
    std::size_t _idleWorkers = 0;
    std::uint64_t _nextSessionId = 0;
};

} // namespace mailrig::fake::detail
