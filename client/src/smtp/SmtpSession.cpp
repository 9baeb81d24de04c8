#include "smtp/SmtpSession.h"

#include "smtp/DataEncoder.h"
#include "smtp/Sasl.h"

#include <algorithm>
#include <stdexcept>

namespace mailrig::detail {

namespace {

/// Output is written when this much is buffered: large writes, few system calls.
constexpr std::size_t kWriteBuffer = 256 * 1024;
/// Input is read from the source in pieces of this size.
constexpr std::size_t kReadPiece = 64 * 1024;
/// BDAT chunk size (RFC 3030 leaves it to the client).
constexpr std::size_t kChunkSize = 1024 * 1024;
/// The most command bytes of one pipelined group written before its replies are read: far less
/// than a connection buffers, far more than a message with a hundred recipients needs.
constexpr std::size_t kMaxGroupBytes = 16 * 1024;
/// How long a write that failed because the server closed waits for the reply it may have sent.
constexpr std::chrono::milliseconds kClosingReplyWait{1000};

/// RFC 3461 4: xtext, `+XX` for `+`, `=`, and bytes outside 33..126.
std::string xtext(const std::string& value) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (c < 33 || c > 126 || c == '+' || c == '=') {
            out.push_back('+');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out;
}

/// RFC 3461 4.2 and RFC 6533 3: the ORCPT value naming `address` itself: `rfc822;` and its
/// xtext for an ASCII address; else `utf-8;` and the 7-bit utf-8-addr-xtext form, which any
/// server accepts: each non-ASCII character, and `+`, `=` and `\`, as `\x{HEX}` (its code point
/// in upper-case hex without leading zeros). The address is valid UTF-8 (checked before).
std::string originalRecipient(const std::string& address) {
    const bool ascii = std::none_of(address.begin(), address.end(), [](char c) { return c & 0x80; });
    if (ascii) return "rfc822;" + xtext(address);
    static const char hex[] = "0123456789ABCDEF";
    std::string out = "utf-8;";
    for (std::size_t i = 0; i < address.size();) {
        const auto lead = static_cast<unsigned char>(address[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        char32_t code = length == 1 ? lead : lead & (0x3F >> (length - 1));
        for (std::size_t k = 1; k < length && i + k < address.size(); ++k)
            code = (code << 6) | (static_cast<unsigned char>(address[i + k]) & 0x3F);
        i += length;
        if (code > 0x20 && code < 0x7F && code != '+' && code != '=' && code != '\\') {
            out.push_back(static_cast<char>(code));
            continue;
        }
        std::string digits;
        for (; code; code >>= 4) digits.insert(digits.begin(), hex[code & 15]);
        if (digits.size() < 2) digits.insert(digits.begin(), 2 - digits.size(), '0');
        out += "\\x{" + digits + "}";
    }
    return out;
}

/// The error for a transaction whose commands went out behind a deferred end of data when the
/// reply to that ended the connection (`previous` holds it): a 421 applies to this transaction
/// too, as does a failed connection. Transient either way.
[[noreturn]] void throwForNext(const TransactionOutcome& previous, const std::string& command) {
    if (previous.error) {
        try {
            std::rethrow_exception(previous.error);
        } catch (const SmtpException& e) {
            if (e.replyCode())
                throw SmtpTransientException(command, e.replyCode(), e.enhancedStatus(), e.replyText());
            throw;
        }
    }
    throw SmtpConnectionException("the connection ended with the previous message's reply", command);
}

bool endsConnection(const SmtpException& e) {
    return e.kind() == SmtpErrorKind::Connection || e.kind() == SmtpErrorKind::Tls ||
           e.kind() == SmtpErrorKind::Cancelled || e.kind() == SmtpErrorKind::Protocol;
}

} // namespace

void throwForReply(const SmtpReply& reply, const std::string& command) {
    if (reply.transientFailure())
        throw SmtpTransientException(command, reply.code, reply.enhancedStatus, reply.text());
    throw SmtpPermanentException(command, reply.code, reply.enhancedStatus, reply.text());
}

SmtpSession::SmtpSession(const SmtpClientConfig& config, const CancellationToken* cancel)
    : _config(config), _cancel(cancel) {}

SmtpSession::~SmtpSession() {
    if (_cancel && _cancelCallback) _cancel->unregisterCallback(_cancelCallback);
}

void SmtpSession::checkCancelled(const std::string& command) const {
    if (_cancel && _cancel->isCancelled()) throw SmtpCancelledException(command);
}

void SmtpSession::trace(char direction, const std::string& text) const {
    if (_config.trace) _config.trace(TraceLine{direction, text});
}

void SmtpSession::send(const std::string& bytes) {
    try {
        _connection->send(bytes);
    } catch (const SmtpException& e) {
        if (endsConnection(e)) _alive = false;
        throw;
    }
}

void SmtpSession::sendContent(const std::string& bytes, const std::string& command) {
    try {
        send(bytes);
    } catch (const SmtpConnectionException& e) {
        if (e.timedOut()) throw;
        // A server may answer before the data ends and close (552 when a message goes far past
        // its limit): its reply is in the receive buffer already and says why.
        std::optional<SmtpReply> reply;
        try {
            _connection->setTimeout(kClosingReplyWait);
            reply = readReply(command);
        } catch (...) {
        }
        _alive = false;
        if (reply && reply->code >= 400) throwForReply(*reply, command);
        throw;
    }
}

SmtpReply SmtpSession::readReply(const std::string& command) {
    // One timeout for the whole reply, however it is split into reads.
    struct ReplyClock {
        SmtpConnection& connection;
        explicit ReplyClock(SmtpConnection& c) : connection(c) { connection.beginReply(); }
        ~ReplyClock() { connection.endReply(); }
        ReplyClock(const ReplyClock&) = delete;
        ReplyClock& operator=(const ReplyClock&) = delete;
    } clock(*_connection);
    try {
        SmtpReply reply = _reader->read(command);
        if (reply.code == 421) _alive = false;
        if (_config.trace)
            for (std::size_t i = 0; i < reply.lines.size(); ++i)
                trace('S', std::to_string(reply.code) + (i + 1 < reply.lines.size() ? "-" : " ") +
                               reply.lines[i]);
        return reply;
    } catch (const SmtpConnectionException& e) {
        _alive = false;
        // No answer in time to the end of the data: the server may have taken the message. A
        // retry could deliver it twice (RFC 5321 4.5.3.2.6), so this failure is not transient.
        if (e.timedOut() && command == "DATA-END")
            throw SmtpConnectionException(
                std::string(e.what()) + "; the server may have taken the message, so it is not sent again", command,
                true, false);
        throw;
    } catch (const SmtpException& e) {
        if (endsConnection(e)) _alive = false;
        throw;
    }
}

SmtpReply SmtpSession::command(const std::string& line, const std::string& shownAs) {
    const std::string& name = shownAs.empty() ? line : shownAs;
    checkCancelled(name);
    _connection->setContext(name);
    trace('C', name);
    send(line + "\r\n");
    return readReply(name);
}

void SmtpSession::failReply(const SmtpReply& reply, const std::string& command) {
    if (reply.code == 421) _alive = false;
    throwForReply(reply, command);
}

void SmtpSession::expect(const SmtpReply& reply, int code, const std::string& command) {
    if (reply.code != code) failReply(reply, command);
}

bool usesImplicitTls(SecurityOptions security, std::uint16_t port) {
    return security == SecurityOptions::SslImplicit || (security == SecurityOptions::Auto && port == 465);
}

void SmtpSession::open() {
    checkCancelled("CONNECT");
    const bool implicitTls = usesImplicitTls(_config.security, _config.port);
    _connection = std::make_unique<SmtpConnection>(_config.host, _config.port, _config.timeout,
                                                   _config.tls, implicitTls);
    SmtpConnection* connection = _connection.get();
    _reader = std::make_unique<ReplyReader>(
        [connection](char* buffer, std::size_t capacity) { return connection->receive(buffer, capacity); });
    _alive = true;
    trace('*', "connected to " + _config.host + ":" + std::to_string(_config.port) +
                   (implicitTls ? " with TLS" : ""));
    if (_cancel) _cancelCallback = _cancel->registerCallback([connection] { connection->abort(); });
    greet();
    hello();
    if (!implicitTls) secureSession();
    authenticate();
}

void SmtpSession::greet() {
    _connection->setContext("CONNECT");
    _connection->setTimeout(_config.greetingTimeout);
    const SmtpReply reply = readReply("CONNECT");
    _connection->setTimeout(_config.timeout);
    if (reply.code != 220) failReply(reply, "CONNECT");
}

void SmtpSession::hello() {
    const std::string name =
        _config.ehloName.empty() ? _connection->localAddressLiteral() : _config.ehloName;
    const SmtpReply ehlo = command("EHLO " + name);
    if (ehlo.code == 250) {
        _caps = Capabilities::parse(ehlo);
        return;
    }
    // RFC 5321 3.2: a server that does not know EHLO answers 500 or 502: fall back to HELO.
    // Any other refusal (554 no service, 501 a name it refuses, 550) ends the session.
    if (ehlo.code != 500 && ehlo.code != 502) failReply(ehlo, "EHLO " + name);
    const SmtpReply helo = command("HELO " + name);
    expect(helo, 250, "HELO " + name);
    _caps = Capabilities();
}

void SmtpSession::secureSession() {
    bool wanted = false;
    switch (_config.security) {
    case SecurityOptions::None:
    case SecurityOptions::SslImplicit: return;
    case SecurityOptions::SslExplicit:
        if (!_caps.startTls)
            throw SmtpTlsException("server " + _config.host +
                                       " does not offer STARTTLS (security: starttls)",
                                   "EHLO");
        wanted = true;
        break;
    case SecurityOptions::Auto:
        if (_caps.startTls) wanted = true;
        else if (!_config.tls.allowPlaintextFallback)
            throw SmtpTlsException("server " + _config.host +
                                       " does not offer STARTTLS and plaintext fallback is off "
                                       "(security: auto)",
                                   "EHLO");
        break;
    }
    if (!wanted) return;
    const SmtpReply reply = command("STARTTLS");
    if (reply.code != 220) {
        if (reply.code == 421) _alive = false;
        throw SmtpTlsException("server refused STARTTLS", "STARTTLS", reply.code,
                               reply.enhancedStatus, reply.text());
    }
    // Bytes after the 220 were sent in plaintext and must not be taken as TLS-protected replies
    // (CVE-2011-0411 style command injection).
    if (_reader->hasBufferedData()) {
        _alive = false;
        throw SmtpTlsException("server sent data after 220 to STARTTLS, before the TLS handshake",
                               "STARTTLS");
    }
    try {
        _connection->setContext("STARTTLS");
        _connection->startTls();
    } catch (const SmtpException&) {
        _alive = false;
        throw;
    }
    _reader->discardBuffer();
    trace('*', "TLS established");
    hello();
}

void SmtpSession::authenticate() {
    if (_config.username.empty()) return;
    // Credentials travel in clear text only when plaintext was chosen explicitly.
    if (!secure() && _config.security != SecurityOptions::None)
        throw SmtpAuthenticationException("refusing to send credentials for '" + _config.username +
                                              "' over a connection without TLS (choose security "
                                              "none to allow it)",
                                          "AUTH");
    if (_caps.auth.empty())
        throw SmtpAuthenticationException("server " + _config.host +
                                              " offers no AUTH but a user name was given",
                                          "EHLO");
    const auto mechanism = chooseMechanism(_config.authMechanisms, _caps.auth);
    if (!mechanism) {
        std::string offered, allowed;
        for (const auto& m : _caps.auth) offered += (offered.empty() ? "" : " ") + m;
        for (auto m : _config.authMechanisms) allowed += (allowed.empty() ? "" : " ") + toString(m);
        throw SmtpAuthenticationException("no AUTH mechanism both offered (" + offered +
                                              ") and allowed (" + allowed + ")",
                                          "AUTH");
    }
    const std::string name = "AUTH " + toString(*mechanism);
    auto fail = [&](const SmtpReply& reply, const std::string& step) {
        if (reply.code == 421) _alive = false;
        // A 334 nobody expected leaves the exchange open: RFC 4954 4 ends it with `*` (the
        // server then answers 501), so what follows is read as a command again.
        if (reply.code == 334) command("*", name + " (cancel)");
        throw SmtpAuthenticationException("authentication as '" + _config.username + "' failed",
                                          step, reply.code, reply.enhancedStatus, reply.text());
    };
    SmtpReply reply;
    switch (*mechanism) {
    case AuthMechanism::Plain:
        reply = command(name + " " + plainResponse(_config.username, _config.password), name);
        break;
    case AuthMechanism::Login:
        reply = command(name);
        if (reply.code != 334) fail(reply, name);
        reply = command(base64Encode(_config.username), name + " (user name)");
        if (reply.code != 334) fail(reply, name + " (user name)");
        reply = command(base64Encode(_config.password), name + " (password)");
        break;
    case AuthMechanism::CramMd5: {
        reply = command(name);
        if (reply.code != 334) fail(reply, name);
        std::string challenge;
        try {
            challenge = base64Decode(reply.lines.empty() ? std::string() : reply.lines.front());
        } catch (const std::invalid_argument&) {
            command("*", name + " (cancel)");
            throw SmtpProtocolException("CRAM-MD5 challenge is not base64", name);
        }
        reply = command(cramMd5Response(_config.username, _config.password, challenge),
                        name + " (response)");
        break;
    }
    case AuthMechanism::XOAuth2:
        reply = command(name + " " + xoauth2Response(_config.username, _config.password), name);
        // On failure the server sends a 334 with a JSON error and waits for an empty line.
        if (reply.code == 334) reply = command("", name + " (error acknowledgement)");
        break;
    }
    if (reply.code != 235) fail(reply, name);
}

std::string SmtpSession::mailCommand(const Envelope& envelope, MessageSource& content,
                                     const TransactionParams& params) const {
    std::string line = "MAIL FROM:<" + envelope.sender + ">";
    if (_caps.sizeOffered && content.size()) line += " SIZE=" + std::to_string(*content.size());
    if (params.eightBitMime) line += " BODY=8BITMIME";
    if (params.smtpUtf8) line += " SMTPUTF8";
    if (_caps.dsn) {
        const DsnOptions& dsn = _config.dsn;
        if (dsn.ret == DsnOptions::Return::Full) line += " RET=FULL";
        if (dsn.ret == DsnOptions::Return::Headers) line += " RET=HDRS";
        if (!dsn.envelopeId.empty()) line += " ENVID=" + xtext(dsn.envelopeId);
    }
    return line;
}

std::string SmtpSession::rcptCommand(const std::string& address) const {
    std::string line = "RCPT TO:<" + address + ">";
    const DsnOptions& dsn = _config.dsn;
    if (_caps.dsn && (dsn.notifyNever || dsn.notifySuccess || dsn.notifyFailure || dsn.notifyDelay)) {
        std::string notify;
        if (dsn.notifyNever) notify = "NEVER";
        else {
            if (dsn.notifySuccess) notify += "SUCCESS";
            if (dsn.notifyFailure) notify += std::string(notify.empty() ? "" : ",") + "FAILURE";
            if (dsn.notifyDelay) notify += std::string(notify.empty() ? "" : ",") + "DELAY";
        }
        line += " NOTIFY=" + notify;
    }
    if (_caps.dsn && dsn.originalRecipient) line += " ORCPT=" + originalRecipient(address);
    return line;
}

TransactionOutcome SmtpSession::transact(const Envelope& envelope, MessageSource& content,
                                         const TransactionParams& params, EndOfData end) {
    if (!isOpen()) throw std::logic_error("SMTP session is not open");
    TransactionOutcome out;
    for (const auto& r : envelope.recipients) {
        RecipientResult result;
        result.address = r;
        out.recipients.push_back(result);
    }
    const bool chunking = _config.chunking && _caps.chunking;
    const bool pipelined = _config.pipelining && _caps.pipelining;
    // Only a pipelined DATA transaction holds its end back, and only such a one rides along.
    const bool defer = end == EndOfData::Defer && pipelined && !chunking;
    if (_deferred && (!pipelined || chunking)) _settled = settle();
    bool dataStarted = false;
    try {
        const std::string mail = mailCommand(envelope, content, params);
        if (_caps.maxSize && content.size() && *content.size() > _caps.maxSize)
            throw SmtpCapabilityException("message of " + std::to_string(*content.size()) +
                                              " bytes exceeds the server's SIZE limit of " +
                                              std::to_string(_caps.maxSize),
                                          mail);
        // After a failed transaction: RSET, in the same write as the next group when pipelining.
        const bool reset = _needsReset;
        if (reset && !pipelined) {
            const SmtpReply rset = command("RSET");
            if (rset.code != 250) failReply(rset, "RSET");
        }
        checkCancelled(mail);
        _needsReset = true;
        std::vector<std::string> rcpts;
        for (const auto& r : envelope.recipients) rcpts.push_back(rcptCommand(r));

        SmtpReply mailReply;
        std::vector<SmtpReply> rcptReplies;
        SmtpReply dataReply;
        bool haveDataReply = false;
        // A server that answered 354 although the transaction failed gets an empty message
        // (RFC 2920 3.1): never any content.
        auto abandonData = [&] {
            if (haveDataReply && dataReply.code == 354) {
                _connection->setContext("DATA-END (empty message)");
                trace('C', ".");
                send(".\r\n");
                readReply("DATA-END (empty message)");
            }
        };
        if (pipelined) {
            // RFC 2920: MAIL, every RCPT and DATA in one write; replies come back in order. A
            // transaction awaiting its reply has its end of data lead the same write.
            // A group larger than kMaxGroupBytes goes out in parts, each part's replies read
            // before the next is written: a client that blocks on writes must keep a group within
            // what the connection buffers (RFC 2920 3.1), or both sides can wait on each other.
            const bool settling = _deferred.has_value();
            std::vector<std::string> parts(1, settling ? std::move(_deferred->output) : std::string());
            std::vector<std::size_t> rcptsBefore; // per part after the first: RCPTs in the parts before it
            if (reset) parts.back() += "RSET\r\n";
            parts.back() += mail + "\r\n";
            std::size_t commandBytes = mail.size() + 2; // the held-back end of data is not a command
            for (std::size_t i = 0; i < rcpts.size(); ++i) {
                if (commandBytes + rcpts[i].size() + 2 > kMaxGroupBytes) {
                    parts.emplace_back();
                    rcptsBefore.push_back(i);
                    commandBytes = 0;
                }
                parts.back() += rcpts[i] + "\r\n";
                commandBytes += rcpts[i].size() + 2;
            }
            if (!chunking) parts.back() += "DATA\r\n";
            const std::string& batch = parts.front();
            _connection->setContext(reset ? "RSET" : mail);
            if (_config.trace) {
                if (reset) trace('C', "RSET");
                trace('C', mail);
                for (const auto& r : rcpts) trace('C', r);
                if (!chunking) trace('C', "DATA");
            }
            try {
                send(batch);
            } catch (...) {
                if (settling) {
                    _settled = settleFailed(std::current_exception());
                    out.lostWithPrevious = true;
                }
                throw;
            }
            if (settling) {
                _settled = finishDeferred();
                out.lostWithPrevious = !_alive;
                if (!_alive) throwForNext(*_settled, mail);
                _connection->setContext(reset ? "RSET" : mail);
            }
            std::optional<SmtpReply> rsetRefused;
            if (reset) {
                const SmtpReply rset = readReply("RSET");
                if (rset.code == 421) failReply(rset, "RSET");
                if (rset.code != 250) rsetRefused = rset;
            }
            // Every reply of the group is read (RFC 2920 3.1), whatever came before.
            mailReply = readReply(mail);
            if (mailReply.code == 421) failReply(mailReply, mail);
            for (std::size_t i = 0, part = 1; i < rcpts.size(); ++i) {
                if (part < parts.size() && i == rcptsBefore[part - 1]) send(parts[part++]);
                rcptReplies.push_back(readReply(rcpts[i]));
                if (rcptReplies.back().code == 421) failReply(rcptReplies.back(), rcpts[i]);
            }
            if (!chunking) {
                dataReply = readReply("DATA");
                haveDataReply = true;
            }
            if (rsetRefused) {
                // A server that would not reset is in a state nobody knows: a DATA it accepted
                // gets an empty message, and the connection is not used again.
                abandonData();
                _alive = false;
                failReply(*rsetRefused, "RSET");
            }
        } else {
            mailReply = command(mail);
            if (mailReply.code / 100 == 2)
                for (const auto& r : rcpts) {
                    rcptReplies.push_back(command(r));
                    if (rcptReplies.back().code == 421) failReply(rcptReplies.back(), r);
                }
        }
        if (mailReply.code / 100 != 2) {
            abandonData();
            failReply(mailReply, mail);
        }
        std::size_t accepted = 0;
        for (std::size_t i = 0; i < rcptReplies.size(); ++i) {
            RecipientResult& r = out.recipients[i];
            r.replyCode = rcptReplies[i].code;
            r.enhancedStatus = rcptReplies[i].enhancedStatus;
            r.replyText = rcptReplies[i].text();
            r.status = rcptReplies[i].code / 100 == 2 ? RecipientStatus::Accepted
                                                      : RecipientStatus::Rejected;
            r.refusedAtRcpt = !r.accepted();
            if (r.accepted()) ++accepted;
        }
        if (accepted == 0) {
            abandonData();
            // Every recipient refused: the exception carries every outcome and, as its code,
            // the first permanent refusal; it is transient only when every refusal was.
            std::size_t first = 0;
            bool allTransient = true;
            for (std::size_t i = 0; i < rcptReplies.size(); ++i)
                if (!out.recipients[i].transient()) allTransient = false;
            for (std::size_t i = 0; i < rcptReplies.size(); ++i)
                if (!out.recipients[i].transient()) { first = i; break; }
            const SmtpReply& r = rcptReplies.at(first);
            if (allTransient)
                throw SmtpTransientException(rcpts[first], r.code, r.enhancedStatus, r.text(), out.recipients);
            throw SmtpPermanentException(rcpts[first], r.code, r.enhancedStatus, r.text(), out.recipients);
        }
        dataStarted = true;
        if (chunking) {
            sendChunks(content, out);
        } else {
            if (!haveDataReply) dataReply = command("DATA");
            if (dataReply.code != 354) failReply(dataReply, "DATA");
            std::string heldBack;
            sendData(content, out, defer ? &heldBack : nullptr);
            if (defer) {
                out.awaitingReply = true;
                _deferred = Deferred{out, std::move(heldBack)};
            }
        }
        _needsReset = false;
    } catch (...) {
        out.error = std::current_exception();
        concludeFailure(out, dataStarted);
    }
    return out;
}

void SmtpSession::concludeFailure(TransactionOutcome& out, bool dataStarted) noexcept {
    // abandon() settles a deferred transaction as failed too (never silently dropped).
    try {
        std::rethrow_exception(out.error);
    } catch (const SmtpException& e) {
        if (endsConnection(e) || (dataStarted && e.kind() != SmtpErrorKind::Reply)) abandon();
    } catch (...) {
        // A stream failed mid-message: the terminating dot must never follow a truncated
        // message, so the connection is dropped and the server discards the transaction.
        if (dataStarted) abandon();
    }
    if (dataStarted) {
        // The data was refused or never confirmed: no recipient got the message.
        int code = 0;
        std::string enhanced, text;
        try {
            std::rethrow_exception(out.error);
        } catch (const SmtpException& e) {
            code = e.replyCode();
            enhanced = e.enhancedStatus();
            text = e.replyCode() ? e.replyText() : e.what();
        } catch (const std::exception& e) {
            text = e.what();
        }
        for (auto& r : out.recipients)
            if (r.accepted()) {
                r.status = RecipientStatus::Rejected;
                r.replyCode = code;
                r.enhancedStatus = enhanced;
                r.replyText = text;
            }
    }
}

TransactionOutcome SmtpSession::settle() {
    if (!_deferred) throw std::logic_error("no SMTP transaction awaits its reply");
    try {
        _connection->setContext("DATA-END");
        send(_deferred->output);
    } catch (...) {
        return settleFailed(std::current_exception());
    }
    return finishDeferred();
}

std::optional<TransactionOutcome> SmtpSession::takeSettled() {
    std::optional<TransactionOutcome> settled = std::move(_settled);
    _settled.reset();
    return settled;
}

TransactionOutcome SmtpSession::finishDeferred() {
    TransactionOutcome out = std::move(_deferred->outcome);
    _deferred.reset();
    out.awaitingReply = false;
    try {
        _connection->setContext("DATA-END");
        const SmtpReply reply = readReply("DATA-END");
        out.dataReplyCode = reply.code;
        out.dataReplyText = reply.text();
        if (reply.code / 100 != 2) failReply(reply, "DATA-END");
    } catch (...) {
        out.error = std::current_exception();
        concludeFailure(out, true);
    }
    return out;
}

TransactionOutcome SmtpSession::settleFailed(std::exception_ptr error) noexcept {
    TransactionOutcome out = std::move(_deferred->outcome);
    _deferred.reset();
    out.awaitingReply = false;
    out.error = std::move(error);
    concludeFailure(out, true);
    return out;
}

void SmtpSession::sendData(MessageSource& content, TransactionOutcome& out, std::string* heldBack) {
    DataEncoder encoder(DataEncoder::Mode::Data);
    std::string buffer;
    buffer.reserve(kWriteBuffer + kReadPiece * 2 + 16);
    char piece[kReadPiece];
    std::size_t wireBytes = 0;
    _connection->setContext("DATA-END");
    for (;;) {
        checkCancelled("DATA-END");
        const std::size_t n = content.read(piece, sizeof piece);
        if (n == 0) break;
        out.contentConsumed = true;
        encoder.encode(piece, n, buffer);
        if (buffer.size() >= kWriteBuffer) {
            sendContent(buffer, "DATA-END");
            wireBytes += buffer.size();
            buffer.clear();
        }
    }
    encoder.finish(buffer);
    wireBytes += buffer.size();
    out.messageSize = encoder.contentSize();
    trace('C', "<message data: " + std::to_string(wireBytes) + " bytes>");
    if (heldBack) {
        *heldBack = std::move(buffer);
        return;
    }
    sendContent(buffer, "DATA-END");
    const SmtpReply reply = readReply("DATA-END");
    out.dataReplyCode = reply.code;
    out.dataReplyText = reply.text();
    if (reply.code / 100 != 2) failReply(reply, "DATA-END");
}

void SmtpSession::sendChunks(MessageSource& content, TransactionOutcome& out) {
    DataEncoder encoder(DataEncoder::Mode::Chunk);
    std::string chunk;
    chunk.reserve(kChunkSize + kReadPiece * 2 + 16);
    char piece[kReadPiece];
    auto flush = [&](bool last) {
        const std::string verb = "BDAT " + std::to_string(chunk.size()) + (last ? " LAST" : "");
        const std::string name = last ? "DATA-END" : verb;
        _connection->setContext(name);
        trace('C', verb);
        trace('C', "<message data: " + std::to_string(chunk.size()) + " bytes>");
        send(verb + "\r\n");
        sendContent(chunk, name);
        chunk.clear();
        const SmtpReply reply = readReply(name);
        if (last) {
            out.dataReplyCode = reply.code;
            out.dataReplyText = reply.text();
        }
        if (reply.code / 100 != 2) failReply(reply, name);
    };
    for (;;) {
        checkCancelled("BDAT");
        const std::size_t n = content.read(piece, sizeof piece);
        if (n == 0) break;
        out.contentConsumed = true;
        encoder.encode(piece, n, chunk);
        if (chunk.size() >= kChunkSize) flush(false);
    }
    encoder.finish(chunk);
    out.messageSize = encoder.contentSize();
    flush(true);
}

void SmtpSession::abandon() noexcept {
    _alive = false;
    if (_connection) _connection->abort();
    if (_deferred)
        _settled = settleFailed(std::make_exception_ptr(SmtpConnectionException(
            "the connection was dropped before the message's end of data went out", "DATA-END")));
}

void SmtpSession::quit() noexcept {
    // A held-back end of data nobody settled is never sent: the server discards the transaction.
    if (_deferred) abandon();
    if (_connection && _alive) {
        try {
            _connection->setTimeout(std::min(_config.timeout, std::chrono::milliseconds(5000)));
            command("QUIT");
        } catch (...) {
        }
    }
    _alive = false;
    if (_cancel && _cancelCallback) {
        _cancel->unregisterCallback(_cancelCallback);
        _cancelCallback = 0;
    }
    if (_connection) _connection->close();
}

} // namespace mailrig::detail
