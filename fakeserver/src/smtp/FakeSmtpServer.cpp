#include "mailrig/fakeserver/FakeSmtpServer.h"

#include "smtp/ServerCore.h"

namespace mailrig::fake {

FakeSmtpServer::FakeSmtpServer(ServerConfig config) : _core(std::make_unique<detail::ServerCore>(std::move(config))) {}

FakeSmtpServer::~FakeSmtpServer() { stop(); }

void FakeSmtpServer::start() { _core->start(); }
void FakeSmtpServer::stop() { _core->stop(); }
bool FakeSmtpServer::running() const { return _core->running(); }
std::uint16_t FakeSmtpServer::port() const { return _core->port(); }
std::uint16_t FakeSmtpServer::tlsPort() const { return _core->tlsPort(); }
const std::string& FakeSmtpServer::host() const { return _core->config().host; }
const ServerConfig& FakeSmtpServer::config() const { return _core->config(); }
MessageStore& FakeSmtpServer::store() { return _core->store(); }
const MessageStore& FakeSmtpServer::store() const { return _core->store(); }
std::size_t FakeSmtpServer::activeConnections() const { return _core->activeConnections(); }

} // namespace mailrig::fake
