#include "mime/MimeComposer.h"

#include "mime/GMimeSupport.h"
#include "mime/HeaderEncoding.h"
#include "mime/TransferEncodingChoice.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <list>
#include <random>
#include <set>
#include <stdexcept>

namespace mailrig::detail {

namespace {

GMimeContentEncoding toGMime(TransferEncoding encoding) {
    switch (encoding) {
    case TransferEncoding::SevenBit: return GMIME_CONTENT_ENCODING_7BIT;
    case TransferEncoding::EightBit: return GMIME_CONTENT_ENCODING_8BIT;
    case TransferEncoding::QuotedPrintable: return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
    case TransferEncoding::Base64: return GMIME_CONTENT_ENCODING_BASE64;
    case TransferEncoding::Auto: break;
    }
    return GMIME_CONTENT_ENCODING_BASE64;
}

std::string randomHex(std::size_t bytes) {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        auto value = static_cast<unsigned>(engine() & 0xFF);
        out += hex[value >> 4];
        out += hex[value & 15];
    }
    return out;
}

bool isToken(const std::string& text) {
    if (text.empty()) return false;
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || std::string("()<>@,;:\\\"/[]?=").find(c) != std::string::npos)
            return false;
    }
    return true;
}

// A media type as given by the caller: `type/subtype`, optionally with `; name=value` parameters.
struct MediaType {
    std::string type, subtype;
    std::vector<std::pair<std::string, std::string>> parameters;
    std::string full() const { return type + "/" + subtype; }
};

MediaType parseMediaType(const std::string& text, const std::string& what) {
    MediaType media;
    auto semicolon = text.find(';');
    std::string head = text.substr(0, semicolon);
    while (!head.empty() && (head.back() == ' ' || head.back() == '\t')) head.pop_back();
    while (!head.empty() && (head.front() == ' ' || head.front() == '\t')) head.erase(0, 1);
    auto slash = head.find('/');
    if (slash != std::string::npos) {
        media.type = asciiLower(head.substr(0, slash));
        media.subtype = asciiLower(head.substr(slash + 1));
    }
    if (!isToken(media.type) || !isToken(media.subtype))
        throw std::invalid_argument(what + ": content type '" + text + "' is not type/subtype");
    while (semicolon != std::string::npos) {
        auto next = text.find(';', semicolon + 1);
        std::string parameter = text.substr(semicolon + 1, next == std::string::npos
                                                               ? std::string::npos
                                                               : next - semicolon - 1);
        semicolon = next;
        auto equals = parameter.find('=');
        if (equals == std::string::npos) continue;
        auto trim = [](std::string s) {
            while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
            while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
            if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
            return s;
        };
        media.parameters.emplace_back(asciiLower(trim(parameter.substr(0, equals))),
                                      trim(parameter.substr(equals + 1)));
    }
    return media;
}

std::string checkedContentId(const std::string& raw, const std::string& what) {
    std::string id = raw;
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
    for (char c : id) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>')
            throw std::invalid_argument(what + ": Content-ID '" + raw +
                                        "' holds whitespace, control, non-ASCII or angle brackets");
    }
    return id;
}

void setRawHeader(GMimeObject* object, const char* name, const std::string& rawValue) {
    GMimeHeaderList* list = g_mime_object_get_header_list(object);
    GMimeHeader* header = g_mime_header_list_get_header(list, name);
    if (!header) {
        g_mime_object_append_header(object, name, "x", nullptr);
        header = g_mime_header_list_get_header(list, name);
    }
    g_mime_header_set_raw_value(header, rawValue.c_str());
}

// Extra fields that hold mailboxes are written like To (display names as encoded words, the
// addresses untouched) when they parse as addresses; everything else as unstructured text.
std::string formatExtraHeader(const std::string& name, const std::string& lower, const std::string& value) {
    static const std::set<std::string> addressFields = {
        "resent-from", "resent-sender", "resent-to", "resent-cc", "disposition-notification-to",
        "return-receipt-to", "errors-to", "mail-followup-to", "mail-reply-to"};
    if (addressFields.count(lower)) {
        try {
            return formatAddresses(name, MailAddress::parseList(value));
        } catch (const std::invalid_argument&) {
            // not a mailbox list: written as text below
        }
    }
    return formatUnstructured(name, value);
}

