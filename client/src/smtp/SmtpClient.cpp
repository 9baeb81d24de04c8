#include "mailrig/client/SmtpClient.h"

#include "mailrig/client/Tnef.h"
#include "mailrig/client/NotAMessageError.h"
#include "mime/MessageShape.h"
#include "smtp/HeaderFilter.h"
#include "smtp/MessageSource.h"
#include "smtp/SmtpOperations.h"

#include <cctype>
#include <stdexcept>

namespace mailrig {

SmtpClient::SmtpClient(std::string host, std::uint16_t port, std::string username,
                       std::string password, SecurityOptions security) {
    if (host.empty()) throw std::invalid_argument("SmtpClient: the host is empty");
    if (port == 0) throw std::invalid_argument("SmtpClient: port 0 is not a server port");
    _c.host = std::move(host);
    _c.port = port;
    _c.username = std::move(username);
    _c.password = std::move(password);
    _c.security = security;
}

void SmtpClient::setTimeout(std::chrono::milliseconds timeout) {
    if (timeout.count() <= 0) throw std::invalid_argument("SmtpClient: the timeout must be positive");
    _c.timeout = timeout;
}

void SmtpClient::setGreetingTimeout(std::chrono::milliseconds timeout) {
    if (timeout.count() <= 0)
        throw std::invalid_argument("SmtpClient: the greeting timeout must be positive");
    _c.greetingTimeout = timeout;
}

void SmtpClient::setEhloName(const std::string& name) {
    for (unsigned char c : name)
        if (c <= 0x20 || c == 0x7F)
            throw std::invalid_argument("SmtpClient: EHLO name '" + name +
                                        "' holds whitespace or a control character");
    _c.ehloName = name;
}

void SmtpClient::setAllowedAuthMechanisms(std::vector<AuthMechanism> mechanisms) {
    if (mechanisms.empty())
        throw std::invalid_argument("SmtpClient: at least one AUTH mechanism must be allowed");
    _c.authMechanisms = std::move(mechanisms);
}

void SmtpClient::setDsn(const DsnOptions& dsn) {
    if (dsn.envelopeId.size() > 100)
        throw std::invalid_argument("SmtpClient: a DSN envelope id holds at most 100 characters (RFC 3461 4.4)");
    for (const unsigned char c : dsn.envelopeId)
        if (c < 0x20 || c > 0x7E)
            throw std::invalid_argument("SmtpClient: a DSN envelope id holds printable US-ASCII only (RFC 3461 4.4)");
    if (dsn.notifyNever && (dsn.notifySuccess || dsn.notifyFailure || dsn.notifyDelay))
        throw std::invalid_argument("SmtpClient: NOTIFY=NEVER excludes SUCCESS, FAILURE and DELAY (RFC 3461 4.1)");
    _c.dsn = dsn;
}

void SmtpClient::setRetryPolicy(const RetryPolicy& policy) {
    if (policy.maxAttempts < 1)
        throw std::invalid_argument("SmtpClient: a retry policy needs at least 1 attempt");
    if (policy.initialBackoff.count() < 0 || policy.maxBackoff.count() < 0 || policy.multiplier < 1.0)
        throw std::invalid_argument("SmtpClient: retry backoff must be non-negative and grow");
    _c.retry = policy;
}

void SmtpClient::setConnectionsQuantity(std::size_t n) {
    if (n == 0) throw std::invalid_argument("SmtpClient: connections quantity must be at least 1");
    _c.connections = n;
}

SendResult SmtpClient::send(const MailMessage& message) {
    return detail::sendOne(_c, message, nullptr);
}

SendReport SmtpClient::send(const MailMessageCollection& messages) {
    return detail::sendMany(_c, messages, nullptr);
}

SendResult SmtpClient::forward(const std::string& sender, const std::vector<std::string>& recipients,
                               const MailMessage& message) {
    return detail::forwardMessage(_c, sender, recipients, message, nullptr);
}

SendResult SmtpClient::forward(const std::string& sender, const std::vector<std::string>& recipients,
                               std::istream& in) {
    return detail::forwardStream(_c, sender, recipients, in, nullptr);
}

std::string toString(SecurityOptions options) {
    switch (options) {
    case SecurityOptions::None: return "none";
    case SecurityOptions::SslExplicit: return "starttls";
    case SecurityOptions::SslImplicit: return "tls";
    case SecurityOptions::Auto: return "auto";
    }
    return "auto";
}

SecurityOptions parseSecurityOptions(const std::string& text) {
    std::string t;
    for (unsigned char c : text) t.push_back(static_cast<char>(std::tolower(c)));
    if (t == "none") return SecurityOptions::None;
    if (t == "starttls" || t == "explicit") return SecurityOptions::SslExplicit;
    if (t == "tls" || t == "implicit" || t == "ssl") return SecurityOptions::SslImplicit;
    if (t == "auto") return SecurityOptions::Auto;
    throw std::invalid_argument("unknown security option '" + text +
                                "' (expected none, starttls, tls or auto)");
}

namespace detail {

namespace {

/// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
/// U+10FFFF).
bool isUtf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                           : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
        if (length == 0 || i + length > text.size()) return false;
        char32_t code = lead & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3F);
        }
        if ((length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
            (length == 4 && (code < 0x10000 || code > 0x10FFFF)))
            return false;
        i += length;
    }
    return true;
}

