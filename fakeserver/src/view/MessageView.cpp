#include "mailrig/fakeserver/MessageView.h"

#include "mailrig/fakeserver/InputFile.h"

#include "view/Charset.h"
#include "view/EncodedWords.h"
#include "view/GMimeInit.h"
#include "view/UnixTime.h"
#include "view/ViewData.h"

#include <gmime/gmime.h>

#include <cstring>
#include <strings.h>

namespace mailrig::fake {

namespace {

bool sameName(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string stripAngles(std::string id) {
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') return id.substr(1, id.size() - 2);
    return id;
}

void appendMailboxes(InternetAddressList* list, std::vector<Mailbox>& out) {
    if (!list) return;
    const int n = internet_address_list_length(list);
    for (int i = 0; i < n; ++i) {
        InternetAddress* address = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(address)) {
            appendMailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out);
        } else if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
            const char* name = internet_address_get_name(address);
            const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
            out.push_back({name ? name : "", addr ? addr : ""});
        }
    }
}

template <typename Predicate>
const MimePart* findFirst(const MimePart& part, Predicate predicate, bool intoMessages) {
    if (predicate(part)) return &part;
    if (part.isMessage() && !intoMessages) return nullptr;
    for (const auto& child : part.children())
        if (const MimePart* found = findFirst(child, predicate, intoMessages)) return found;
    return nullptr;
}

void collect(const MimePart& part, std::vector<const MimePart*>& out) {
    out.push_back(&part);
    for (const auto& child : part.children()) collect(child, out);
}

} // namespace

// --- Headers -------------------------------------------------------------------------------

const HeaderField* Headers::find(std::string_view name) const {
    for (const auto& f : _fields)
        if (sameName(f.name, name)) return &f;
    return nullptr;
}

std::optional<std::string> Headers::header(std::string_view name) const {
    if (const HeaderField* f = find(name)) return f->value;
    return std::nullopt;
}

std::vector<std::string> Headers::headers(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& f : _fields)
        if (sameName(f.name, name)) out.push_back(f.value);
    return out;
}

std::size_t Headers::count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& f : _fields)
        if (sameName(f.name, name)) ++n;
    return n;
}

// --- MimePart ------------------------------------------------------------------------------

std::string MimePart::mediaType() const { return _contentType.substr(0, _contentType.find('/')); }

std::string MimePart::subType() const {
    const auto slash = _contentType.find('/');
    return slash == std::string::npos ? std::string() : _contentType.substr(slash + 1);
}

std::optional<std::string> MimePart::parameter(std::string_view name) const {
    for (const auto& p : _parameters)
        if (sameName(p.name, name)) return p.value;
    return std::nullopt;
}

std::string MimePart::text() const { return detail::toUtf8(_content, _charset); }

bool MimePart::charsetKnown() const { return detail::charsetKnown(_charset); }

// --- MessageView ---------------------------------------------------------------------------

MessageView::MessageView(std::string raw) : MessageView(detail::ViewBuilder::build(std::move(raw))) {}

namespace {

/// Parses `bytes` read from `name`, naming it in a parse error.
MessageView parseNamed(std::string bytes, const std::string& name) {
    try {
        return MessageView(std::move(bytes));
    } catch (const MessageParseError& e) {
        std::string cause = e.what();
        const std::string prefix = "message: ";
        if (cause.rfind(prefix, 0) == 0) cause = cause.substr(prefix.size());
        throw MessageParseError(name + ": " + cause);
    }
}

} // namespace

MessageView MessageView::fromFile(const std::string& path) {
    try {
        return parseNamed(readInputFile(path, kMaxMessageInput), path);
    } catch (const InputFileError& e) {
        throw MessageParseError(e.what());
    }
}

MessageView MessageView::fromStream(std::istream& in, const std::string& name) {
    try {
        return parseNamed(readInputStream(in, name, kMaxMessageInput), name);
    } catch (const InputFileError& e) {
        throw MessageParseError(e.what());
    }
}

