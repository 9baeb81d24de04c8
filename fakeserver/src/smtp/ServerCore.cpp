#include "smtp/ServerCore.h"

#include "mailrig/fakeserver/ServerSoftware.h"
#include "smtp/Channel.h"
#include "smtp/SmtpSession.h"
#include "smtp/TlsContext.h"
#include "store/SessionRecord.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>

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

void ServerCore::acceptLoop(Listener& listener) {
    const Poco::Timespan tick(0, 50 * 1000);
    while (!_stopping) {
        try {
            if (!listener.socket.poll(tick, Poco::Net::Socket::SELECT_READ)) {
                reapFinished();
                continue;
            }
            Poco::Net::StreamSocket socket = listener.socket.acceptConnection();
            if (_stopping) break;
            launch(std::move(socket), listener.implicitTls);
        } catch (const std::exception&) {
            // A failed accept (peer reset before accept, EMFILE) must not end the listener.
            if (!_stopping) pause(std::chrono::milliseconds(10));
        }
        reapFinished();
    }
}

void ServerCore::launch(Poco::Net::StreamSocket socket, bool implicitTls) {
    auto channel = std::make_shared<Channel>(std::move(socket));
    std::lock_guard<std::mutex> lock(_mutex);
    if (_connections.size() - _finished.size() >= _config.limits.maxConnections) {
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
    Connection& slot = _connections[id];
    slot.channel = channel;
    slot.thread = std::thread([this, id, channel, implicitTls] { runConnection(id, channel, implicitTls); });
}

void ServerCore::runConnection(std::uint64_t id, std::shared_ptr<Channel> channel, bool implicitTls) {
    SessionInfo info;
    info.id = id;
    info.peer = channel->peer();
    info.local = channel->local();
    info.connectedAt = std::chrono::system_clock::now();
    info.implicitTls = implicitTls;
    auto record = std::make_shared<SessionRecord>(std::move(info), _config.recordTranscript);
    _store.addSession(record);
    {
        SmtpSession session(*this, *channel, implicitTls, record);
        session.run();
    }
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _connections[id].channel.reset(); // stop() must no longer abort this descriptor
        _finished.push_back(id);
    }
    channel->close();
    record->update([](SessionInfo& s) { s.closed = true; });
}

void ServerCore::reapFinished() {
    std::vector<std::thread> done;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (std::uint64_t id : _finished) {
            auto it = _connections.find(id);
            if (it == _connections.end()) continue;
            done.push_back(std::move(it->second.thread));
            _connections.erase(it);
        }
        _finished.clear();
    }
    for (std::thread& t : done)
        if (t.joinable()) t.join();
}

std::size_t ServerCore::activeConnections() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _connections.size() - _finished.size();
}

bool ServerCore::pause(std::chrono::milliseconds duration) {
    std::unique_lock<std::mutex> lock(_mutex);
    return !_wake.wait_for(lock, duration, [this] { return _stopping.load(); });
}

void ServerCore::stop() {
    if (_stopping.exchange(true)) {
        // A second call still waits for the first to finish joining (it is the same thread in
        // practice: stop() then the destructor).
        return;
    }
    _wake.notify_all();
    for (auto& listener : _listeners)
        if (listener->thread.joinable()) listener->thread.join();
    for (auto& listener : _listeners) {
        try {
            listener->socket.close();
        } catch (...) {
        }
    }
    std::vector<std::thread> threads;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _wake.notify_all();
        for (auto& [id, connection] : _connections) {
            if (connection.channel) connection.channel->abort();
            threads.push_back(std::move(connection.thread));
        }
    }
    for (std::thread& t : threads)
        if (t.joinable()) t.join();
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _connections.clear();
        _finished.clear();
    }
    _running = false;
}

} // namespace mailrig::fake::detail
