#include "mailrig/client/SmtpException.h"

#include "PrintableText.h"

#include <algorithm>
#include <cctype>

namespace mailrig {

namespace {

/// True when `text` holds `word`, compared case-insensitively.
bool mentions(const std::string& text, const std::string& word) {
    const auto it = std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return it != text.end();
}

std::string describe(const std::string& message, const std::string& command, int code,
                     const std::string& text) {
    std::string out = message;
    // The command once: a message that already names it ("... to RCPT TO:<x>", "connecting
    // to ...") gets no "(command: ...)" as well.
    if (!command.empty() && !mentions(message, command)) out += " (command: " + command + ")";
    if (code != 0 && message.find(std::to_string(code)) == std::string::npos) {
        out += ": " + std::to_string(code);
        if (!text.empty()) out += " " + text;
    }
    return out;
}

/// `550 5.1.1 unknown to RCPT TO:<x>`: a reply's first line and the command it answered.
std::string replyLine(const std::string& command, int code, const std::string& text) {
    std::string first = text.substr(0, text.find('\n'));
    return std::to_string(code) + (first.empty() ? "" : " " + first) +
           (command.empty() ? std::string() : " to " + command);
}

/// One refusal, or every recipient's when the server refused them all.
std::string replyMessage(const std::string& command, int code, const std::string& text,
                         const std::vector<RecipientResult>& recipients) {
    if (recipients.size() < 2) return "server answered " + replyLine(command, code, text);
    std::string out = "server refused every recipient: ";
    for (std::size_t i = 0; i < recipients.size(); ++i) {
        const RecipientResult& r = recipients[i];
        if (i) out += "; ";
        // The failing command as sent (with its parameters); the others by their address.
        const std::string rcpt = "RCPT TO:<" + r.address + ">";
        out += replyLine(command.compare(0, rcpt.size(), rcpt) == 0 ? command : rcpt, r.replyCode, r.replyText);
    }
    return out;
}

} // namespace

std::string toString(SmtpErrorKind kind) {
    switch (kind) {
    case SmtpErrorKind::Reply: return "reply";
    case SmtpErrorKind::Connection: return "connection";
    case SmtpErrorKind::Tls: return "tls";
    case SmtpErrorKind::Authentication: return "authentication";
    case SmtpErrorKind::Capability: return "capability";
    case SmtpErrorKind::Protocol: return "protocol";
    case SmtpErrorKind::Cancelled: return "cancelled";
    }
    return "other";
}

SmtpException::SmtpException(SmtpErrorKind kind, const std::string& message, std::string command,
                             int replyCode, std::string enhancedStatus, std::string replyText,
                             bool transient, std::vector<RecipientResult> recipients)
    : std::runtime_error(detail::printableText(describe(message, command, replyCode, replyText))), _kind(kind),
      _command(std::move(command)), _replyCode(replyCode),
      _enhancedStatus(std::move(enhancedStatus)), _replyText(std::move(replyText)),
      _transient(transient), _recipients(std::move(recipients)) {}

SmtpTransientException::SmtpTransientException(const std::string& command, int code,
                                               const std::string& enhanced,
                                               const std::string& text,
                                               std::vector<RecipientResult> recipients)
    : SmtpException(SmtpErrorKind::Reply, replyMessage(command, code, text, recipients), command,
                    code, enhanced, text, true, recipients) {}

SmtpPermanentException::SmtpPermanentException(const std::string& command, int code,
                                               const std::string& enhanced,
                                               const std::string& text,
                                               std::vector<RecipientResult> recipients)
    : SmtpException(SmtpErrorKind::Reply, replyMessage(command, code, text, recipients), command,
                    code, enhanced, text, false, recipients) {}

SmtpConnectionException::SmtpConnectionException(const std::string& message,
                                                 const std::string& command, bool timedOut, bool transient)
    : SmtpException(SmtpErrorKind::Connection, message, command, 0, {}, {}, transient),
      _timedOut(timedOut) {}

SmtpTlsException::SmtpTlsException(const std::string& message, const std::string& command,
                                   int code, const std::string& enhanced, const std::string& text)
    : SmtpException(SmtpErrorKind::Tls, message, command, code, enhanced, text,
                    code >= 400 && code < 500) {}

SmtpAuthenticationException::SmtpAuthenticationException(const std::string& message,
                                                         const std::string& command, int code,
                                                         const std::string& enhanced,
                                                         const std::string& text)
    : SmtpException(SmtpErrorKind::Authentication, message, command, code, enhanced, text,
                    code >= 400 && code < 500) {}

SmtpCapabilityException::SmtpCapabilityException(const std::string& message,
                                                 const std::string& command)
    : SmtpException(SmtpErrorKind::Capability, message, command, 0, {}, {}, false) {}

SmtpProtocolException::SmtpProtocolException(const std::string& message,
                                             const std::string& command)
    : SmtpException(SmtpErrorKind::Protocol, message, command, 0, {}, {}, false) {}

SmtpCancelledException::SmtpCancelledException(const std::string& command)
    : SmtpException(SmtpErrorKind::Cancelled, "operation cancelled", command, 0, {}, {}, false) {}

} // namespace mailrig
