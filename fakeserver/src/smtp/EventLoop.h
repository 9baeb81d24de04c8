#pragma once

#include "smtp/Connection.h"
#include "smtp/SmtpSession.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

struct epoll_event;

namespace mailrig::fake::detail {

class ServerCore;

/// One of the server's event-loop threads (`ServerConfig::eventLoops`): accepts on every
/// listener (so a new connection costs no hand-off when it is served here), and serves the
/// plain-text sessions it accepted and the core lets it keep, with epoll over non-blocking reads
/// and writes; a session stays on the loop that accepted it. Several loops watch the same
/// listeners with EPOLLEXCLUSIVE: a new connection wakes one sleeping loop (a loop that is busy
/// or polling may take it first), so connections spread over the loops that have time for them.
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
    /// Wakes the loop, waits for its thread, and ends every session still on the loop (their
    /// connections are closed without a reply, like the blocked reads `ServerCore::stop` aborts).
    /// Idempotent; any thread but the loop's.
    void stop();

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
    int wait(::epoll_event* events);
    void acceptFrom(Listener& listener);
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
    Clock::time_point _nextCheck = Clock::time_point::max(); ///< no deadline is earlier
    Clock::time_point _acceptResumes = Clock::time_point::max(); ///< after EMFILE and friends
    bool _spinning = false; ///< the peers answered quickly lately: poll briefly before sleeping
    std::atomic<bool> _stopping{false};
    std::thread _thread;
};

} // namespace mailrig::fake::detail