/// Why `address` cannot stand in `<...>` as RFC 5321 4.1.2 writes a Mailbox, or "" when it can:
/// the local part a quoted string or dot-separated runs of atext (UTF-8 counts as atext, RFC
/// 6531), the domain an address literal or dot-separated labels without a hyphen at either end.
std::string mailboxFault(const std::string& address) {
    static const std::string specials = "!#$%&'*+-/=?^_`{|}~";
    auto word = [](unsigned char c) { return std::isalnum(c) || c >= 0x80; };
    std::size_t at = std::string::npos;
    for (std::size_t i = 0, quoted = 0; i < address.size(); ++i) {
        if (address[i] == '\\' && quoted) ++i;
        else if (address[i] == '"') quoted ^= 1;
        else if (address[i] == '@' && !quoted) at = i;
    }
    if (at == std::string::npos) return "no @ outside quotes";
    const std::string local = address.substr(0, at);
    const std::string domain = address.substr(at + 1);
    if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
        for (std::size_t i = 1; i + 1 < local.size(); ++i) {
            const auto c = static_cast<unsigned char>(local[i]);
            if (c == '\\') {
                if (++i + 1 >= local.size() || static_cast<unsigned char>(local[i]) < 0x20)
                    return "a backslash in the quoted local part that escapes nothing";
            } else if (c == '"') {
                return "a quote inside the quoted local part that is not escaped";
            }
        }
    } else {
        char previous = '.';
        for (char c : local + ".") {
            if (c == '.' && previous == '.') return "an empty part between dots in the local part";
            if (c != '.' && !word(static_cast<unsigned char>(c)) && specials.find(c) == std::string::npos)
                return std::string("`") + c + "` in a local part that is not quoted (write \"...\"@domain)";
            previous = c;
        }
    }
    if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') return "";
    char previous = '.';
    for (char c : domain + ".") {
        if (c == '.' && (previous == '.' || previous == '-')) return "an empty label or a label ending in - in the domain";
        if (c == '-' && previous == '.') return "a domain label starting with -";
        if (c != '.' && c != '-' && !word(static_cast<unsigned char>(c)))
            return std::string("`") + c + "` in the domain";
        previous = c;
    }
    return "";
}

} // namespace

void validateAddress(const std::string& address, const std::string& role, bool allowEmpty) {
    if (address.empty()) {
        if (allowEmpty) return;
        throw std::invalid_argument(role + " address is empty");
    }
    bool quoted = false;
    for (unsigned char c : address) {
        if (c < 0x20 || c == 0x7F)
            throw std::invalid_argument(role + " address '" + address +
                                        "' holds a control character");
        if (c == '"') quoted = !quoted;
        if (!quoted && (c == '<' || c == '>' || c == ' '))
            throw std::invalid_argument(role + " address '" + address +
                                        "' holds a space or an angle bracket");
    }
    if (address.find('@') == std::string::npos)
        throw std::invalid_argument(role + " address '" + address + "' has no @");
    if (!isUtf8(address))
        throw std::invalid_argument(role + " address '" + address + "' is not valid UTF-8");
    const std::string fault = mailboxFault(address);
    if (!fault.empty())
        throw std::invalid_argument(role + " address '" + address + "' is not an RFC 5321 mailbox: " + fault);
}

namespace {

std::string bytesFor(const SmtpClientConfig& config, const MailMessage& message) {
    return config.tnef ? encapsulateInTnef(message).wireBytes() : message.wireBytes();
}

/// The model's Message-ID, else the one in the header block of `bytes` (a composed message
/// without a set id gets a generated one when its bytes are made).
std::string messageIdOf(const MailMessage& message, const std::string& bytes) {
    if (!message.messageId().empty()) return message.messageId();
    const std::string header = bytes.substr(0, headerBlockLength(bytes));
    std::string lower = header;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t pos = lower.compare(0, 11, "message-id:") == 0 ? 0 : lower.find("\nmessage-id:");
    if (pos == std::string::npos) return {};
    if (pos != 0) ++pos;
    const std::size_t begin = header.find('<', pos);
    const std::size_t end = header.find('>', begin);
    if (begin == std::string::npos || end == std::string::npos || header.find('\n', pos) < begin) return {};
    return header.substr(begin, end - begin + 1);
}

void validateRecipients(const std::vector<std::string>& recipients) {
    if (recipients.empty()) throw std::invalid_argument("the message has no recipient");
    for (const auto& r : recipients) validateAddress(r, "recipient", false);
}

} // namespace

