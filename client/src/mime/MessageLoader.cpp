#include "mime/MessageLoader.h"

#include "mime/EncodedWordRuns.h"
#include "mime/GMimeSupport.h"
#include "mime/HeaderEncoding.h"
#include "mime/MessageShape.h"

#include <cctype>
#include <set>
#include <stdexcept>

namespace mailrig::detail {

namespace {

[[noreturn]] void notAMessage(const std::string& name, const std::string& cause) {
    throw std::runtime_error("cannot load message from '" + name + "': " + cause);
}

// A message starts with a header field and has no NUL bytes in its header block.
void checkLooksLikeMessage(const std::string& bytes, const std::string& name) {
    if (bytes.empty()) notAMessage(name, "the file is empty");
    const std::string cause = whyNotAMessage(bytes);
    if (!cause.empty()) notAMessage(name, cause);
}

std::string partBytes(GMimePart* part) {
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    if (!content) return {};
    GPtr<GMimeStream> memory(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, memory.get());
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory.get()));
    return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

std::string convert(const std::string& bytes, const char* from) {
    gsize written = 0;
    GError* error = nullptr;
    gchar* converted =
        g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8", from, nullptr, &written, &error);
    if (!converted) {
        g_clear_error(&error);
        throw std::range_error("not convertible");
    }
    std::string out(converted, written);
    g_free(converted);
    return out;
}

// Text in `charset` as UTF-8. Unknown charsets and undecodable bytes fall back to keeping valid
// UTF-8 as it is, else reading the bytes as ISO-8859-1 (which never fails), so nothing is lost.
std::string toUtf8(const std::string& bytes, const std::string& charset) {
    bool valid = g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), nullptr);
    std::string cs = asciiLower(charset);
    if (cs.empty() || cs == "utf-8" || cs == "utf8" || cs == "us-ascii" || cs == "ascii") {
        if (valid) return bytes;
        cs = "windows-1252";
    }
    try {
        return convert(bytes, g_mime_charset_iconv_name(cs.c_str()));
    } catch (const std::range_error&) {
        if (valid) return bytes;
        return convert(bytes, "ISO-8859-1");
    }
}

TransferEncoding fromGMime(GMimeContentEncoding encoding) {
    switch (encoding) {
    case GMIME_CONTENT_ENCODING_7BIT: return TransferEncoding::SevenBit;
    case GMIME_CONTENT_ENCODING_8BIT:
    case GMIME_CONTENT_ENCODING_BINARY: return TransferEncoding::EightBit;
    case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE: return TransferEncoding::QuotedPrintable;
    case GMIME_CONTENT_ENCODING_BASE64: return TransferEncoding::Base64;
    default: return TransferEncoding::Auto;
    }
}

std::string mediaTypeOf(GMimeObject* object) {
    GMimeContentType* type = g_mime_object_get_content_type(object);
    if (!type) return "text/plain";
    return asciiLower(takeGString(g_mime_content_type_get_mime_type(type)));
}

std::string typeParameter(GMimeObject* object, const char* name) {
    const char* value = g_mime_object_get_content_type_parameter(object, name);
    return value ? value : "";
}

std::string dispositionOf(GMimeObject* object) {
    const char* value = g_mime_object_get_disposition(object);
    return value ? asciiLower(value) : "";
}

// The value of parameter `name`, preferring its RFC 2231 form when a plain fallback stands
// beside it (GMime's own lookup returns whichever comes first); null when absent.
const char* preferredParameter(GMimeParamList* list, const char* name) {
    const char* found = nullptr;
    int count = list ? g_mime_param_list_length(list) : 0;
    for (int i = 0; i < count; ++i) {
        GMimeParam* p = g_mime_param_list_get_parameter_at(list, i);
        if (g_ascii_strcasecmp(g_mime_param_get_name(p), name) != 0) continue;
        if (!found || g_mime_param_get_encoding_method(p) == GMIME_PARAM_ENCODING_METHOD_RFC2231)
            found = g_mime_param_get_value(p);
    }
    return found;
}

