#include "smtp/SmtpSession.h"

#include "smtp/Channel.h"
#include "smtp/DsnParams.h"
#include "smtp/MailboxSyntax.h"
#include "smtp/ServerCore.h"
#include "store/SessionRecord.h"

#include <cctype>
#include <cstdint>
#include <limits>

namespace mailrig::fake::detail {

// The command table: the only dispatch. Order of columns: verb, phase, ends a pipelined group
// (RFC 2920 3.1), allowed before STARTTLS when it is required, checker, default action.
const std::vector<SmtpSession::CommandSpec>& SmtpSession::commandTable() {
    static const std::vector<CommandSpec> table{
        {"EHLO", Phase::Ehlo, true, true, &SmtpSession::checkHelo, &SmtpSession::proceedEhlo},
        {"HELO", Phase::Helo, true, true, &SmtpSession::checkHelo, &SmtpSession::proceedHelo},
        {"MAIL", Phase::Mail, false, false, &SmtpSession::checkMail, &SmtpSession::proceedMail},
        {"RCPT", Phase::Rcpt, false, false, &SmtpSession::checkRcpt, &SmtpSession::proceedRcpt},
        {"DATA", Phase::Data, true, false, &SmtpSession::checkData, &SmtpSession::proceedData},
        {"BDAT", Phase::Bdat, false, false, &SmtpSession::checkBdat, &SmtpSession::proceedBdat},
        {"RSET", Phase::Rset, false, true, &SmtpSession::checkNoArgument, &SmtpSession::proceedRset},
        {"NOOP", Phase::Noop, true, true, &SmtpSession::checkAny, &SmtpSession::proceedNoop},
        {"VRFY", Phase::Vrfy, true, false, &SmtpSession::checkVrfy, &SmtpSession::proceedVrfy},
        {"HELP", Phase::Help, false, true, &SmtpSession::checkHelp, &SmtpSession::proceedHelp},
        {"QUIT", Phase::Quit, true, true, &SmtpSession::checkAny, &SmtpSession::proceedQuit},
        {"STARTTLS", Phase::StartTls, true, true, &SmtpSession::checkStartTls, &SmtpSession::proceedStartTls},
        {"AUTH", Phase::Auth, true, false, &SmtpSession::checkAuth, &SmtpSession::proceedAuth},
    };
    return table;
}

const SmtpSession::CommandSpec* SmtpSession::findCommand(std::string_view verb) {
    for (const CommandSpec& spec : commandTable())
        if (spec.verb == verb) return &spec;
    return nullptr;
}

bool SmtpSession::authOffered() const {
    const ServerConfig& config = _core.config();
    return !config.users.empty() && !config.capabilities.authMechanisms.empty() &&
           (_channel.tls() || config.allowInsecureAuth);
}

std::vector<std::string> SmtpSession::capabilityLines() const {
    const ServerConfig& config = _core.config();
    const Capabilities& caps = config.capabilities;
    std::vector<std::string> lines;
    if (caps.pipelining) lines.emplace_back("PIPELINING");
    if (caps.size)
        lines.push_back(config.limits.messageSize ? "SIZE " + std::to_string(config.limits.messageSize) : "SIZE");
    if (caps.eightBitMime) lines.emplace_back("8BITMIME");
    if (caps.smtpUtf8) lines.emplace_back("SMTPUTF8");
    if (caps.chunking) lines.emplace_back("CHUNKING");
    if (caps.chunking && caps.binaryMime) lines.emplace_back("BINARYMIME");
    if (caps.dsn) lines.emplace_back("DSN");
    if (caps.enhancedStatusCodes) lines.emplace_back("ENHANCEDSTATUSCODES");
    if (caps.startTls && _core.tlsContext() && !_channel.tls()) lines.emplace_back("STARTTLS");
    if (authOffered()) {
        std::string line = "AUTH";
        for (const std::string& mechanism : caps.authMechanisms) {
            line += ' ';
            for (char c : mechanism) line += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        lines.push_back(line);
    }
    if (caps.requireTls && _channel.tls()) lines.emplace_back("REQUIRETLS");
    if (caps.help) lines.emplace_back("HELP");
    for (const std::string& extra : caps.extra) lines.push_back(extra);
    return lines;
}

bool SmtpSession::checkHelo(const CommandLine& c) {
    if (c.argument.empty() || c.argument.find(' ') != std::string::npos) {
        refuse(501, "5.5.4", "Syntax: " + c.verb + " <domain>");
        return false;
    }
    return true;
}

bool SmtpSession::advertised(std::string_view keyword) const {
    for (const std::string& k : _connection.advertised)
        if (k == keyword) return true;
    return false;
}

void SmtpSession::proceedEhlo(const CommandLine& c) {
    _transaction = Transaction{};
    setState(State::Greeted);
    _connection.esmtp = true;
    _record->update([&](SessionInfo& s) {
        s.heloName = c.argument;
        s.esmtp = true;
    });
    std::string text = _core.config().hostname + " greets " + c.argument;
    _connection.advertised.clear();
    for (const std::string& line : _pending.ehlo ? *_pending.ehlo : capabilityLines()) {
        text += "\n" + line;
        std::string keyword = line.substr(0, line.find_first_of(" =")); // `AUTH=LOGIN` is the old AUTH
        for (char& ch : keyword) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        _connection.advertised.push_back(keyword);
    }
    reply(250, {}, text);
}

void SmtpSession::proceedHelo(const CommandLine& c) {
    _transaction = Transaction{};
    setState(State::Greeted);
    _connection.esmtp = false;
    _connection.advertised.clear();
    _record->update([&](SessionInfo& s) {
        s.heloName = c.argument;
        s.esmtp = false;
    });
    reply(250, {}, _core.config().hostname + " greets " + c.argument);
}

bool SmtpSession::checkMail(const CommandLine& c) {
    const ServerConfig& config = _core.config();
    if (_connection.state == State::Connected) return refuse(503, "5.5.1", "Send EHLO or HELO first"), false;
    if (_connection.state != State::Greeted) return refuse(503, "5.5.1", "Nested MAIL command"), false;
    if (config.requireAuth && !_connection.authenticated)
        return refuse(530, "5.7.0", "Authentication required"), false;
    if (config.limits.messagesPerSession && _connection.messages >= config.limits.messagesPerSession)
        closeWith(421, "4.7.0", config.hostname + " Too many messages in this session, closing connection");
    std::string error;
    if (!parsePathCommand(c.argument, "FROM", _path, error)) return refuse(501, "5.5.2", error), false;
    if (!_path.address.empty()) {
        const std::string syntax = mailboxSyntaxError(_path.address, false);
        if (!syntax.empty()) return refuse(501, "5.1.7", "Bad sender address syntax: " + syntax), false;
    }
    noteSpaceBeforePath();
    return checkMailParams();
}

bool SmtpSession::checkMailParams() {
    const ServerConfig& config = _core.config();
    bool utf8 = false;
    const bool binaryMime = advertised("BINARYMIME") && advertised("CHUNKING");
    for (const auto& [key, value] : _path.params) {
        if (!_connection.esmtp) return refuse(555, "5.5.4", "Parameters need EHLO"), false;
        if (key == "SIZE" && advertised("SIZE")) {
            // RFC 1870: 1*20DIGIT; a number beyond what this machine counts is over any limit.
            if (value.empty() || value.size() > 20 || value.find_first_not_of("0123456789") != std::string::npos)
                return refuse(501, "5.5.4", "Syntax: SIZE=<octets>"), false;
            const bool huge = value.size() == 20 && value > std::to_string(std::numeric_limits<std::uint64_t>::max());
            if (config.limits.messageSize && (huge || std::stoull(value) > config.limits.messageSize))
                return refuse(552, "5.3.4", "Message size exceeds fixed maximum message size"), false;
        } else if (key == "BODY" && (advertised("8BITMIME") || binaryMime)) {
            const std::string body = upper(value);
            bool ok = body == "7BIT" || (body == "8BITMIME" && advertised("8BITMIME")) || (body == "BINARYMIME" && binaryMime);
            if (!ok) return refuse(555, "5.5.4", "Unsupported BODY=" + value), false;
        } else if (key == "SMTPUTF8" && advertised("SMTPUTF8")) {
            if (!value.empty()) return refuse(501, "5.5.4", "SMTPUTF8 takes no value"), false;
            utf8 = true;
        } else if (key == "RET" && advertised("DSN")) {
            const std::string ret = upper(value); // RFC 3461 4.3: the values are case-insensitive
            if (ret != "FULL" && ret != "HDRS") return refuse(501, "5.5.4", "Syntax: RET=FULL|HDRS"), false;
        } else if (key == "ENVID" && advertised("DSN")) {
            if (!isXtext(value) || value.size() > 100) return refuse(501, "5.5.4", "Syntax: ENVID=<xtext>"), false;
        } else if (key == "AUTH" && advertised("AUTH")) {
            if (value != "<>" && !isXtext(value)) return refuse(501, "5.5.4", "Syntax: AUTH=<xtext>"), false;
        } else if (key == "REQUIRETLS" && advertised("REQUIRETLS")) {
            if (!value.empty()) return refuse(501, "5.5.4", "REQUIRETLS takes no value"), false;
        } else {
            return refuse(555, "5.5.4", "Unsupported parameter " + key), false;
        }
    }
    if (!utf8 && hasNonAscii(_path.address))
        return refuse(553, "5.6.7", "Non-ASCII addresses require SMTPUTF8"), false;
    return true;
}

void SmtpSession::proceedMail(const CommandLine&) {
    _transaction = Transaction{};
    _transaction.mailFrom = EnvelopeAddress{_path.address, _path.params};
    std::string body = _transaction.mailFrom.param("BODY");
    for (char& ch : body) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    _transaction.binaryMime = body == "BINARYMIME";
    _transaction.eightBitMime = body == "8BITMIME" || _transaction.binaryMime;
    setState(State::Mail);
    reply(250, "2.1.0", "Sender <" + _path.address + "> OK");
}

bool SmtpSession::checkRcpt(const CommandLine& c) {
    const ServerConfig& config = _core.config();
    if (_connection.state == State::Chunking) return refuse(503, "5.5.1", "RCPT during BDAT"), false;
    if (_connection.state != State::Mail && _connection.state != State::Rcpt)
        return refuse(503, "5.5.1", "Need MAIL before RCPT"), false;
    std::string error;
    if (!parsePathCommand(c.argument, "TO", _path, error)) return refuse(501, "5.5.2", error), false;
    if (_path.address.empty()) return refuse(501, "5.1.3", "Null recipient not allowed"), false;
    const std::string syntax = mailboxSyntaxError(_path.address, true);
    if (!syntax.empty()) return refuse(501, "5.1.3", "Bad recipient address syntax: " + syntax), false;
    noteSpaceBeforePath();
    for (const auto& [key, value] : _path.params) {
        if (!_connection.esmtp) return refuse(555, "5.5.4", "Parameters need EHLO"), false;
        if (key == "NOTIFY" && advertised("DSN")) {
            if (!isNotify(value)) return refuse(501, "5.5.4", "Syntax: NOTIFY=NEVER|SUCCESS,FAILURE,DELAY"), false;
        } else if (key == "ORCPT" && advertised("DSN")) {
            if (!isOriginalRecipient(value, _transaction.mailFrom.hasParam("SMTPUTF8")))
                return refuse(501, "5.5.4", "Syntax: ORCPT=<addr-type>;<xtext> (utf-8;<utf-8-addr-xtext>)"), false;
        } else {
            return refuse(555, "5.5.4", "Unsupported parameter " + key), false;
        }
    }
    if (!_transaction.mailFrom.hasParam("SMTPUTF8") && hasNonAscii(_path.address))
        return refuse(553, "5.6.7", "Non-ASCII addresses require SMTPUTF8"), false;
    if (config.limits.recipientsPerMessage && _transaction.recipients.size() >= config.limits.recipientsPerMessage)
        return refuse(452, "4.5.3", "Too many recipients"), false;
    return true;
}

void SmtpSession::proceedRcpt(const CommandLine&) {
    _transaction.recipients.push_back(EnvelopeAddress{_path.address, _path.params});
    setState(State::Rcpt);
    reply(250, "2.1.5", "Recipient <" + _path.address + "> OK");
}

bool SmtpSession::checkNoArgument(const CommandLine& c) {
    if (!c.argument.empty()) return refuse(501, "5.5.4", c.verb + " takes no argument"), false;
    return true;
}

bool SmtpSession::checkAny(const CommandLine&) { return true; }

void SmtpSession::proceedRset(const CommandLine&) {
    resetTransaction();
    reply(250, "2.0.0", "Ok");
}

void SmtpSession::proceedNoop(const CommandLine&) { reply(250, "2.0.0", "Ok"); }

bool SmtpSession::checkVrfy(const CommandLine& c) {
    if (!_core.config().capabilities.vrfy) return refuse(502, "5.5.1", "VRFY not implemented"), false;
    if (c.argument.empty()) return refuse(501, "5.5.4", "Syntax: VRFY <address>"), false;
    return true;
}

void SmtpSession::proceedVrfy(const CommandLine&) {
    reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
}

bool SmtpSession::checkHelp(const CommandLine&) {
    if (!_core.config().capabilities.help) return refuse(502, "5.5.1", "HELP not implemented"), false;
    return true;
}

void SmtpSession::proceedHelp(const CommandLine&) {
    reply(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT STARTTLS AUTH");
}

void SmtpSession::proceedQuit(const CommandLine&) {
    reply(221, "2.0.0", _core.config().hostname + " Bye");
    hangUp("QUIT");
}

} // namespace mailrig::fake::detail
