#include "smtp/SmtpSession.h"

#include "mailrig/fakeserver/ServerSoftware.h"
#include "smtp/Channel.h"
#include "smtp/ServerCore.h"
#include "store/SessionRecord.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <cstring>

namespace mailrig::fake::detail {

SmtpSession::SmtpSession(ServerCore& core, Channel& channel, bool implicitTls, std::shared_ptr<SessionRecord> record)
    : _core(core), _channel(channel), _implicitTls(implicitTls), _record(std::move(record)),
      _counters(core.rules().newSession()) {}

std::size_t SmtpSession::lineLimitFor(std::string_view verb) const {
    const auto& limits = _core.config().limits;
    if (verb.empty()) return std::max(limits.commandLineLength + limits.parameterAllowance, limits.authLineLength);
    if (verb == "AUTH") return limits.authLineLength;
    if (verb == "MAIL" || verb == "RCPT") return limits.commandLineLength + limits.parameterAllowance;
    return limits.commandLineLength;
}

// ---------------------------------------------------------------------------------------------
// Dispatch: parse → built-in checks → rules → default action.

void SmtpSession::greet() {
    const ServerConfig& config = _core.config();
    // A scripted 4xx/5xx greeting was written by applyRules; then only QUIT is served.
    if (applyRules(Phase::Connect, _record->peer()))
        reply(220, {}, config.hostname + " ESMTP " + serverSoftware() + " ready");
    if (_pending.disconnectAfter) hangUp("disconnect after greeting");
}

void SmtpSession::dispatch(const std::string& line) {
    CommandLine command = splitCommand(line);
    bool secret = command.verb == "AUTH" && command.argument.find(' ') != std::string::npos;
    _record->append('C', secret ? "AUTH " + command.argument.substr(0, command.argument.find(' ')) + " ***" : line);
    _pending = Pending{};
    const CommandSpec* spec = findCommand(command.verb);
    _current = spec;
    if (!spec) {
        unknownCommand(command);
    } else if (line.size() + 2 > lineLimitFor(spec->verb)) {
        refuse(500, "5.5.2", "Line too long");
    } else if (_connection.refused && spec->phase != Phase::Quit) {
        refuse(503, "5.5.1", "Service not available, send QUIT");
    } else if (_core.config().requireStartTls && !_channel.tls() && !spec->allowedBeforeTls) {
        refuse(530, "5.7.0", "Must issue a STARTTLS command first");
    } else if ((this->*spec->check)(command)) {
        std::string_view argument = command.argument;
        if (spec->phase == Phase::Mail || spec->phase == Phase::Rcpt) argument = _path.address;
        if (spec->phase == Phase::Auth) argument = _authMechanism;
        if (applyRules(spec->phase, argument) || spec->phase == Phase::Bdat || spec->phase == Phase::Quit)
            (this->*spec->proceed)(command);
    }
    if (!_data) afterCommand(); // after DATA's 354: once the content has been answered
}

void SmtpSession::afterCommand() {
    if (_pending.disconnectAfter) hangUp("scripted disconnect");
    const Limits& limits = _core.config().limits;
    if (limits.maxBadCommands && _connection.badCommands > limits.maxBadCommands)
        closeWith(421, "4.7.0", _core.config().hostname + " Too many errors, closing connection");
    // DATA checks itself before reading the content: what follows the final dot may be pipelined.
    if (!_current || _current->phase != Phase::Data) notePipelining(_current && _current->endsGroup);
}

void SmtpSession::notePipelining(bool endsGroup) {
    // RFC 2920 3: only after an EHLO reply that advertised PIPELINING.
    bool violation = !_in.empty() && (endsGroup || !advertised("PIPELINING"));
    if (violation && !_pipeliningNoted) {
        _pipeliningNoted = true;
        _record->update([](SessionInfo& s) { s.pipeliningViolation = true; });
    }
}

void SmtpSession::noteSpaceBeforePath() {
    if (!_path.spaceBeforePath || _spaceBeforePathNoted) return;
    _spaceBeforePathNoted = true;
    note("a space between FROM:/TO: and the path, which RFC 5321 4.1.2 does not allow (tolerated)");
    _record->update([](SessionInfo& s) { s.spaceBeforePath = true; });
}

void SmtpSession::noteBareLfCommand() {
    if (_bareLfCommandNoted) return;
    _bareLfCommandNoted = true;
    note("a command line ended with LF alone, not CRLF (RFC 5321 2.3.8; tolerated)");
    _record->update([](SessionInfo& s) { s.bareLfCommands = true; });
}

void SmtpSession::unknownCommand(const CommandLine& command) {
    static const char* const notImplemented[] = {"EXPN", "TURN", "ETRN", "ATRN", "SEND", "SOML", "SAML", "VERB"};
    for (const char* verb : notImplemented)
        if (command.verb == verb) return refuse(502, "5.5.1", "Command not implemented");
    refuse(500, "5.5.2", "Command unrecognized");
}

bool SmtpSession::applyRules(Phase phase, std::string_view argument) {
    const Action* action = _core.rules().evaluate(phase, argument, _counters);
    if (!action) return true;
    note("rule fired at " + std::string(phaseName(phase)));
    if (action->delay.count() > 0) {
        flush();
        if (!_core.pause(action->delay)) throw CloseSession{};
    }
    if (action->tarpit.count() > 0) _connection.tarpit = action->tarpit;
    if (action->ehlo) _pending.ehlo = action->ehlo;
    if (action->abortAfterBytes) _pending.abortAfterBytes = action->abortAfterBytes;
    if (action->failTls) _pending.failTls = true;
    _pending.disconnectAfter = action->disconnect;
    if (action->close421) {
        if (action->reply && !action->reply->text.empty()) closeWith(421, {}, action->reply->text);
        closeWith(421, "4.3.2", _core.config().hostname + " Service shutting down");
    }
    if (action->reply) {
        _pending.reply = action->reply;
        if (action->reply->code >= 400 && phase != Phase::Bdat && phase != Phase::Quit) {
            Reply scripted = *_pending.reply;
            _pending.reply.reset();
            writeScripted(scripted, phase != Phase::Connect);
            if (phase == Phase::Connect) {
                if (scripted.code == 421) throw CloseSession{};
                _connection.refused = true;
            }
            return false;
        }
    } else if (action->disconnect && phase != Phase::Quit) {
        hangUp("scripted disconnect at " + std::string(phaseName(phase)));
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Replies: everything the server says goes through writeReply.

void SmtpSession::writeReply(int code, std::string_view enhanced, std::string_view text) {
    if (_connection.tarpit.count() > 0) {
        flush();
        if (!_core.pause(_connection.tarpit)) throw CloseSession{};
    }
    bool withEnhanced = !enhanced.empty() && _core.config().capabilities.enhancedStatusCodes;
    std::string codeText = std::to_string(code);
    std::size_t start = 0;
    for (;;) {
        std::size_t end = text.find('\n', start);
        bool last = end == std::string_view::npos;
        std::string_view piece = text.substr(start, last ? std::string_view::npos : end - start);
        std::string lineText = codeText;
        lineText += last ? ' ' : '-';
        if (withEnhanced) {
            lineText += enhanced;
            lineText += ' ';
        }
        lineText += piece;
        _record->append('S', lineText);
        _out += lineText;
        _out += "\r\n";
        if (last) break;
        start = end + 1;
    }
    if (code == 500 || code == 501) ++_connection.badCommands;
    if (_connection.tarpit.count() > 0) flush();
}

void SmtpSession::writeScripted(const Reply& scripted, bool withEnhanced) {
    if (!scripted.text.empty()) return writeReply(scripted.code, {}, scripted.text);
    // RFC 5321 4.2: `Reply-code [ SP textstring ]` with a non-empty textstring.
    const int replyClass = scripted.code / 100;
    const char* text = replyClass == 2 ? "OK"
                       : replyClass == 3 ? "Go ahead"
                       : replyClass == 4 ? "Temporary failure, try again later"
                                         : "Permanent failure";
    const std::string enhanced = std::to_string(replyClass) + ".0.0";
    writeReply(scripted.code, withEnhanced && replyClass != 3 ? std::string_view(enhanced) : std::string_view(), text);
}

void SmtpSession::reply(int code, std::string_view enhanced, std::string_view text) {
    if (_pending.reply) {
        Reply scripted = *_pending.reply;
        _pending.reply.reset();
        // The command's own reply says whether this one carries an enhanced status code.
        return writeScripted(scripted, !enhanced.empty());
    }
    writeReply(code, enhanced, text);
}

void SmtpSession::refuse(int code, std::string_view enhanced, std::string_view text) { writeReply(code, enhanced, text); }

void SmtpSession::flush() {
    if (_out.empty()) return;
    if (!_outCounted) {
        _outCounted = true;
        _record->update([](SessionInfo& s) { ++s.writes; }); // counted first: the peer may look as soon as it reads
    }
    if (_onLoop) {
        std::size_t sent = _channel.sendNow(_out.data(), _out.size());
        if (sent > 0) _lastActivity = Clock::now();
        if (sent < _out.size()) {
            _out.erase(0, sent); // the rest waits for room: the loop stops reading meanwhile
            return;
        }
    } else {
        _channel.send(_out.data(), _out.size(), _core.config().limits.idleTimeout);
    }
    _out.clear();
    _outCounted = false;
}

void SmtpSession::closeWith(int code, std::string_view enhanced, std::string_view text) {
    try {
        writeReply(code, enhanced, text);
        flush();
    } catch (const CloseSession&) {
    } catch (const std::exception&) {
    }
    throw CloseSession{};
}

void SmtpSession::hangUp(std::string_view why) {
    try {
        flush();
    } catch (const std::exception&) {
    }
    note(why);
    throw CloseSession{};
}

void SmtpSession::note(std::string_view text) { _record->append('*', std::string(text)); }

void SmtpSession::setState(State next) { _connection.state = next; }

void SmtpSession::resetTransaction() {
    _transaction = Transaction{};
    if (_connection.state != State::Connected) setState(State::Greeted);
}

} // namespace mailrig::fake::detail