PreparedMessage prepareForSend(const SmtpClientConfig& config, const MailMessage& message) {
    PreparedMessage p;
    if (message.envelopeSender()) p.envelope.sender = *message.envelopeSender();
    else if (message.sender()) p.envelope.sender = message.sender()->address;
    else if (message.from()) p.envelope.sender = message.from()->address;
    else throw std::invalid_argument("the message has no From (nor Sender) for MAIL FROM");
    validateAddress(p.envelope.sender, "sender", message.envelopeSender().has_value());
    p.envelope.recipients = message.envelopeRecipients();
    validateRecipients(p.envelope.recipients);
    p.bytes = rewriteMessage(bytesFor(config, message), {});
    p.messageId = messageIdOf(message, p.bytes);
    return p;
}

PreparedMessage prepareForForward(const SmtpClientConfig& config, const std::string& sender,
                                  const std::vector<std::string>& recipients,
                                  const MailMessage& message) {
    PreparedMessage p;
    validateAddress(sender, "sender", true);
    validateRecipients(recipients);
    p.envelope.sender = sender;
    p.envelope.recipients = recipients;
    const std::string resent = config.resentHeaders
                                   ? resentBlock(sender, recipients, std::chrono::system_clock::now())
                                   : std::string();
    // A redirect keeps the original content: never converted to TNEF.
    p.bytes = rewriteMessage(message.wireBytes(), resent);
    p.messageId = messageIdOf(message, p.bytes);
    return p;
}

SendResult resultOrThrow(Delivery& delivery) {
    if (delivery.outcome.error) std::rethrow_exception(delivery.outcome.error);
    SendResult result;
    result.recipients = std::move(delivery.outcome.recipients);
    result.dataReplyCode = delivery.outcome.dataReplyCode;
    result.dataReplyText = std::move(delivery.outcome.dataReplyText);
    result.messageSize = delivery.outcome.messageSize;
    result.attempts = delivery.attempts;
    return result;
}

namespace {

SendResult deliverPrepared(const SmtpClientConfig& config, PreparedMessage& p,
                           const CancellationToken* cancel) {
    BytesContent content(std::move(p.bytes));
    if (config.delivery.kind() == DeliveryMethod::Kind::PickupDirectory) {
        StringSource source(content.bytes());
        return pickupResult(p.envelope, writePickupFile(config.delivery.directory(), p.envelope, source));
    }
    Courier courier(config, cancel);
    Delivery delivery = courier.deliver(p.envelope, content);
    courier.close();
    return resultOrThrow(delivery);
}

} // namespace

SendResult sendOne(const SmtpClientConfig& config, const MailMessage& message,
                   const CancellationToken* cancel) {
    PreparedMessage p = prepareForSend(config, message);
    return deliverPrepared(config, p, cancel);
}

SendResult forwardMessage(const SmtpClientConfig& config, const std::string& sender,
                          const std::vector<std::string>& recipients, const MailMessage& message,
                          const CancellationToken* cancel) {
    PreparedMessage p = prepareForForward(config, sender, recipients, message);
    return deliverPrepared(config, p, cancel);
}

SendResult forwardStream(const SmtpClientConfig& config, const std::string& sender,
                         const std::vector<std::string>& recipients, std::istream& in,
                         const CancellationToken* cancel) {
    validateAddress(sender, "sender", true);
    validateRecipients(recipients);
    Envelope envelope{sender, recipients};
    // Read just past the header block (bounded) and check it before connecting; then rewrite
    // it and stream the rest.
    std::string head;
    std::size_t headerEnd = std::string::npos;
    bool ended = false;
    char piece[64 * 1024];
    while (headerEnd == std::string::npos && !ended && head.size() <= kForwardHeaderLimit) {
        in.read(piece, sizeof piece);
        const std::streamsize got = in.gcount();
        if (in.bad()) throw std::runtime_error("reading the message stream failed");
        head.append(piece, static_cast<std::size_t>(got));
        headerEnd = headerBlockEnd(head);
        ended = got == 0 || !in;
    }
    if (head.empty()) throw NotAMessageError("the stream is empty");
    const std::string cause = whyNotAMessage(head);
    if (!cause.empty()) throw NotAMessageError(cause);
    const bool blockEnds = headerEnd != std::string::npos ? headerEnd <= kForwardHeaderLimit
                                                          : ended && head.size() <= kForwardHeaderLimit;
    if (!blockEnds)
        throw NotAMessageError("no blank line ends the header block within the first 1 MiB (" +
                               std::to_string(kForwardHeaderLimit) + " bytes)");
    const std::size_t headerLength = headerEnd == std::string::npos ? head.size() : headerEnd;
    const std::string resent =
        config.resentHeaders ? resentBlock(sender, recipients, std::chrono::system_clock::now())
                             : std::string();
    std::string prefix = resent + filterHeaderBlock(head.substr(0, headerLength));
    const std::size_t prefixHeaderLength = prefix.size();
    prefix.append(head, headerLength, std::string::npos);
    StreamContent content(std::move(prefix), prefixHeaderLength, in, "the message stream");
    if (config.delivery.kind() == DeliveryMethod::Kind::PickupDirectory)
        return pickupResult(envelope,
                            writePickupFile(config.delivery.directory(), envelope, content.source()));
    Courier courier(config, cancel);
    Delivery delivery = courier.deliver(envelope, content);
    courier.close();
    return resultOrThrow(delivery);
}

} // namespace detail

} // namespace mailrig
