#include "smtp/ServerCore.h"

#include "mailrig/fakeserver/ServerSoftware.h"
#include "smtp/Channel.h"
#include "smtp/SmtpSession.h"
#include "smtp/TlsContext.h"
#include "store/SessionRecord.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>

#include <csignal>
#include <pthread.h>
#include <stdexcept>

namespace mailrig::fake::detail {

ServerCore::ServerCore(ServerConfig config) : _config(std::move(config)) {}

ServerCore::~ServerCore() { stop(); }

ServerCore::Listener& ServerCore::open(std::uint16_t port, bool implicitTls) {
    auto listener = std::make_unique<Listener>();
    listener->implicitTls = implicitTls;
    std::string where = _config.host + ":" + std::to_string(port);
    try {
        Poco::Net::SocketAddress address(_config.host, port);
        // SO_REUSEADDR for restarts, never SO_REUSEPORT (it would let a second server share the
        // port silently). Poco 1.11's ServerSocket::bind(address, reuseAddress, reusePort) sets
        // SO_REUSEPORT whenever reuseAddress is true, so bind through the SocketImpl.
        listener->socket.impl()->bind(address, true, false);
        listener->socket.listen(1024);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("fake SMTP server cannot listen on " + where + ": " + e.displayText());
    }
    _listeners.push_back(std::move(listener));
    return *_listeners.back();
}

void ServerCore::start() {
    if (_started) throw std::logic_error("FakeSmtpServer::start(): already started (make a new server to restart)");
    _config.validate();
    _started = true;
    _rules = std::make_unique<RuleEngine>(_config.rules);
    if (_config.tls) _tlsContext = makeServerContext(*_config.tls);
    if (!_config.spoolDirectory.empty()) {
        _spool = std::make_unique<SpoolWriter>(_config.spoolDirectory);
        _spool->attach(_store);
    }
    Listener& plain = open(_config.port, false);
    _port = plain.socket.address().port();
    if (_config.implicitTlsPort) {
        Listener& tls = open(*_config.implicitTlsPort, true);
        _tlsPort = tls.socket.address().port();
    }
    _running = true;
    for (auto& listener : _listeners) {
        Listener* l = listener.get();
        l->thread = std::thread([this, l] { acceptLoop(*l); });
    }
}

namespace {
// A write to a peer that reset the connection raises SIGPIPE, which would end the whole test
// process. OpenSSL writes with plain write(2), so MSG_NOSIGNAL is not enough: the server's own
// threads block the signal (write then fails with EPIPE), leaving the process's handlers alone.
void blockSigpipeInThisThread() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}
} // namespace

void ServerCore::acceptLoop(Listener& listener) {
    blockSigpipeInThisThread();
    const Poco::Timespan tick(0, 50 * 1000);
    while (!_stopping) {
        try {
            if (!listener.socket.poll(tick, Poco::Net::Socket::SELECT_READ)) continue;
            Poco::Net::StreamSocket socket = listener.socket.acceptConnection();
            if (_stopping) break;
            launch(std::move(socket), listener.implicitTls);
        } catch (const std::exception&) {
            // A failed accept (peer reset before accept, EMFILE) must not end the listener.
            if (!_stopping) pause(std::chrono::milliseconds(10));
        }
    }
}

void ServerCore::launch(Poco::Net::StreamSocket socket, bool implicitTls) {
    auto channel = std::make_shared<Channel>(std::move(socket));
    std::lock_guard<std::mutex> lock(_mutex);
    if (_active.size() >= _config.limits.maxConnections) {
        // RFC 5321 4.3.2: 421 at connection time. Best effort, never blocks the acceptor long.
        try {
            std::string text = "421 4.7.0 " + _config.hostname + " Too many connections, try again later\r\n";
            channel->send(text.data(), text.size(), std::chrono::milliseconds(200));
        } catch (...) {
        }
        channel->close();
        return;
    }
    std::uint64_t id = ++_nextSessionId;
    _active[id] = channel;
    _jobs.push_back(Job{id, channel, implicitTls});
    if (_idleWorkers > 0) _jobReady.notify_one();
    else _workers.emplace_back([this] { workerLoop(); });
}

void ServerCore::workerLoop() {
    blockSigpipeInThisThread();
    std::unique_lock<std::mutex> lock(_mutex);
    for (;;) {
        ++_idleWorkers;
        _jobReady.wait(lock, [this] { return _stopping.load() || !_jobs.empty(); });
        --_idleWorkers;
        if (_stopping) return;
        Job job = std::move(_jobs.front());
        _jobs.pop_front();
        lock.unlock();
        runConnection(job);
        lock.lock();
    }
}

void ServerCore::runConnection(const Job& job) {
    SessionInfo info;
    info.id = job.id;
    info.peer = job.channel->peer();
    info.local = job.channel->local();
    info.connectedAt = std::chrono::system_clock::now();
    info.implicitTls = job.implicitTls;
    auto record = std::make_shared<SessionRecord>(std::move(info), _config.recordTranscript);
    _store.addSession(record);
    {
        SmtpSession session(*this, *job.channel, job.implicitTls, record);
        session.run();
    }
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _active.erase(job.id); // stop() must no longer abort this descriptor
    }
    job.channel->close();
    record->update([](SessionInfo& s) { s.closed = true; });
}

std::size_t ServerCore::activeConnections() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _active.size();
}

bool ServerCore::pause(std::chrono::milliseconds duration) {
    std::unique_lock<std::mutex> lock(_mutex);
    return !_wake.wait_for(lock, duration, [this] { return _stopping.load(); });
}

void ServerCore::stop() {
    if (_stopping.exchange(true)) return;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _wake.notify_all();
        _jobReady.notify_all();
    }
    for (auto& listener : _listeners)
        if (listener->thread.joinable()) listener->thread.join();
    for (auto& listener : _listeners) {
        try {
            listener->socket.close();
        } catch (...) {
        }
    }
    std::vector<std::thread> workers;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (auto& [id, channel] : _active) channel->abort();
        workers.swap(_workers);
    }
    for (std::thread& t : workers)
        if (t.joinable()) t.join();
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (Job& job : _jobs) job.channel->close(); // accepted but never served
        _jobs.clear();
        _active.clear();
    }
    _running = false;
}

} // namespace mailrig::fake::detail
