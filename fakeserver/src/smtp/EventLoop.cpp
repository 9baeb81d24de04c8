#include "smtp/EventLoop.h"

#include "smtp/Channel.h"
#include "smtp/ServerCore.h"

#include <Poco/Net/SocketAddress.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace mailrig::fake::detail {

namespace {
constexpr int kMaxEvents = 64;
constexpr int kAcceptsPerWake = 64; // then serve the sessions already open before accepting more
constexpr std::chrono::milliseconds kAcceptPause{10};
constexpr std::chrono::microseconds kSpin{200};

[[noreturn]] void systemError(const char* what) {
    throw std::runtime_error(std::string("fake SMTP server: ") + what + ": " + std::strerror(errno));
}

std::string addressText(const sockaddr_storage& address, socklen_t length) {
    try {
        return Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&address), static_cast<poco_socklen_t>(length)).toString();
    } catch (...) {
        return "?";
    }
}

std::uint32_t interestOf(SmtpSession::Next next) { return next == SmtpSession::Next::Write ? EPOLLOUT : EPOLLIN; }
} // namespace

EventLoop::EventLoop(ServerCore& core) : _core(core) {
    _epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (_epoll < 0) systemError("epoll_create1");
    _wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (_wake < 0) {
        ::close(_epoll);
        systemError("eventfd");
    }
    control(EPOLL_CTL_ADD, _wake, EPOLLIN);
}

EventLoop::~EventLoop() {
    stop();
    ::close(_wake);
    ::close(_epoll);
}

void EventLoop::control(int operation, int fd, std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    if (::epoll_ctl(_epoll, operation, fd, &event) != 0) systemError("epoll_ctl");
}

void EventLoop::addListener(int fd, bool implicitTls) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) systemError("fcntl O_NONBLOCK on a listener");
    // EPOLLEXCLUSIVE: when several loops sleep on this listener, a connection wakes one of them,
    // not all (the others would find nothing to accept).
    control(EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLEXCLUSIVE);
    _listeners.push_back(Listener{fd, implicitTls});
}

void EventLoop::start() {
    _thread = std::thread([this] { run(); });
}

void EventLoop::wake() {
    std::uint64_t one = 1;
    ssize_t written = ::write(_wake, &one, sizeof one);
    (void)written; // the counter cannot overflow from this
}

void EventLoop::requestStop() {
    _stopping = true;
    wake();
}

void EventLoop::stop() {
    requestStop();
    if (_thread.joinable()) _thread.join();
}

void EventLoop::endSessions() {
    for (auto& [fd, watched] : _sessions) _core.finish(*watched.connection);
    _sessions.clear();
    std::vector<std::unique_ptr<Connection>> adopted;
    {
        std::lock_guard<std::mutex> lock(_adoptMutex);
        adopted.swap(_adopted);
    }
    for (auto& connection : adopted) _core.finish(*connection);
    _load = 0;
}

void EventLoop::adopt(std::unique_ptr<Connection> connection) {
    {
        std::lock_guard<std::mutex> lock(_adoptMutex);
        _adopted.push_back(std::move(connection));
    }
    ++_load;
    wake();
}

void EventLoop::takeAdopted() {
    std::uint64_t count = 0;
    ssize_t got = ::read(_wake, &count, sizeof count); // re-arms the wake-up
    (void)got;
    std::vector<std::unique_ptr<Connection>> adopted;
    {
        std::lock_guard<std::mutex> lock(_adoptMutex);
        adopted.swap(_adopted);
    }
    for (auto& connection : adopted) {
        --_load; // counted again by serveNew
        serveNew(std::move(connection));
    }
}

void EventLoop::run() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    epoll_event events[kMaxEvents];
    while (!_stopping) {
        int ready = wait(events);
        if (ready < 0) {
            if (errno == EINTR) continue;
            break; // cannot happen with a valid epoll descriptor
        }
        for (int i = 0; i < ready && !_stopping; ++i) {
            int fd = events[i].data.fd;
            if (fd == _wake) {
                takeAdopted();
                continue;
            }
            auto listener = std::find_if(_listeners.begin(), _listeners.end(), [fd](const Listener& l) { return l.fd == fd; });
            if (listener != _listeners.end()) acceptFrom(*listener);
            else serve(fd, events[i].events);
        }
        Clock::time_point now = Clock::now();
        if (now >= _acceptResumes) resumeAccepting();
        if (now >= _nextCheck) expireDue(now);
    }
}