const std::string& MessageView::raw() const { return _data->raw; }
const Headers& MessageView::headers() const { return _data->root.headers(); }
std::optional<std::string> MessageView::header(std::string_view name) const { return headers().header(name); }
std::vector<std::string> MessageView::headers(std::string_view name) const { return headers().headers(name); }

std::vector<Mailbox> MessageView::addresses(std::string_view name) const {
    detail::ensureGMime();
    std::vector<Mailbox> out;
    GMimeParserOptions* options = g_mime_parser_options_new();
    g_mime_parser_options_set_address_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
    for (const auto& f : headers().all()) {
        if (!sameName(f.name, name)) continue;
        // Parse the raw value: the decoded one may have lost the quoting that protects commas.
        InternetAddressList* list = internet_address_list_parse(options, detail::mergeEncodedWords(f.rawValue).c_str());
        appendMailboxes(list, out);
        if (list) g_object_unref(list);
    }
    g_mime_parser_options_free(options);
    return out;
}

std::vector<Mailbox> MessageView::from() const { return addresses("From"); }
std::vector<Mailbox> MessageView::to() const { return addresses("To"); }
std::vector<Mailbox> MessageView::cc() const { return addresses("Cc"); }

std::string MessageView::subject() const { return header("Subject").value_or(""); }

std::optional<std::chrono::system_clock::time_point> MessageView::date() const {
    const HeaderField* f = headers().find("Date");
    if (!f) return std::nullopt;
    detail::ensureGMime();
    GDateTime* parsed = g_mime_utils_header_decode_date(f->rawValue.c_str());
    if (!parsed) return std::nullopt;
    const gint64 seconds = g_date_time_to_unix(parsed);
    g_date_time_unref(parsed);
    return detail::timePointFromUnixSeconds(seconds);
}

std::string MessageView::messageId() const {
    const HeaderField* f = headers().find("Message-ID");
    if (!f) return {};
    std::string id = f->value;
    const auto open = id.find('<');
    const auto close = id.find('>', open == std::string::npos ? 0 : open);
    if (open != std::string::npos && close != std::string::npos) return id.substr(open + 1, close - open - 1);
    return stripAngles(id);
}

const MimePart& MessageView::root() const { return _data->root; }

const MimePart* MessageView::part(std::string_view path) const {
    return findFirst(root(), [&](const MimePart& p) { return p.path() == path; }, true);
}

std::vector<const MimePart*> MessageView::parts() const {
    std::vector<const MimePart*> out;
    collect(root(), out);
    return out;
}

const MimePart* MessageView::textBody() const {
    return findFirst(root(), [](const MimePart& p) { return p.contentType() == "text/plain" && !p.isAttachment(); },
                     false);
}

const MimePart* MessageView::htmlBody() const {
    return findFirst(root(), [](const MimePart& p) { return p.contentType() == "text/html" && !p.isAttachment(); },
                     false);
}

std::vector<const MimePart*> MessageView::attachments() const {
    std::vector<const MimePart*> out;
    // Walk without entering encapsulated messages: they count as one attachment.
    struct Walk {
        static void run(const MimePart& p, std::vector<const MimePart*>& out) {
            if (p.isAttachment()) out.push_back(&p);
            if (p.isMessage()) return;
            for (const auto& c : p.children()) run(c, out);
        }
    };
    Walk::run(root(), out);
    return out;
}

const MimePart* MessageView::partByContentId(std::string_view contentId) const {
    const std::string wanted = stripAngles(std::string(contentId));
    return findFirst(root(), [&](const MimePart& p) { return !p.contentId().empty() && p.contentId() == wanted; },
                     true);
}

const std::vector<ParserWarning>& MessageView::parserWarnings() const { return _data->warnings; }

std::string displayText(std::string_view bytes) { return detail::toUtf8(std::string(bytes), ""); }

} // namespace mailrig::fake