// A part's file name: Content-Disposition `filename`, else Content-Type `name`; "" for none.
std::string fileNameOf(GMimeObject* object) {
    const char* name = nullptr;
    if (GMimeContentDisposition* d = g_mime_object_get_content_disposition(object))
        name = preferredParameter(g_mime_content_disposition_get_parameters(d), "filename");
    if (!name || !*name)
        if (GMimeContentType* t = g_mime_object_get_content_type(object))
            name = preferredParameter(g_mime_content_type_get_parameters(t), "name");
    return name ? sanitizeUtf8(name) : "";
}

std::string withoutBrackets(std::string id) {
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
    return id;
}

// A file name for an embedded message: its own name, else its subject, made safe.
std::string embeddedMessageName(GMimeObject* object, GMimeMessage* inner) {
    std::string name = fileNameOf(object);
    if (!name.empty()) return name;
    std::string subject = inner && g_mime_message_get_subject(inner) ? g_mime_message_get_subject(inner) : "";
    std::string safe;
    for (char c : subject) {
        auto u = static_cast<unsigned char>(c);
        safe += (u < 0x20 || c == '/' || c == '\\' || u == 0x7F) ? '_' : c;
    }
    if (safe.empty()) safe = "message";
    if (safe.size() > 60) safe = safe.substr(0, 60);
    return sanitizeUtf8(safe) + ".eml";
}

enum class Context { Mixed, Alternative, RelatedResource };

// Walks the MIME tree and sorts parts into bodies, views, attachments and resources.
struct Walker {
    std::string text, html;
    bool haveText = false, haveHtml = false;
    std::vector<AlternateView> views;
    std::vector<Attachment> attachments;
    std::vector<LinkedResource> resources;

    void walk(GMimeObject* object, Context context) {
        if (GMIME_IS_MULTIPART(object)) {
            walkMultipart(GMIME_MULTIPART(object), context);
        } else if (GMIME_IS_MESSAGE_PART(object)) {
            embeddedMessage(object);
        } else if (GMIME_IS_PART(object)) {
            leaf(GMIME_PART(object), context);
        }
    }

    void walkMultipart(GMimeMultipart* multipart, Context context) {
        GMimeObject* object = GMIME_OBJECT(multipart);
        std::string subtype = mediaTypeOf(object);
        int count = g_mime_multipart_get_count(multipart);
        Context bodyContext = context == Context::Alternative ? Context::Alternative : Context::Mixed;
        if (subtype == "multipart/alternative") {
            for (int i = 0; i < count; ++i) walk(g_mime_multipart_get_part(multipart, i), Context::Alternative);
        } else if (subtype == "multipart/related") {
            int root = 0;
            std::string start = withoutBrackets(typeParameter(object, "start"));
            for (int i = 0; i < count && !start.empty(); ++i) {
                const char* id = g_mime_object_get_content_id(g_mime_multipart_get_part(multipart, i));
                if (id && start == id) root = i;
            }
            for (int i = 0; i < count; ++i)
                walk(g_mime_multipart_get_part(multipart, i), i == root ? bodyContext : Context::RelatedResource);
        } else {
            for (int i = 0; i < count; ++i) walk(g_mime_multipart_get_part(multipart, i), Context::Mixed);
        }
    }

    void embeddedMessage(GMimeObject* object) {
        GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
        Attachment a;
        a.contentType = "message/rfc822";
        a.fileName = embeddedMessageName(object, inner);
        a.disposition = dispositionOf(object) == "inline" ? Disposition::Inline : Disposition::Attachment;
        if (inner) {
            GMimeFormatOptions* options = g_mime_format_options_new();
            g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
            a.content = takeGString(g_mime_object_to_string(GMIME_OBJECT(inner), options));
            g_mime_format_options_free(options);
        }
        const char* id = g_mime_object_get_content_id(object);
        if (id) a.contentId = id;
        attachments.push_back(std::move(a));
    }