const char* dispositionName(Disposition d) {
    return d == Disposition::Inline ? "inline" : "attachment";
}

// Builds the GMime tree for one message and writes it.
class Composer {
public:
    explicit Composer(const MailMessage& message) : _message(message) {}

    std::string compose(const std::string& messageId, std::chrono::system_clock::time_point date) {
        if (!_message.from()) throw std::invalid_argument("MailMessage: no From address");
        ensureGMime();
        std::string headers = messageHeaders(messageId, date);
        GPtr<GMimeObject> root = body();
        GMimeFormatOptions* options = g_mime_format_options_new();
        g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_UNIX);
        std::string mime = takeGString(g_mime_object_to_string(root.get(), options));
        g_mime_format_options_free(options);
        std::string eml = normalizeLineEnds(headers + mime, "\r\n");
        if (eml.size() < 2 || eml.compare(eml.size() - 2, 2, "\r\n") != 0) eml += "\r\n";
        return eml;
    }

private:
    std::string messageHeaders(const std::string& messageId,
                               std::chrono::system_clock::time_point date) {
        const auto& m = _message;
        std::string out = "Date: " + formatDate(date) + "\n";
        out += formatAddresses("From", {*m.from()});
        if (m.sender()) out += formatAddresses("Sender", {*m.sender()});
        if (!m.replyTo().empty()) out += formatAddresses("Reply-To", m.replyTo());
        if (!m.to().empty()) out += formatAddresses("To", m.to());
        if (!m.cc().empty()) out += formatAddresses("Cc", m.cc());
        out += formatUnstructured("Subject", m.subject());
        out += "Message-ID: " + messageId + "\n";
        if (m.priority() != Priority::Normal) {
            bool high = m.priority() == Priority::High;
            auto add = [&](const char* name, const char* value) {
                if (!m.header(name)) out += std::string(name) + ": " + value + "\n";
            };
            add("X-Priority", high ? "1 (Highest)" : "5 (Lowest)");
            add("Importance", high ? "high" : "low");
            add("Priority", high ? "urgent" : "non-urgent");
        }
        for (const auto& [name, value] : m.headers()) {
            std::string lower = asciiLower(name);
            if (lower == "bcc" || lower == "resent-bcc") continue; // never written
            out += formatExtraHeader(name, lower, value);
            _contents.push_back(value);
        }
        out += "MIME-Version: 1.0\n";
        return out;
    }

    /// Throws std::invalid_argument when a body labelled utf-8 is not UTF-8: a reader would show
    /// replacement characters where the sender meant other text.
    static void requireUtf8(const std::string& text, const char* what) {
        std::size_t at = 0;
        for (;;) { // NUL is valid UTF-8 (U+0000); g_utf8_validate stops at it
            const std::size_t nul = std::min(text.find('\0', at), text.size());
            const gchar* end = nullptr;
            if (!g_utf8_validate(text.data() + at, static_cast<gssize>(nul - at), &end)) {
                at = static_cast<std::size_t>(end - text.data());
                break;
            }
            if (nul == text.size()) return;
            at = nul + 1;
        }
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[at]));
        throw std::invalid_argument(std::string(what) + " is not valid UTF-8 (byte " + byte + " at offset " +
                                    std::to_string(at) + "); give UTF-8 text, or an alternate view with the "
                                    "text's own charset");
    }

    GPtr<GMimeObject> body() {
        const auto& m = _message;
        requireUtf8(m.textBody(), "the text body");
        requireUtf8(m.htmlBody(), "the HTML body");
        std::vector<GPtr<GMimeObject>> views;
        if (!m.textBody().empty())
            views.push_back(textPart(m.textBody(), {"text", "plain", {}}, "utf-8", TransferEncoding::Auto));
        if (!m.htmlBody().empty())
            views.push_back(textPart(m.htmlBody(), {"text", "html", {}}, "utf-8", TransferEncoding::Auto));
        for (std::size_t i = 0; i < m.alternateViews().size(); ++i) views.push_back(viewPart(m.alternateViews()[i], i));

        GPtr<GMimeObject> root;
        if (views.size() == 1) root = std::move(views.front());
        else if (views.size() > 1) root = multipart("alternative", std::move(views));

        if (!m.linkedResources().empty()) {
            // RFC 2387: the first part is the root; without a body it is an empty text part.
            if (!root) root = textPart("", {"text", "plain", {}}, "utf-8", TransferEncoding::Auto);
            std::string rootType =
                takeGString(g_mime_content_type_get_mime_type(g_mime_object_get_content_type(root.get())));
            std::vector<GPtr<GMimeObject>> parts;
            parts.push_back(std::move(root));
            for (std::size_t i = 0; i < m.linkedResources().size(); ++i)
                parts.push_back(resourcePart(m.linkedResources()[i], i));
            root = multipart("related", std::move(parts), rootType);
        }
        if (!m.attachments().empty()) {
            std::vector<GPtr<GMimeObject>> parts;
            if (root) parts.push_back(std::move(root));
            for (std::size_t i = 0; i < m.attachments().size(); ++i)
                parts.push_back(attachmentPart(m.attachments()[i], i));
            root = multipart("mixed", std::move(parts));
        }
        if (!root) root = textPart("", {"text", "plain", {}}, "utf-8", TransferEncoding::Auto);
        return root;
    }

    GPtr<GMimeObject> viewPart(const AlternateView& view, std::size_t index) {
        std::string what = "alternate view " + std::to_string(index + 1);
        if (!view.charset.empty() && !isToken(view.charset))
            throw std::invalid_argument(what + ": charset '" + view.charset + "' is not a MIME token (such as utf-8)");
        MediaType media = parseMediaType(view.contentType, what);
        for (const auto& p : view.parameters) media.parameters.push_back(p);
        if (media.type == "text")
            return textPart(view.content, media, view.charset, view.transferEncoding);
        if (!view.charset.empty()) media.parameters.emplace(media.parameters.begin(), "charset", view.charset);
        return leaf(chooseForBytes(view.content, media.full(), view.transferEncoding), media);
    }

    GPtr<GMimeObject> textPart(const std::string& text, MediaType media, const std::string& charset,
                               TransferEncoding requested) {
        if (!charset.empty()) media.parameters.emplace(media.parameters.begin(), "charset", charset);
        return leaf(chooseForText(text, requested), media);
    }

    GPtr<GMimeObject> resourcePart(const LinkedResource& resource, std::size_t index) {
        std::string what = "linked resource " + std::to_string(index + 1);
        MediaType media = parseMediaType(resource.contentType, what);
        auto part = leaf(chooseForBytes(resource.content, media.full(), TransferEncoding::Auto), media);
        describeFile(part.get(), media, resource.fileName, Disposition::Inline, resource.content);
        g_mime_object_set_content_id(part.get(), checkedContentId(resource.contentId, what).c_str());
        return part;
    }

    GPtr<GMimeObject> attachmentPart(const Attachment& attachment, std::size_t index) {
        std::string what = "attachment " + std::to_string(index + 1);
        MediaType media = parseMediaType(attachment.contentType, what);
        auto part = leaf(chooseForBytes(attachment.content, media.full(), attachment.transferEncoding),
                         media);
        describeFile(part.get(), media, attachment.fileName, attachment.disposition, attachment.content);
        if (!attachment.contentId.empty())
            g_mime_object_set_content_id(part.get(), checkedContentId(attachment.contentId, what).c_str());
        return part;
    }

    // Content-Disposition with `filename` (RFC 2231 unless short plain ASCII that does not look
    // like an encoded word) and Content-Type with `name` as the plain-ASCII fallback for readers
    // that do not know RFC 2231. The fallback is
    // not a second `filename=` because RFC 2231-aware parsers (Python's email) report
    // `filename` beside `filename*` as a duplicate parameter.
    // A text file without a charset parameter is labelled utf-8 when its bytes are valid UTF-8
    // (ASCII included); other bytes stay unlabelled rather than mislabelled.
    void describeFile(GMimeObject* part, const MediaType& media, const std::string& fileName,
                      Disposition disposition, const std::string& content) {
        std::string type = " " + media.full();
        bool hasCharset = false;
        for (const auto& [name, value] : media.parameters) {
            if (name != "name") type += formatParameter(name, value);
            if (name == "charset") hasCharset = true;
        }
        if (media.type == "text" && !hasCharset &&
            g_utf8_validate(content.data(), static_cast<gssize>(content.size()), nullptr))
            type += formatParameter("charset", "utf-8");
        std::string dispositionValue = std::string(" ") + dispositionName(disposition);
        if (!fileName.empty()) {
            std::string plain = sanitizeUtf8(fileName);
            type += formatParameter("name", asciiFallbackName(plain));
            dispositionValue += formatParameter("filename", plain);
            _contents.push_back(fileName);
        }
        setRawHeader(part, "Content-Type", type + "\n");
        setRawHeader(part, "Content-Disposition", dispositionValue + "\n");
    }

    GPtr<GMimeObject> leaf(EncodedContent encoded, const MediaType& media) {
        // A parameter value with a line break would end the header field early and start
        // another one: never written.
        for (const auto& [name, value] : media.parameters)
            if (value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos)
                throw std::invalid_argument("content type parameter '" + name +
                                            "' holds a line break or NUL byte, which would corrupt the header");
        GMimePart* part = g_mime_part_new_with_type(media.type.c_str(), media.subtype.c_str());
        GPtr<GMimeObject> object(GMIME_OBJECT(part));
        for (const auto& [name, value] : media.parameters)
            g_mime_object_set_content_type_parameter(object.get(), name.c_str(), value.c_str());
        _contents.push_back(encoded.content);
        const std::string& stored = _contents.back();
        GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(stored.data(), stored.size()));
        GPtr<GMimeDataWrapper> wrapper(
            g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
        g_mime_part_set_content(part, wrapper.get());
        g_mime_part_set_content_encoding(part, toGMime(encoded.encoding));
        return object;
    }

    GPtr<GMimeObject> multipart(const char* subtype, std::vector<GPtr<GMimeObject>> children,
                                const std::string& relatedType = {}) {
        GMimeMultipart* multipart = g_mime_multipart_new_with_subtype(subtype);
        GPtr<GMimeObject> object(GMIME_OBJECT(multipart));
        if (!relatedType.empty())
            g_mime_object_set_content_type_parameter(object.get(), "type", relatedType.c_str());
        g_mime_multipart_set_boundary(multipart, freshBoundary().c_str());
        for (auto& child : children) g_mime_multipart_add(multipart, child.get());
        return object;
    }

    // Random, and checked against everything that could appear unencoded in the message.
    std::string freshBoundary() {
        for (;;) {
            std::string boundary = "=_mailrig_" + randomHex(16);
            bool clash = false;
            for (const auto& content : _contents)
                if (content.find(boundary) != std::string::npos) clash = true;
            if (!clash) return boundary;
        }
    }

    const MailMessage& _message;
    std::list<std::string> _contents; // stable addresses: GMime streams point into these
};

} // namespace

std::string generateMessageId(const std::string& fromAddress) {
    std::string domain = "mailrig.local";
    auto at = fromAddress.rfind('@');
    if (at != std::string::npos) {
        std::string candidate = fromAddress.substr(at + 1);
        bool plain = !candidate.empty() && candidate.find('.') != std::string::npos;
        for (char c : candidate)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') plain = false;
        if (plain) domain = asciiLower(candidate);
    }
    auto now = std::chrono::system_clock::now().time_since_epoch();
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%llx", static_cast<unsigned long long>(micros));
    return "<" + std::string(stamp) + "." + randomHex(12) + "@" + domain + ">";
}

std::string composeMessage(const MailMessage& message, const std::string& messageId,
                           std::chrono::system_clock::time_point date) {
    return Composer(message).compose(messageId, date);
}

} // namespace mailrig::detail
