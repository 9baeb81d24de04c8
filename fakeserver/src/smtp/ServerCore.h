#pragma once

#include "io/MemoryHeadroom.h"
#include "mailrig/fakeserver/MessageStore.h"
#include "mailrig/fakeserver/ServerConfig.h"
#include "mailrig/fakeserver/SpoolWriter.h"
#include "rules/RuleEngine.h"
#include "smtp/Connection.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mailrig::fake::detail {

class Channel;
class EventLoop;

/// The running machinery behind `FakeSmtpServer`: the listeners, the event loops that accept on
/// them and serve plain sessions, the worker threads for sessions that need one, the rule
/// engine, the TLS context and the store. Sessions call back into it (`pause`, `stopping`).
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

    /// False when keeping `bytes` more in the store would leave the process less than
    /// `kMemoryReserve` of memory (`seen` then says what limits it). Reads the system once per
    /// `kMemoryCheckStep` of content kept, and for every message while memory is short. Any
    /// thread.
    bool roomToKeep(std::size_t bytes, MemoryHeadroom& seen);
    /// Sleeps up to `duration`; returns false early when the server is stopping.
    bool pause(std::chrono::milliseconds duration);
    bool stopping() const { return _stopping.load(); }

    // Used by the event loops (any of them: each call is thread-safe).

    /// Takes an accepted socket (`peer` is its address as text): refuses it with `421` and
    /// closes it (returning null) when `Limits::maxConnections` are open; otherwise records the
    /// session in the store and returns the connection with its session, not yet greeted.
    std::unique_ptr<Connection> admit(int fd, std::string peer, bool implicitTls);
    /// True when the event loop may serve this connection's session itself.
    bool servesOnLoop(const Connection& connection) const { return _sessionsOnLoop && !connection.implicitTls; }
    /// The loop with the fewest sessions; `self` when none has fewer.
    EventLoop& loopWithFewestSessions(EventLoop& self);
    /// Gives the connection a worker thread, which runs its session to the end.
    void handOff(std::unique_ptr<Connection> connection);
    /// Ends a connection: its session, its socket, and its record (`closed`).
    void finish(Connection& connection);

private:
    void open(std::uint16_t port, bool implicitTls);
    void workerLoop();

    ServerConfig _config;
    MessageStore _store;
    std::unique_ptr<RuleEngine> _rules;
    Poco::Net::Context::Ptr _tlsContext;
    std::unique_ptr<SpoolWriter> _spool; ///< when `spoolDirectory` is set; a capture callback
    std::vector<Poco::Net::ServerSocket> _listeners;
    std::vector<std::unique_ptr<EventLoop>> _loops; ///< `ServerConfig::loopCount()` of them
    bool _sessionsOnLoop = false;
    std::uint16_t _port = 0;
    std::uint16_t _tlsPort = 0;
    std::atomic<bool> _running{false};
    std::atomic<bool> _stopping{false};
    std::atomic<std::size_t> _keptSinceCheck{0}; ///< content bytes kept since memory was last read
    std::atomic<bool> _memoryShort{false};       ///< the last reading found too little
    bool _started = false;

    // Worker threads are reused: a finished session's worker waits for the next connection
    // handed off, so a client that opens one TLS connection per message does not pay for a
    // thread each time. Workers live until stop(); there are never more than the peak of
    // concurrent threaded sessions (bounded by Limits::maxConnections).
    mutable std::mutex _mutex;
    std::condition_variable _wake;      ///< stop() and pause()
    std::condition_variable _jobReady;  ///< a connection was handed off
    std::deque<std::unique_ptr<Connection>> _jobs;
    std::map<std::uint64_t, std::shared_ptr<Channel>> _active; ///< open connections; stop() aborts them
    std::vector<std::thread> _workers;
    std::size_t _idleWorkers = 0;
    std::uint64_t _nextSessionId = 0;
};

} // namespace mailrig::fake::detail
