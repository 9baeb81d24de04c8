#include "smtp/ServerCore.h"

#include "smtp/Channel.h"
#include "smtp/EventLoop.h"
#include "smtp/SmtpSession.h"
#include "smtp/TlsContext.h"
#include "store/SessionRecord.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <csignal>
#include <pthread.h>
#include <stdexcept>

namespace mailrig::fake::detail {

Connection::Connection() = default;
Connection::~Connection() = default;

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

ServerCore::ServerCore(ServerConfig config) : _config(std::move(config)) {}

ServerCore::~ServerCore() { stop(); }

void ServerCore::open(std::uint16_t port, bool implicitTls) {
    Poco::Net::ServerSocket socket;
    std::string where = _config.host + ":" + std::to_string(port);
    try {
        Poco::Net::SocketAddress address(_config.host, port);
        // SO_REUSEADDR for restarts, never SO_REUSEPORT (it would let a second server share the
        // port silently). Poco 1.11's ServerSocket::bind(address, reuseAddress, reusePort) sets
        // SO_REUSEPORT whenever reuseAddress is true, so bind through the SocketImpl.
        socket.impl()->bind(address, true, false);
        socket.listen(1024);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("fake SMTP server cannot listen on " + where + ": " + e.displayText());
    }
    (implicitTls ? _tlsPort : _port) = socket.address().port();
    for (auto& loop : _loops) loop->addListener(static_cast<int>(socket.impl()->sockfd()), implicitTls);
    _listeners.push_back(std::move(socket));
}

void ServerCore::start() {
    if (_started) throw std::logic_error("FakeSmtpServer::start(): already started (make a new server to restart)");
    _config.validate();
    _started = true;
    _rules = std::make_unique<RuleEngine>(_config.rules);
    // A delaying rule sleeps on the session's thread: such a server gives each its own.
    _sessionsOnLoop = _config.threading == Threading::EventLoop && !_rules->pauses();
    if (_config.tls) _tlsContext = makeServerContext(*_config.tls);
    if (!_config.spoolDirectory.empty()) {
        _spool = std::make_unique<SpoolWriter>(_config.spoolDirectory);
        _spool->attach(_store);
    }
    // Where every session gets a worker thread, one loop only accepts: more would add nothing.
    const std::size_t loops = _sessionsOnLoop ? _config.loopCount() : 1;
    for (std::size_t i = loops; i > 0; --i) _loops.push_back(std::make_unique<EventLoop>(*this));
    open(_config.port, false);
    if (_config.implicitTlsPort) open(*_config.implicitTlsPort, true);
    _running = true;
    for (auto& loop : _loops) loop->start();
}

std::unique_ptr<Connection> ServerCore::admit(int fd, std::string peer, bool implicitTls) {
    auto channel = std::make_shared<Channel>(Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(fd)));
    std::uint64_t id = 0;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_active.size() >= _config.limits.maxConnections) {
            // RFC 5321 4.3.2: 421 at connection time. A fresh socket's buffer takes it at once.
            try {
                std::string text = "421 4.7.0 " + _config.hostname + " Too many connections, try again later\r\n";
                channel->sendNow(text.data(), text.size());
            } catch (...) {
            }
            channel->close();
            return nullptr;
        }
        id = ++_nextSessionId;
        _active[id] = channel;
    }
    SessionInfo info;
    info.id = id;
    info.peer = std::move(peer);
    info.local = channel->local();
    info.connectedAt = std::chrono::system_clock::now();
    info.implicitTls = implicitTls;
    auto connection = std::make_unique<Connection>();
    connection->id = id;
    connection->implicitTls = implicitTls;
    connection->channel = std::move(channel);
    connection->record = std::make_shared<SessionRecord>(std::move(info), _config.recordTranscript);
    _store.addSession(connection->record);
    connection->session = std::make_unique<SmtpSession>(*this, *connection->channel, implicitTls, connection->record);
    return connection;
}

EventLoop& ServerCore::loopWithFewestSessions(EventLoop& self) {
    EventLoop* best = &self;
    std::size_t fewest = self.load();
    for (auto& loop : _loops) {
        const std::size_t load = loop->load();
        if (load < fewest) {
            best = loop.get();
            fewest = load;
        }
    }
    return *best;
}

void ServerCore::handOff(std::unique_ptr<Connection> connection) {
    std::lock_guard<std::mutex> lock(_mutex);
    _jobs.push_back(std::move(connection));
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
        std::unique_ptr<Connection> connection = std::move(_jobs.front());
        _jobs.pop_front();
        lock.unlock();
        connection->session->run();
        finish(*connection);
        connection.reset();
        lock.lock();
    }
}

void ServerCore::finish(Connection& connection) {
    connection.session.reset();
    // The record and the store are settled before the connection stops counting as active, so
    // whoever waits for activeConnections() == 0 sees them final.
    connection.record->update([](SessionInfo& s) { s.closed = true; });
    _store.endSession(connection.id);
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _active.erase(connection.id); // stop() must no longer abort this descriptor
    }
    connection.channel->close();
}

std::size_t ServerCore::activeConnections() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _active.size();
}

bool ServerCore::roomToKeep(std::size_t bytes, MemoryHeadroom& seen) {
    const std::size_t before = _keptSinceCheck.fetch_add(bytes);
    if (!_memoryShort.load() && before + bytes < kMemoryCheckStep && bytes < kMemoryCheckStep) return true;
    _keptSinceCheck.exchange(0); // this reading covers what every thread kept so far
    seen = memoryHeadroom();
    const bool room = bytes <= seen.bytes && seen.bytes - bytes >= kMemoryReserve;
    _memoryShort.store(!room);
    return room;
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
    // Every loop's thread ends before any loop's sessions do: a running loop may still hand a
    // connection to another. Nothing is accepted after this.
    for (auto& loop : _loops) loop->requestStop();
    for (auto& loop : _loops) loop->stop();
    for (auto& loop : _loops) loop->endSessions();
    for (auto& listener : _listeners) {
        try {
            listener.close();
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
    std::deque<std::unique_ptr<Connection>> unserved;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        unserved.swap(_jobs); // handed off but never served
    }
    for (auto& connection : unserved) finish(*connection);
    _running = false;
}

} // namespace mailrig::fake::detail
