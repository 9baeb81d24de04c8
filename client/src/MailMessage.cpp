#include "mailrig/client/MailMessage.h"

#include "mime/FileBytes.h"
#include "mime/HeaderEncoding.h"
#include "mime/MessageLoader.h"
#include "mime/MimeComposer.h"

#include <algorithm>
#include <istream>
#include <ostream>
#include <set>
#include <stdexcept>

namespace mailrig {

static_assert(MailMessage::kMaxLoadSize == detail::kMaxReadBytes, "one limit for every read into memory");

namespace {

// Header fields the model owns or the composer writes; addHeader() refuses them.
const std::set<std::string>& reservedHeaders() {
    static const std::set<std::string> names = {
        "from", "sender", "reply-to", "to", "cc", "bcc", "resent-bcc", "subject", "date",
        "message-id", "mime-version", "content-type", "content-transfer-encoding",
        "content-disposition"};
    return names;
}

} // namespace

std::vector<std::string> MailMessage::envelopeRecipients() const {
    std::vector<std::string> result;
    std::set<std::string> seen;
    for (const auto* list : {&_to, &_cc, &_bcc})
        for (const auto& a : *list)
            if (seen.insert(detail::asciiLower(a.address)).second) result.push_back(a.address);
    return result;
}

void MailMessage::setMessageId(const std::string& id) {
    std::string bare = id;
    if (bare.size() >= 2 && bare.front() == '<' && bare.back() == '>')
        bare = bare.substr(1, bare.size() - 2);
    if (bare.find('@') == std::string::npos)
        throw std::invalid_argument("Message-ID '" + id + "' has no '@'");
    for (char c : bare) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>')
            throw std::invalid_argument("Message-ID '" + id +
                                        "' holds whitespace, control, non-ASCII or angle brackets");
    }
    touch();
    _messageId = "<" + bare + ">";
}

const std::string& MailMessage::ensureMessageId() {
    if (_messageId.empty()) {
        touch();
        _messageId = detail::generateMessageId(_from ? _from->address : std::string());
    }
    return _messageId;
}

void MailMessage::addHeader(const std::string& name, const std::string& value) {
    if (name.empty()) throw std::invalid_argument("header name is empty");
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == ':')
            throw std::invalid_argument("header name '" + name +
                                        "' must be printable ASCII without ':' or spaces");
    }
    if (reservedHeaders().count(detail::asciiLower(name)))
        throw std::invalid_argument("header '" + name +
                                    "' is written from the message model; use its setter");
    touch();
    _headers.emplace_back(name, value);
}

void MailMessage::removeHeader(const std::string& name) {
    std::string lower = detail::asciiLower(name);
    auto isNamed = [&](const auto& h) { return detail::asciiLower(h.first) == lower; };
    if (std::any_of(_headers.begin(), _headers.end(), isNamed)) {
        touch();
        _headers.erase(std::remove_if(_headers.begin(), _headers.end(), isNamed), _headers.end());
    }
}

std::optional<std::string> MailMessage::header(const std::string& name) const {
    std::string lower = detail::asciiLower(name);
    for (const auto& [n, v] : _headers)
        if (detail::asciiLower(n) == lower) return v;
    return std::nullopt;
}

std::string MailMessage::toEml() const {
    std::string id = _messageId.empty()
                         ? detail::generateMessageId(_from ? _from->address : std::string())
                         : _messageId;
    return detail::composeMessage(*this, id, _date.value_or(std::chrono::system_clock::now()));
}

std::string MailMessage::wireBytes() const { return _original ? *_original : toEml(); }

void MailMessage::save(const std::string& path) const {
    detail::writeFileBytes(path, wireBytes(), "cannot save message to");
}

void MailMessage::save(std::ostream& out) const {
    std::string bytes = wireBytes();
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw std::runtime_error("cannot save message: the output stream failed");
}

MailMessage MailMessage::load(const std::string& path) {
    return fromBytes(detail::readFileBytes(path, "cannot load message from"), path);
}

MailMessage MailMessage::load(std::istream& in, const std::string& name) {
    return fromBytes(detail::readStreamBytes(in, "cannot load message from", name), name);
}

MailMessage MailMessage::fromBytes(const std::string& bytes, const std::string& name) {
    return detail::MessageLoader::load(bytes, name);
}

} // namespace mailrig
