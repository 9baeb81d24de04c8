#include "smtp/SmtpSession.h"

#include "smtp/Channel.h"
#include "smtp/Sasl.h"
#include "smtp/ServerCore.h"
#include "smtp/TlsContext.h"
#include "store/SessionRecord.h"

#include <Poco/Exception.h>

#include <cctype>

namespace mailrig::fake::detail {

bool SmtpSession::checkStartTls(const CommandLine& c) {
    if (!_core.config().capabilities.startTls || !_core.tlsContext())
        return refuse(502, "5.5.1", "STARTTLS not offered"), false;
    if (_channel.tls()) return refuse(503, "5.5.1", "TLS already active"), false;
    if (!c.argument.empty()) return refuse(501, "5.5.4", "STARTTLS takes no argument"), false;
    return true;
}

void SmtpSession::proceedStartTls(const CommandLine&) {
    reply(220, "2.0.0", "Ready to start TLS");
    flush();
    if (!_in.empty()) {
        // RFC 3207 5 / CVE-2011-0411: plaintext after STARTTLS must not be carried into TLS.
        note("discarded " + std::to_string(_in.size()) + " plaintext bytes sent after STARTTLS");
        _record->update([](SessionInfo& s) { s.startTlsInjection = true; });
        _in.clear();
    }
    handshake("starttls");
    // RFC 3207 4.2: forget everything learned before TLS, the authentication included.
    _transaction = Transaction{};
    _connection.esmtp = false;
    _connection.advertised.clear();
    if (_connection.authenticated) {
        _connection.authenticated = false;
        _record->update([](SessionInfo& s) {
            s.authUser.clear();
            s.authMechanism.clear();
        });
    }
    setState(State::Connected);
}

void SmtpSession::handshake(std::string_view how) {
    bool failFromCommand = _pending.failTls;
    _pending = Pending{};
    if (!applyRules(Phase::Tls, how)) throw CloseSession{};
    if (failFromCommand || _pending.failTls) {
        flush();
        const std::string& alert = tlsHandshakeFailureAlert();
        try {
            _channel.send(alert.data(), alert.size(), _core.config().limits.idleTimeout);
        } catch (const std::exception&) {
        }
        hangUp("scripted TLS handshake failure");
    }
    try {
        _channel.startTls(_core.tlsContext(), _core.config().limits.commandTimeout);
    } catch (const Poco::Exception& e) {
        hangUp("TLS handshake failed: " + e.displayText());
    }
    _record->update([&](SessionInfo& s) {
        s.tls = true;
        s.tlsVersion = _channel.tlsVersion();
        s.tlsCipher = _channel.tlsCipher();
    });
    note("TLS established: " + _channel.tlsVersion() + " " + _channel.tlsCipher());
}

bool SmtpSession::checkAuth(const CommandLine& c) {
    const ServerConfig& config = _core.config();
    if (config.users.empty() || config.capabilities.authMechanisms.empty())
        return refuse(502, "5.5.1", "AUTH not offered"), false;
    if (_connection.authenticated) return refuse(503, "5.5.1", "Already authenticated"), false;
    if (_connection.state == State::Connected || !_connection.esmtp) return refuse(503, "5.5.1", "Send EHLO first"), false;
    if (_connection.state != State::Greeted) return refuse(503, "5.5.1", "AUTH not allowed during a mail transaction"), false;
    if (!_channel.tls() && !config.allowInsecureAuth)
        return refuse(538, "5.7.11", "Encryption required for requested authentication mechanism"), false;
    std::string mechanism = c.argument.substr(0, c.argument.find(' '));
    for (char& ch : mechanism) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (mechanism.empty()) return refuse(501, "5.5.4", "Syntax: AUTH <mechanism> [initial-response]"), false;
    bool known = false;
    for (const std::string& offered : config.capabilities.authMechanisms) {
        std::string upper = offered;
        for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        known = known || upper == mechanism;
    }
    if (!known) return refuse(504, "5.5.4", "Unrecognized authentication type"), false;
    _authMechanism = mechanism;
    _authInitial.reset();
    std::size_t space = c.argument.find(' ');
    if (space != std::string::npos) _authInitial = c.argument.substr(space + 1);
    if (_authInitial && mechanism == "CRAM-MD5")
        return refuse(501, "5.7.0", "CRAM-MD5 takes no initial response"), false;
    return true;
}

std::optional<std::string> SmtpSession::saslExchange(std::string_view challenge) {
    writeReply(334, {}, challenge);
    std::string line;
    if (readLine(line, _core.config().limits.authLineLength, true) == LineStatus::TooLong) {
        // RFC 4954 4 and 6: the line limit of an exchange; the reply ends the AUTH command.
        refuse(500, "5.5.6", "Authentication Exchange line is too long");
        return std::nullopt;
    }
    if (line == "*") {
        refuse(501, "5.7.0", "Authentication cancelled");
        return std::nullopt;
    }
    std::optional<std::string> decoded = decodeBase64(line);
    if (!decoded) refuse(501, "5.5.2", "Cannot decode the SASL response (base64)");
    return decoded;
}

void SmtpSession::proceedAuth(const CommandLine&) {
    const ServerConfig& config = _core.config();
    auto initial = [&](std::string_view prompt) -> std::optional<std::string> {
        if (!_authInitial) return saslExchange(prompt);
        if (*_authInitial == "=") return std::string();
        std::optional<std::string> decoded = decodeBase64(*_authInitial);
        if (!decoded) refuse(501, "5.5.2", "Cannot decode the SASL initial response (base64)");
        return decoded;
    };
    std::optional<SaslCredentials> credentials;
    std::string challenge;
    if (_authMechanism == "PLAIN") {
        std::optional<std::string> response = initial("");
        if (!response) return;
        credentials = parsePlain(*response);
    } else if (_authMechanism == "LOGIN") {
        std::optional<std::string> user = initial(encodeBase64("Username:"));
        if (!user) return;
        std::optional<std::string> password = saslExchange(encodeBase64("Password:"));
        if (!password) return;
        credentials = SaslCredentials{*user, *password};
    } else if (_authMechanism == "CRAM-MD5") {
        challenge = cramMd5Challenge(config.hostname);
        std::optional<std::string> response = saslExchange(encodeBase64(challenge));
        if (!response) return;
        credentials = parseCramMd5(*response);
    } else if (_authMechanism == "XOAUTH2") {
        std::optional<std::string> response = initial("");
        if (!response) return;
        credentials = parseXoauth2(*response);
    }
    if (!credentials) return refuse(501, "5.5.2", "Malformed " + _authMechanism + " response");
    if (!checkCredentials(config.users, _authMechanism, *credentials, challenge)) {
        // The XOAUTH2 error: a 334 with a JSON status, answered by an empty line, then 535. A
        // client that cancels it (`*`) or answers garbage has had its one reply (501) already.
        const bool answered =
            _authMechanism == "XOAUTH2" &&
            !saslExchange(encodeBase64(R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})"));
        ++_connection.authFailures;
        _record->append('*', "authentication failed for user " + credentials->user);
        if (config.limits.maxAuthFailures && _connection.authFailures >= config.limits.maxAuthFailures)
            closeWith(421, "4.7.0", config.hostname + " Too many authentication failures, closing connection");
        if (!answered) refuse(535, "5.7.8", "Authentication credentials invalid");
        return;
    }
    _connection.authenticated = true;
    _record->update([&](SessionInfo& s) {
        s.authUser = credentials->user;
        s.authMechanism = _authMechanism;
    });
    reply(235, "2.7.0", "Authentication successful");
}

} // namespace mailrig::fake::detail
