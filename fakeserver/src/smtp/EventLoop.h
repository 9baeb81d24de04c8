#pragma once

#include "smtp/Connection.h"
#include "smtp/SmtpSession.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

struct epoll_event;

namespace mailrig::fake::detail {

class ServerCore;

/// One of the server's event-loop threads (`ServerConfig::eventLoops`): accepts on every
/// listener (so a new connection costs no hand-off when it is served here), and serves the
/// plain-text sessions the core lets it keep, with epoll over non-blocking reads and writes.
/// Several loops watch the same listeners with EPOLLEXCLUSIVE: a new connection wakes one
/// sleeping loop (a loop that is busy or polling may take it first). The loop that accepts it
/// serves it when no loop has fewer sessions, and otherwise hands it to the one with the fewest
/// (`adopt`), so sessions that arrive together spread over the loops; a session then stays on
/// its loop.
/// A session that must wait mid-command, and every connection the core wants on a thread, is
/// handed to the core's workers.
class EventLoop {
public:
    /// Creates the epoll set and the wake-up descriptor; throws std::runtime_error naming the
    /// system's reason when it cannot.
    explicit EventLoop(ServerCore& core);
    /// Stops (see `stop`) and closes the descriptors.
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /// Watches a listening socket (made non-blocking here; still owned by the caller; other
    /// loops may watch it too). Before `start` only.
    void addListener(int fd, bool implicitTls);
    /// Starts the loop's thread.
    void start();
    /// Takes a connection another loop accepted (not yet greeted): queued, and the loop woken
    /// to greet and serve it. Any thread.
    void adopt(std::unique_ptr<Connection> connection);
    /// The sessions on this loop, with those handed to it and not yet taken in. Any thread.
    std::size_t load() const { return _load.load(std::memory_order_relaxed); }
    /// Tells the loop's thread to end (returns at once). Any thread.
    void requestStop();
    /// `requestStop`, then waits for the loop's thread. Idempotent; any thread but the loop's.
    void stop();
    /// After `stop`: ends every session still on the loop or handed to it (their connections
    /// are closed without a reply, like the blocked reads `ServerCore::stop` aborts). When
    /// several loops run, stop them all first: a loop may hand connections to another.
    void endSessions();

private:
    using Clock = SmtpSession::Clock;
    struct Listener {
        int fd;
        bool implicitTls;
        bool watched = true;
    };
    /// A session on the loop and what it waits for.
    struct Watched {
        std::unique_ptr<Connection> connection;
        SmtpSession::Next waitingFor = SmtpSession::Next::Read;
        bool registered = false;
        Clock::time_point deadline;
    };

    void run();
    /// Makes the loop's `epoll_wait` return (the wake-up descriptor becomes readable).
    void wake();
    int wait(::epoll_event* events);
    void acceptFrom(Listener& listener);
    void serveNew(std::unique_ptr<Connection> connection);
    void takeAdopted();
    void pauseAccepting();
    void resumeAccepting();
    void serve(int fd, std::uint32_t events);
    void settle(int fd, Watched& watched, SmtpSession::Next next);
    void expireDue(Clock::time_point now);
    int waitMilliseconds(Clock::time_point now) const;
    void control(int operation, int fd, std::uint32_t events);

    ServerCore& _core;
    int _epoll = -1;
    int _wake = -1;
    std::vector<Listener> _listeners;
    std::unordered_map<int, Watched> _sessions;
    std::atomic<std::size_t> _load{0}; ///< `_sessions` plus `_adopted`
    std::mutex _adoptMutex;
    std::vector<std::unique_ptr<Connection>> _adopted; ///< handed over by other loops
    Clock::time_point _nextCheck = Clock::time_point::max(); ///< no deadline is earlier
    Clock::time_point _acceptResumes = Clock::time_point::max(); ///< after EMFILE and friends
    bool _spinning = false; ///< the peers answered quickly lately: poll briefly before sleeping
    std::atomic<bool> _stopping{false};
    std::thread _thread;
};

} // namespace mailrig::fake::detail