    void leaf(GMimePart* part, Context context) {
        GMimeObject* object = GMIME_OBJECT(part);
        std::string type = mediaTypeOf(object);
        std::string disposition = dispositionOf(object);
        std::string fileName = fileNameOf(object);
        const char* rawId = g_mime_object_get_content_id(object);
        std::string contentId = rawId ? rawId : "";
        std::string bytes = partBytes(part);
        TransferEncoding encoding = fromGMime(g_mime_part_get_content_encoding(part));

        if (disposition != "attachment" && fileName.empty()) {
            if (type == "text/plain" && !haveText && context != Context::RelatedResource) {
                text = toUtf8(bytes, typeParameter(object, "charset"));
                haveText = true;
                return;
            }
            if (type == "text/html" && !haveHtml && context != Context::RelatedResource) {
                html = toUtf8(bytes, typeParameter(object, "charset"));
                haveHtml = true;
                return;
            }
        }
        if (context == Context::Alternative && disposition != "attachment") {
            AlternateView view;
            view.content = std::move(bytes);
            view.contentType = type;
            view.charset = typeParameter(object, "charset");
            view.transferEncoding = encoding;
            GMimeParamList* parameters = g_mime_content_type_get_parameters(g_mime_object_get_content_type(object));
            int count = parameters ? g_mime_param_list_length(parameters) : 0;
            for (int i = 0; i < count; ++i) {
                GMimeParam* p = g_mime_param_list_get_parameter_at(parameters, i);
                std::string name = asciiLower(g_mime_param_get_name(p));
                if (name != "charset") view.parameters.emplace_back(name, g_mime_param_get_value(p));
            }
            views.push_back(std::move(view));
            return;
        }
        if (context == Context::RelatedResource && disposition != "attachment" && !contentId.empty()) {
            LinkedResource r;
            r.contentId = contentId;
            r.contentType = type;
            r.content = std::move(bytes);
            r.fileName = fileName;
            resources.push_back(std::move(r));
            return;
        }
        Attachment a;
        a.fileName = fileName;
        a.contentType = type;
        a.content = std::move(bytes);
        bool inlined = disposition == "inline" || (context == Context::RelatedResource && disposition.empty());
        a.disposition = inlined ? Disposition::Inline : Disposition::Attachment;
        a.contentId = contentId;
        a.transferEncoding = encoding;
        attachments.push_back(std::move(a));
    }
};

// A header's raw value unfolded and trimmed, with base64 word runs joined (see EncodedWordRuns.h).
std::string repairedRawValue(GMimeHeader* header) {
    const char* raw = g_mime_header_get_raw_value(header);
    std::string value;
    for (const char* p = raw ? raw : ""; *p; ++p)
        if (*p != '\r' && *p != '\n') value += *p;
    auto first = value.find_first_not_of(" \t");
    auto last = value.find_last_not_of(" \t");
    value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
    return joinEncodedWordRuns(value);
}

// A header's value decoded to UTF-8.
std::string decodedValue(GMimeParserOptions* options, const std::string& repairedRaw) {
    return sanitizeUtf8(takeGString(g_mime_utils_header_decode_text(options, repairedRaw.c_str())));
}

std::vector<MailAddress> parseAddresses(GMimeParserOptions* options, const std::string& value) {
    std::vector<MailAddress> out;
    GPtr<InternetAddressList> list(internet_address_list_parse(options, value.c_str()));
    appendMailboxes(list.get(), out);
    for (auto& a : out) a.displayName = sanitizeUtf8(a.displayName);
    return out;
}

Priority priorityFrom(const std::string& name, const std::string& value) {
    std::string v = asciiLower(value);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.erase(0, 1);
    if (name == "x-priority") {
        if (!v.empty() && (v[0] == '1' || v[0] == '2')) return Priority::High;
        if (!v.empty() && (v[0] == '4' || v[0] == '5')) return Priority::Low;
    } else if (name == "importance") {
        if (v.compare(0, 4, "high") == 0) return Priority::High;
        if (v.compare(0, 3, "low") == 0) return Priority::Low;
    } else if (name == "priority") {
        if (v.compare(0, 6, "urgent") == 0) return Priority::High;
        if (v.compare(0, 10, "non-urgent") == 0) return Priority::Low;
    }
    return Priority::Normal;
}

} // namespace

