#include "smtp/SmtpConnection.h"

#include "mailrig/client/SmtpException.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <Poco/Net/IPAddress.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <cerrno>
#include <mutex>

namespace mailrig::detail {

namespace {

void initializeSslOnce() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

Poco::Timespan span(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

/// `3 s` for whole seconds, else `1500 ms`.
std::string duration(std::chrono::milliseconds ms) {
    if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
    return std::to_string(ms.count()) + " ms";
}

/// `host:port`, an IPv6 address in brackets.
std::string endpoint(const std::string& host, std::uint16_t port) {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

/// Why the last certificate check on this thread failed (the handshake runs on the caller's
/// thread, so the callback and the error message meet here).
thread_local std::string lastVerifyError;

int recordVerifyError(int ok, X509_STORE_CTX* store) {
    if (!ok && lastVerifyError.empty()) {
        const int error = X509_STORE_CTX_get_error(store);
        std::string subject;
        if (X509* cert = X509_STORE_CTX_get_current_cert(store)) {
            char name[256] = {};
            X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name - 1);
            subject = name;
        }
        lastVerifyError = std::string(X509_verify_cert_error_string(error)) + " (certificate " +
                          subject + ", depth " + std::to_string(X509_STORE_CTX_get_error_depth(store)) + ")";
    }
    return ok;
}

int openSslVersion(TlsVersion v) {
    switch (v) {
    case TlsVersion::Tls10: return TLS1_VERSION;
    case TlsVersion::Tls11: return TLS1_1_VERSION;
    case TlsVersion::Tls12: return TLS1_2_VERSION;
    case TlsVersion::Tls13: return TLS1_3_VERSION;
    }
    return TLS1_2_VERSION;
}

} // namespace

Poco::Net::Context::Ptr makeClientContext(const TlsSettings& settings, const std::string& serverName) {
    initializeSslOnce();
    Poco::Net::Context::Params params;
    params.verificationMode = settings.verifyCertificate ? Poco::Net::Context::VERIFY_RELAXED
                                                         : Poco::Net::Context::VERIFY_NONE;
    params.verificationDepth = 9;
    params.cipherList = "ALL:!aNULL:!eNULL:!EXPORT:!LOW:@STRENGTH";
    if (!settings.caFile.empty()) params.caLocation = settings.caFile;
    else if (!settings.caDirectory.empty()) params.caLocation = settings.caDirectory;
    params.loadDefaultCAs = settings.caFile.empty() && settings.caDirectory.empty();
    Poco::Net::Context::Ptr context;
    try {
        context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    } catch (const Poco::Exception& e) {
        throw SmtpTlsException("cannot set up TLS (CA file '" + params.caLocation +
                                   "'): " + e.displayText(),
                               "TLS");
    }
    SSL_CTX_set_min_proto_version(context->sslContext(), openSslVersion(settings.minimumVersion));
    // The name check is OpenSSL's own (RFC 6125: DNS names, wildcards, IP addresses), done
    // during the handshake; Poco's check afterwards is not used.
    context->enableExtendedCertificateVerification(false);
    if (settings.verifyCertificate)
        SSL_CTX_set_verify(context->sslContext(), SSL_VERIFY_PEER, recordVerifyError);
    if (settings.verifyCertificate && settings.checkHostName && !serverName.empty()) {
        X509_VERIFY_PARAM* param = SSL_CTX_get0_param(context->sslContext());
        Poco::Net::IPAddress ip;
        const bool isIp = Poco::Net::IPAddress::tryParse(serverName, ip);
        const int ok = isIp ? X509_VERIFY_PARAM_set1_ip_asc(param, serverName.c_str())
                            : X509_VERIFY_PARAM_set1_host(param, serverName.c_str(), serverName.size());
        if (ok != 1) throw SmtpTlsException("cannot check the certificate for '" + serverName + "'", "TLS");
    }
    return context;
}

SmtpConnection::SmtpConnection(const std::string& host, std::uint16_t port,
                               std::chrono::milliseconds timeout, const TlsSettings& tls,
                               bool implicitTls)
    : _host(host), _endpoint(endpoint(host, port)), _tls(tls), _context("CONNECT") {
    try {
        Poco::Net::SocketAddress address(host, port);
        _socket.connect(address, span(timeout));
    } catch (const Poco::TimeoutException&) {
        throw SmtpConnectionException("connecting to " + _endpoint + " timed out after " + duration(timeout),
                                      "CONNECT", true);
    } catch (const Poco::Exception& e) {
        throw SmtpConnectionException("cannot connect to " + _endpoint + ": " + e.displayText(), "CONNECT");
    }
    _fd.store(static_cast<int>(_socket.impl()->sockfd()));
    _socket.setNoDelay(true);
    setTimeout(timeout);
    if (implicitTls) startTls();
}

SmtpConnection::~SmtpConnection() { close(); }

void SmtpConnection::setTimeout(std::chrono::milliseconds timeout) {
    _timeout = timeout;
    _socket.setReceiveTimeout(span(timeout));
    _socket.setSendTimeout(span(timeout));
}

void SmtpConnection::startTls() {
    const std::string serverName = _tls.serverName.empty() ? _host : _tls.serverName;
    _context_ = makeClientContext(_tls, serverName);
    lastVerifyError.clear();
    // The handshake as a whole gets the timeout: each of its waits only what is left of it.
    const auto deadline = std::chrono::steady_clock::now() + _timeout;
    auto timedOut = [&] {
        return SmtpConnectionException("TLS handshake with " + _endpoint + " timed out after " + duration(_timeout),
                                       _context, true);
    };
    try {
        Poco::Net::SecureStreamSocket secure =
            Poco::Net::SecureStreamSocket::attach(_socket, serverName, _context_);
        // attach() starts the handshake; a wait that timed out leaves it unfinished (WANT_READ).
        for (;;) {
            const auto left = std::max(std::chrono::milliseconds(1),
                                       std::chrono::duration_cast<std::chrono::milliseconds>(
                                           deadline - std::chrono::steady_clock::now()));
            secure.setReceiveTimeout(span(left));
            secure.setSendTimeout(span(left));
            if (secure.completeHandshake() == 1) break;
            if (std::chrono::steady_clock::now() >= deadline) throw timedOut();
        }
        _socket = secure;
        setTimeout(_timeout);
    } catch (const SmtpException&) {
        throw;
    } catch (const Poco::TimeoutException&) {
        throw timedOut();
    } catch (const Poco::Exception& e) {
        const std::string reason = lastVerifyError.empty()
                                       ? e.displayText()
                                       : "certificate not accepted: " + lastVerifyError;
        throw SmtpTlsException("TLS handshake with " + serverName + " failed: " + reason, _context);
    }
    _secure = true;
}

void SmtpConnection::rethrowIo(const std::string& what) {
    if (_aborted.load()) throw SmtpCancelledException(_context);
    try {
        throw;
    } catch (const SmtpException&) {
        throw;
    } catch (const Poco::TimeoutException&) {
        throw SmtpConnectionException(std::string(what) + " timed out after " + duration(_timeout), _context, true);
    } catch (const Poco::Net::SSLException& e) {
        throw SmtpTlsException(std::string(what) + " failed in TLS: " + e.displayText(), _context);
    } catch (const Poco::IOException& e) {
        // A send timeout surfaces as EAGAIN ("Operation would block"): it is a timeout.
        if (e.code() == EAGAIN || e.code() == EWOULDBLOCK || e.displayText().find("would block") != std::string::npos)
            throw SmtpConnectionException(std::string(what) + " timed out after " + duration(_timeout), _context, true);
        throw SmtpConnectionException(std::string(what) + " failed: " + e.displayText(), _context);
    } catch (const Poco::Exception& e) {
        throw SmtpConnectionException(std::string(what) + " failed: " + e.displayText(), _context);
    }
}

void SmtpConnection::beginReply() {
    _replyDeadline = std::chrono::steady_clock::now() + _timeout;
    _readInReply = false;
}

void SmtpConnection::endReply() noexcept {
    _replyDeadline.reset();
    if (!_timeoutShortened) return;
    _timeoutShortened = false;
    try {
        setTimeout(_timeout);
    } catch (...) {
    }
}

std::size_t SmtpConnection::receive(char* buffer, std::size_t capacity) {
    int n = 0;
    auto what = [this] {
        return _context == "CONNECT" ? "waiting for the greeting of " + _endpoint : "reading the reply of " + _endpoint;
    };
    if (_replyDeadline && _readInReply) {
        // A later read of the same reply: only what is left of its time.
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*_replyDeadline -
                                                                                std::chrono::steady_clock::now());
        if (left.count() <= 0)
            throw SmtpConnectionException(what() + " timed out after " + duration(_timeout), _context, true);
        _socket.setReceiveTimeout(span(left));
        _timeoutShortened = true;
    }
    _readInReply = true;
    try {
        n = _socket.receiveBytes(buffer, static_cast<int>(capacity));
    } catch (...) {
        rethrowIo(what());
    }
    if (_aborted.load()) throw SmtpCancelledException(_context);
    if (n <= 0) throw SmtpConnectionException("the server closed the connection", _context);
    return static_cast<std::size_t>(n);
}

void SmtpConnection::send(const char* data, std::size_t size) {
    const auto deadline = std::chrono::steady_clock::now() + _timeout;
    bool first = true;
    try {
        while (size > 0) {
            if (!first) {
                // The kernel took part of it: the rest gets only what is left of the time.
                const auto left =
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
                if (left.count() <= 0) throw Poco::TimeoutException("send");
                _socket.setSendTimeout(span(left));
                _timeoutShortened = true;
            }
            first = false;
            const int chunk = static_cast<int>(std::min<std::size_t>(size, 1 << 30));
            const int n = _socket.sendBytes(data, chunk);
            if (n <= 0) throw SmtpConnectionException("the server closed the connection", _context);
            data += n;
            size -= static_cast<std::size_t>(n);
        }
    } catch (...) {
        rethrowIo("writing to " + _endpoint);
    }
    if (_timeoutShortened && !_replyDeadline) {
        _timeoutShortened = false;
        setTimeout(_timeout);
    }
    if (_aborted.load()) throw SmtpCancelledException(_context);
}

std::string SmtpConnection::localAddressLiteral() const {
    try {
        const Poco::Net::SocketAddress local = _socket.address();
        if (local.family() == Poco::Net::SocketAddress::IPv6)
            return "[IPv6:" + local.host().toString() + "]";
        return "[" + local.host().toString() + "]";
    } catch (const Poco::Exception&) {
        return "[127.0.0.1]";
    }
}

void SmtpConnection::abort() {
    _aborted.store(true);
    const int fd = _fd.load();
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

void SmtpConnection::close() noexcept {
    try {
        _fd.store(-1);
        _socket.close();
    } catch (...) {
    }
}

} // namespace mailrig::detail