int EventLoop::wait(::epoll_event* events) {
    // Adaptive spinning. When the peer answers quickly, sleeping in epoll_wait and being woken
    // costs more than the work of a command: on an idle (virtual) machine the CPU parks while
    // the thread sleeps, and waking it dominated every round trip (one session ran at less than
    // half its speed on a busy machine). So while the last wake-up came within kSpin of going
    // to sleep, ask again without sleeping for up to kSpin first, yielding the CPU on each turn
    // to anything else runnable on it (the peer itself, on a busy machine). A peer that takes
    // longer turns spinning off until it answers quickly again; an idle server never spins.
    Clock::time_point now = Clock::now();
    if (_spinning) {
        const Clock::time_point until = now + kSpin;
        do {
            int ready = ::epoll_wait(_epoll, events, kMaxEvents, 0);
            if (ready != 0) return ready;
            ::sched_yield();
            now = Clock::now();
        } while (now < until && !_stopping);
    }
    int ready = ::epoll_wait(_epoll, events, kMaxEvents, waitMilliseconds(now));
    _spinning = ready > 0 && Clock::now() - now < kSpin;
    return ready;
}

int EventLoop::waitMilliseconds(Clock::time_point now) const {
    Clock::time_point next = std::min(_nextCheck, _acceptResumes);
    if (next == Clock::time_point::max()) return -1;
    if (next <= now) return 0;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1; // never early
    return static_cast<int>(std::min<long long>(wait, 60 * 1000));
}

void EventLoop::acceptFrom(Listener& listener) {
    for (int n = 0; n < kAcceptsPerWake; ++n) {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        int fd = ::accept4(listener.fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            pauseAccepting(); // EMFILE, ENFILE, ENOBUFS: the pending peers wait in the backlog
            return;
        }
        std::unique_ptr<Connection> connection;
        try {
            connection = _core.admit(fd, addressText(address, length), listener.implicitTls);
        } catch (const std::exception&) {
            continue; // admit closed the socket (or it owns it now); nothing to serve
        }
        if (!connection) continue; // refused with 421: too many connections
        if (!_core.servesOnLoop(*connection)) {
            _core.handOff(std::move(connection));
            continue;
        }
        EventLoop& owner = _core.loopWithFewestSessions(*this);
        if (&owner != this) owner.adopt(std::move(connection));
        else serveNew(std::move(connection));
    }
}

void EventLoop::serveNew(std::unique_ptr<Connection> connection) {
    const int fd = connection->channel->fd();
    Watched& watched = _sessions[fd];
    watched.connection = std::move(connection);
    ++_load;
    settle(fd, watched, watched.connection->session->begin());
}

// An EPOLLEXCLUSIVE registration cannot be modified (EPOLL_CTL_MOD fails with EINVAL): a paused
// listener is removed from the set and added again.
void EventLoop::pauseAccepting() {
    for (Listener& listener : _listeners) {
        if (listener.watched) control(EPOLL_CTL_DEL, listener.fd, 0);
        listener.watched = false;
    }
    _acceptResumes = Clock::now() + kAcceptPause;
}

void EventLoop::resumeAccepting() {
    for (Listener& listener : _listeners) {
        if (!listener.watched) control(EPOLL_CTL_ADD, listener.fd, EPOLLIN | EPOLLEXCLUSIVE);
        listener.watched = true;
    }
    _acceptResumes = Clock::time_point::max();
}

void EventLoop::serve(int fd, std::uint32_t events) {
    auto found = _sessions.find(fd);
    if (found == _sessions.end()) return; // ended earlier in this round
    Watched& watched = found->second;
    SmtpSession& session = *watched.connection->session;
    SmtpSession::Next next = watched.waitingFor;
    if (watched.waitingFor == SmtpSession::Next::Write) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) next = session.writable();
    } else if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        next = session.readable();
    }
    settle(fd, watched, next);
}

void EventLoop::settle(int fd, Watched& watched, SmtpSession::Next next) {
    using Next = SmtpSession::Next;
    if (next == Next::Thread || next == Next::Close) {
        if (watched.registered) control(EPOLL_CTL_DEL, fd, 0);
        std::unique_ptr<Connection> connection = std::move(watched.connection);
        _sessions.erase(fd);
        --_load;
        if (next == Next::Thread) _core.handOff(std::move(connection));
        else _core.finish(*connection);
        return;
    }
    if (!watched.registered) {
        control(EPOLL_CTL_ADD, fd, interestOf(next));
        watched.registered = true;
    } else if (next != watched.waitingFor) {
        control(EPOLL_CTL_MOD, fd, interestOf(next));
    }
    watched.waitingFor = next;
    watched.deadline = watched.connection->session->deadline();
    _nextCheck = std::min(_nextCheck, watched.deadline);
}

void EventLoop::expireDue(Clock::time_point now) {
    std::vector<int> due;
    Clock::time_point next = Clock::time_point::max();
    for (auto& [fd, watched] : _sessions) {
        // Deadlines only move later while a session waits, so a stale earlier one is refreshed
        // here rather than on every event.
        watched.deadline = watched.connection->session->deadline();
        if (watched.deadline <= now) due.push_back(fd);
        else next = std::min(next, watched.deadline);
    }
    _nextCheck = next;
    for (int fd : due) {
        auto found = _sessions.find(fd);
        settle(fd, found->second, found->second.connection->session->expire());
    }
}

} // namespace mailrig::fake::detail
