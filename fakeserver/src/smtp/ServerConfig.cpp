#include "mailrig/fakeserver/ServerConfig.h"

#include <algorithm>
#include <stdexcept>
#include <strings.h>
#include <thread>

namespace mailrig::fake {

TlsMaterial TlsMaterial::selfSigned(ServerCertificate kind) {
    TlsMaterial m;
    m.testCertificate = kind;
    return m;
}

TlsMaterial TlsMaterial::files(std::string certificateFile, std::string privateKeyFile) {
    TlsMaterial m;
    m.certificateFile = std::move(certificateFile);
    m.privateKeyFile = std::move(privateKeyFile);
    return m;
}

TlsMaterial TlsMaterial::pem(std::string certificatePem, std::string privateKeyPem) {
    TlsMaterial m;
    m.certificatePem = std::move(certificatePem);
    m.privateKeyPem = std::move(privateKeyPem);
    return m;
}

ServerConfig ServerConfig::plain() {
    return ServerConfig{};
}

ServerConfig ServerConfig::withStartTls(ServerCertificate kind) {
    ServerConfig c;
    c.tls = TlsMaterial::selfSigned(kind);
    return c;
}

ServerConfig ServerConfig::withImplicitTls(ServerCertificate kind) {
    ServerConfig c = withStartTls(kind);
    c.implicitTlsPort = 0;
    return c;
}

ServerConfig ServerConfig::withAuth(std::string user, std::string password) {
    ServerConfig c = withStartTls();
    c.users[std::move(user)] = std::move(password);
    return c;
}

std::size_t ServerConfig::loopCount() const {
    if (eventLoops != 0) return eventLoops;
    const std::size_t hardware = std::thread::hardware_concurrency();
    return std::clamp<std::size_t>(hardware, 1, kAutomaticEventLoops);
}

namespace {
[[noreturn]] void invalid(const std::string& field, const std::string& cause) {
    throw std::invalid_argument("server configuration: " + field + ": " + cause);
}
} // namespace

void ServerConfig::validate() const {
    if (host.empty()) invalid("host", "empty listen address");
    if (hostname.empty() || hostname.find_first_of(" \r\n") != std::string::npos)
        invalid("hostname", "must be one word without spaces");
    if (implicitTlsPort && !tls) invalid("implicitTlsPort", "an implicit-TLS listener needs `tls` material");
    if (implicitTlsPort && *implicitTlsPort != 0 && *implicitTlsPort == port)
        invalid("implicitTlsPort", "same port as the plain listener");
    if (tls) {
        if (tls->certificateFile.empty() != tls->privateKeyFile.empty())
            invalid("tls", "give both certificateFile and privateKeyFile");
        if (tls->certificatePem.empty() != tls->privateKeyPem.empty())
            invalid("tls", "give both certificatePem and privateKeyPem");
    }
    if (limits.commandLineLength < Limits::kMinCommandLineLength)
        invalid("limits.commandLineLength", "below " + std::to_string(Limits::kMinCommandLineLength) + " octets");
    if (limits.textLineLength < Limits::kMinTextLineLength)
        invalid("limits.textLineLength", "below " + std::to_string(Limits::kMinTextLineLength) + " octets");
    if (limits.authLineLength < Limits::kMinCommandLineLength)
        invalid("limits.authLineLength", "below " + std::to_string(Limits::kMinCommandLineLength) + " octets");
    if (limits.commandTimeout.count() <= 0) invalid("limits.commandTimeout", "must be positive");
    if (limits.dataBlockTimeout.count() <= 0) invalid("limits.dataBlockTimeout", "must be positive");
    if (limits.idleTimeout.count() <= 0) invalid("limits.idleTimeout", "must be positive");
    if (limits.maxConnections < Limits::kMinMaxConnections)
        invalid("limits.maxConnections", "must be at least " + std::to_string(Limits::kMinMaxConnections));
    if (eventLoops > 64) invalid("eventLoops", "at most 64 (0 = automatic)");
    for (const std::string& mechanism : capabilities.authMechanisms) {
        static const char* const known[] = {"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"};
        bool ok = false;
        for (const char* k : known) ok = ok || strcasecmp(k, mechanism.c_str()) == 0;
        if (!ok) invalid("capabilities.authMechanisms", "unknown SASL mechanism `" + mechanism + "`");
    }
    for (const std::string& line : capabilities.extra)
        if (line.empty() || line.find_first_of("\r\n") != std::string::npos)
            invalid("capabilities.extra", "each line must be non-empty and without CR/LF");
    for (std::size_t i = 0; i < rules.size(); ++i) {
        try {
            rules[i].validate();
        } catch (const std::invalid_argument& e) {
            invalid("rules[" + std::to_string(i) + "]", e.what());
        }
    }
}

} // namespace mailrig::fake