MailMessage MessageLoader::load(const std::string& bytes, const std::string& name) {
    checkLooksLikeMessage(bytes, name);
    auto options = lenientParserOptions();
    std::size_t start = headerBlockStart(bytes);
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data() + start, bytes.size() - start));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
    if (!message) notAMessage(name, "no header block could be parsed");

    MailMessage m;
    GMimeMessage* msg = message.get();
    if (GDateTime* date = g_mime_message_get_date(msg)) {
        // GDateTime reaches year 9999; system_clock (nanoseconds) only 1678 to 2261. A Date
        // outside stays unset, as one that cannot be read (the loaded bytes keep it).
        constexpr auto kLimit =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max()).count() - 1;
        const gint64 seconds = g_date_time_to_unix(date);
        if (seconds > -kLimit && seconds < kLimit)
            m._date = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::seconds(seconds) + std::chrono::microseconds(g_date_time_get_microsecond(date))));
    }
    if (const char* id = g_mime_message_get_message_id(msg); id && *id) m._messageId = "<" + std::string(id) + ">";

    bool haveSubject = false;
    GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    int count = g_mime_header_list_get_count(headers);
    for (int i = 0; i < count; ++i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(headers, i);
        std::string field = g_mime_header_get_name(header);
        std::string lower = asciiLower(field);
        std::string raw = repairedRawValue(header);
        auto decoded = [&] { return decodedValue(options.get(), raw); };
        auto addresses = [&] { return parseAddresses(options.get(), raw); };
        if (lower == "from" || lower == "sender") {
            auto list = addresses();
            auto& slot = lower == "from" ? m._from : m._sender;
            if (!list.empty() && !slot) slot = list.front();
        } else if (lower == "reply-to" || lower == "to" || lower == "cc" || lower == "bcc") {
            auto list = addresses();
            auto& slot = lower == "reply-to" ? m._replyTo : lower == "to" ? m._to : lower == "cc" ? m._cc : m._bcc;
            slot.insert(slot.end(), list.begin(), list.end());
        } else if (lower == "subject") {
            if (!haveSubject) m._subject = decoded();
            haveSubject = true;
        } else if (lower == "x-priority" || lower == "importance" || lower == "priority") {
            Priority p = priorityFrom(lower, raw);
            if (p != Priority::Normal) m._priority = p;
        } else if (lower != "date" && lower != "message-id" && lower != "mime-version" &&
                   lower.compare(0, 8, "content-") != 0) {
            m._headers.emplace_back(field, decoded());
        }
    }
    // GMime files the top-level Content-* fields with the root part; keep those the composer
    // does not write itself (Content-Class, Content-Language, ...).
    if (GMimeObject* root = g_mime_message_get_mime_part(msg)) {
        GMimeHeaderList* rootHeaders = g_mime_object_get_header_list(root);
        int rootCount = g_mime_header_list_get_count(rootHeaders);
        for (int i = 0; i < rootCount; ++i) {
            GMimeHeader* header = g_mime_header_list_get_header_at(rootHeaders, i);
            std::string field = g_mime_header_get_name(header);
            std::string lower = asciiLower(field);
            if (lower.compare(0, 8, "content-") != 0 || lower == "content-type" ||
                lower == "content-transfer-encoding" || lower == "content-disposition")
                continue;
            m._headers.emplace_back(field, decodedValue(options.get(), repairedRawValue(header)));
        }
    }

    Walker walker;
    if (GMimeObject* body = g_mime_message_get_mime_part(msg)) walker.walk(body, Context::Mixed);
    m._textBody = std::move(walker.text);
    m._htmlBody = std::move(walker.html);
    m._alternateViews = std::move(walker.views);
    m._attachments = std::move(walker.attachments);
    m._linkedResources = std::move(walker.resources);
    m._original = bytes;
    return m;
}

} // namespace mailrig::detail
