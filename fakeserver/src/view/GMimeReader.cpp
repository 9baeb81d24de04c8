// Turns raw bytes into a MessageView with GMime's parser: the only file that walks GMime objects.
#include "view/Charset.h"
#include "view/EncodedWords.h"
#include "view/GMimeInit.h"
#include "view/LineIndex.h"
#include "view/ViewData.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <tuple>

namespace mailrig::fake::detail {

namespace {

struct GObjectUnref {
    void operator()(void* object) const {
        if (object) g_object_unref(object);
    }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
    void operator()(void* p) const { g_free(p); }
};
using GString_ = std::unique_ptr<char, GFree>;

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(std::string_view s) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    std::size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b])) ++b;
    while (e > b && isSpace(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

const char* warningName(GMimeParserWarning code) {
    switch (code) {
    case GMIME_WARN_DUPLICATED_HEADER: return "duplicated-header";
    case GMIME_WARN_DUPLICATED_PARAMETER: return "duplicated-parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER: return "unencoded-8bit-header";
    case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid-content-type";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid-rfc2047-header-value";
    case GMIME_WARN_MALFORMED_MULTIPART: return "malformed-multipart";
    case GMIME_WARN_TRUNCATED_MESSAGE: return "truncated-message";
    case GMIME_WARN_MALFORMED_MESSAGE: return "malformed-message";
    case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid-header-name";
    case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting-header";
    case GMIME_CRIT_CONFLICTING_PARAMETER: return "conflicting-parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "multipart-without-boundary";
    case GMIME_WARN_INVALID_PARAMETER: return "invalid-parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST: return "invalid-address-list";
    case GMIME_CRIT_NESTING_OVERFLOW: return "nesting-overflow";
    case GMIME_WARN_PART_WITHOUT_CONTENT: return "part-without-content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "part-without-headers-or-content";
    }
    return "unknown";
}

struct RawWarning {
    gint64 offset;
    GMimeParserWarning code;
    std::string item;
};

void collectWarning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer userData) {
    static_cast<std::vector<RawWarning>*>(userData)->push_back({offset, code, str(item)});
}

// True when the first line of `raw` has the shape of a header field: a name of printable
// ASCII without ':' followed (perhaps after blanks) by ':'.
bool startsWithHeaderField(const std::string& raw) {
    std::size_t i = 0;
    while (i < raw.size()) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c == ':') break;
        if (c < 33 || c > 126) break;
        ++i;
    }
    if (i == 0) return false;
    while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) ++i;
    return i < raw.size() && raw[i] == ':';
}

using ParserOptions = std::unique_ptr<GMimeParserOptions, decltype(&g_mime_parser_options_free)>;

// Parser options that read real-world headers: loose RFC 2047, parameters and addresses.
ParserOptions looseParserOptions() {
    ParserOptions options(g_mime_parser_options_new(), &g_mime_parser_options_free);
    g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    return options;
}

std::string readStream(GMimeStream* stream) {
    std::string out;
    if (!stream) return out;
    g_mime_stream_reset(stream);
    char buffer[8192];
    while (true) {
        const ssize_t n = g_mime_stream_read(stream, buffer, sizeof buffer);
        if (n <= 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

std::string bytesOf(GMimeStream* mem) {
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    return array ? std::string(reinterpret_cast<const char*>(array->data), array->len) : std::string();
}

std::vector<Parameter> parametersOf(GMimeParamList* list) {
    std::vector<Parameter> out;
    if (!list) return out;
    const int n = g_mime_param_list_length(list);
    for (int i = 0; i < n; ++i) {
        GMimeParam* p = g_mime_param_list_get_parameter_at(list, i);
        out.push_back({lower(str(g_mime_param_get_name(p))), str(g_mime_param_get_value(p))});
    }
    return out;
}

std::optional<std::string> valueOf(const std::vector<Parameter>& parameters, const std::string& name) {
    for (const auto& p : parameters)
        if (p.name == name) return p.value;
    return std::nullopt;
}

// GMime decodes a run of RFC 2047 words in a parameter value as one base64 stream and stops at
// the first padding; when the raw field holds encoded words, `parameters` are read again from
// the field with each run merged into one word (see EncodedWords.h).
template <typename Parsed>
void reparseEncodedWords(std::vector<Parameter>& parameters, const HeaderField* field,
                         Parsed* (*parse)(GMimeParserOptions*, const char*), GMimeParamList* (*list)(Parsed*)) {
    if (!field || !mayHoldEncodedWords(field->rawValue)) return;
    const ParserOptions options = looseParserOptions();
    GPtr<Parsed> parsed(parse(options.get(), mergeEncodedWords(field->rawValue).c_str()));
    if (parsed) parameters = parametersOf(list(parsed.get()));
}

} // namespace

// RFC 2231 §4.1: when a parameter appears both plain (an ASCII fallback) and starred, the starred
// one is the real value. GMime keeps the first; this returns the decoded starred value of
// `name` in a raw Content-Type / Content-Disposition value, or "" when there is none.
std::string starredParameter(const std::string& rawValue, const std::string& name) {
    std::vector<std::string> segments;
    std::string current;
    bool quoted = false;
    for (std::size_t i = 0; i < rawValue.size(); ++i) {
        const char c = rawValue[i];
        if (c == '\\' && quoted && i + 1 < rawValue.size()) {
            current += c;
            current += rawValue[++i];
            continue;
        }
        if (c == '"') quoted = !quoted;
        if (c == ';' && !quoted) {
            segments.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    segments.push_back(current);
    std::string starred = "x";
    const std::string prefix = name + "*";
    for (std::size_t i = 1; i < segments.size(); ++i) {
        const std::string segment = trim(segments[i]);
        if (lower(segment.substr(0, prefix.size())) == prefix) starred += "; " + segment;
    }
    if (starred == "x") return {};
    std::unique_ptr<GMimeParserOptions, decltype(&g_mime_parser_options_free)> options(g_mime_parser_options_new(),
                                                                                        &g_mime_parser_options_free);
    g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    GPtr<GMimeContentDisposition> parsed(g_mime_content_disposition_parse(options.get(), starred.c_str()));
    return parsed ? str(g_mime_content_disposition_get_parameter(parsed.get(), name.c_str())) : std::string();
}

/// Entities deeper than this (path components) are read as leaves.
constexpr std::size_t maxNestingDepth = 100;

class ViewBuilder::Reader {
public:
    /// `raw` is what GMime's offsets refer to; with `linesKnown` false (a message decoded from a
    /// transfer encoding, whose lines are not lines of the transmitted bytes) every line is 0.
    explicit Reader(const std::string& raw, bool linesKnown = true) : _lines(raw), _linesKnown(linesKnown) {}

    std::vector<ParserWarning> warnings(const std::vector<RawWarning>& raw) const {
        std::vector<ParserWarning> out;
        for (const auto& w : raw)
            out.push_back({warningName(w.code), w.offset >= 0 ? _lines.lineOf(static_cast<std::size_t>(w.offset)) : 0,
                           w.item});
        out.insert(out.end(), _overflows.begin(), _overflows.end());
        return out;
    }

    // The top-level entity of `message`, with all of the message's fields.
    MimePart messageRoot(GMimeMessage* message, const std::string& path) {
        GMimeObject* body = g_mime_message_get_mime_part(message);
        std::vector<HeaderField> fields = fieldsOf(GMIME_OBJECT(message));
        if (!body) {
            MimePart part;
            setPath(part, path);
            part._headers = Headers(std::move(fields));
            return part;
        }
        return build(body, path, std::move(fields));
    }

private:
    static void setPath(MimePart& part, const std::string& path) { part._path = path; }

    HeaderField fieldOf(GMimeHeader* header) const {
        HeaderField f;
        f.name = str(g_mime_header_get_raw_name(header));
        f.rawValue = str(g_mime_header_get_raw_value(header));
        while (!f.rawValue.empty() && (f.rawValue.back() == '\n' || f.rawValue.back() == '\r')) f.rawValue.pop_back();
        f.value = trim(mayHoldEncodedWords(f.rawValue) ? decodeEncodedWords(f.rawValue)
                                                       : str(g_mime_header_get_value(header)));
        const gint64 offset = g_mime_header_get_offset(header);
        f.line = offset >= 0 && _linesKnown ? _lines.lineOf(static_cast<std::size_t>(offset)) : 0;
        return f;
    }

    std::vector<HeaderField> fieldsOf(GMimeObject* object) const {
        std::vector<HeaderField> out;
        GMimeHeaderList* list = g_mime_object_get_header_list(object);
        const int n = list ? g_mime_header_list_get_count(list) : 0;
        for (int i = 0; i < n; ++i) out.push_back(fieldOf(g_mime_header_list_get_header_at(list, i)));
        return out;
    }

    MimePart build(GMimeObject* object, const std::string& path, std::vector<HeaderField> extra) {
        MimePart part;
        part._path = path;
        std::vector<HeaderField> fields = std::move(extra);
        for (auto& f : fieldsOf(object)) fields.push_back(std::move(f));
        std::stable_sort(fields.begin(), fields.end(), [](const HeaderField& a, const HeaderField& b) {
            return (a.line == 0 ? SIZE_MAX : a.line) < (b.line == 0 ? SIZE_MAX : b.line);
        });
        part._headers = Headers(std::move(fields));

        if (GMimeContentType* type = g_mime_object_get_content_type(object)) {
            GString_ mimeType(g_mime_content_type_get_mime_type(type));
            if (mimeType) part._contentType = lower(mimeType.get());
            part._parameters = parametersOf(g_mime_content_type_get_parameters(type));
            reparseEncodedWords(part._parameters, part._headers.find("Content-Type"), &g_mime_content_type_parse,
                                &g_mime_content_type_get_parameters);
        }
        if (auto charset = part.parameter("charset")) part._charset = lower(trim(*charset));
        if (auto cte = part._headers.header("Content-Transfer-Encoding")) part._transferEncoding = lower(trim(*cte));
        if (GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object)) {
            part._disposition = lower(trim(str(g_mime_content_disposition_get_disposition(disposition))));
            part._dispositionParameters = parametersOf(g_mime_content_disposition_get_parameters(disposition));
            reparseEncodedWords(part._dispositionParameters, part._headers.find("Content-Disposition"),
                                &g_mime_content_disposition_parse, &g_mime_content_disposition_get_parameters);
        }
        part._contentId = str(g_mime_object_get_content_id(object));

        if (GMIME_IS_MULTIPART(object)) {
            auto* multipart = GMIME_MULTIPART(object);
            // Not g_mime_multipart_get_boundary: it invents a boundary when the header has none.
            part._boundary = part.parameter("boundary").value_or("");
            const int n = tooDeep(part) ? 0 : g_mime_multipart_get_count(multipart);
            for (int i = 0; i < n; ++i)
                part._children.push_back(build(g_mime_multipart_get_part(multipart, i), childPath(path, i), {}));
        } else if (GMIME_IS_MESSAGE_PART(object)) {
            GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
            if (inner) {
                part._content = serialize(GMIME_OBJECT(inner));
                part._encodedContent = part._content;
                if (!tooDeep(part)) {
                    part._isMessage = true;
                    part._children.push_back(messageRoot(inner, childPath(path, 0)));
                }
            }
        } else if (GMIME_IS_PART(object)) {
            auto* leaf = GMIME_PART(object);
            part._fileName =
                valueOf(part._dispositionParameters, "filename").value_or(part.parameter("name").value_or(""));
            if (GMimeDataWrapper* wrapper = g_mime_part_get_content(leaf)) {
                part._encodedContent = readStream(g_mime_data_wrapper_get_stream(wrapper));
                GPtr<GMimeStream> decoded(g_mime_stream_mem_new());
                g_mime_data_wrapper_write_to_stream(wrapper, decoded.get());
                part._content = bytesOf(decoded.get());
            }
            if (isMessageType(part.contentType())) encapsulateDecoded(part);
        }
        if (part._fileName.empty()) part._fileName = valueOf(part._dispositionParameters, "filename").value_or("");
        if (const HeaderField* f = part._headers.find("Content-Disposition")) {
            std::string starred = starredParameter(f->rawValue, "filename");
            if (!starred.empty()) part._fileName = std::move(starred);
        } else if (const HeaderField* t = part._headers.find("Content-Type")) {
            std::string starred = starredParameter(t->rawValue, "name");
            if (!starred.empty()) part._fileName = std::move(starred);
        }
        part._isAttachment = isAttachment(part);
        return part;
    }

    static bool isMessageType(const std::string& type) { return type == "message/rfc822" || type == "message/global"; }

    // GMime leaves a transfer-encoded (base64 or quoted-printable, which RFC 2045 §6.4 forbids)
    // message/rfc822 as a leaf: parse its decoded content as the encapsulated message. content()
    // stays the decoded message and encodedContent() the transmitted body. Content that is not a
    // message stays a leaf.
    void encapsulateDecoded(MimePart& part) {
        if (part._content.empty() || !startsWithHeaderField(part._content) || tooDeep(part)) return;
        const ParserOptions options = looseParserOptions();
        GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(part._content.data(), part._content.size()));
        GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
        g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
        GPtr<GMimeMessage> inner(g_mime_parser_construct_message(parser.get(), options.get()));
        if (!inner) return;
        Reader nested(part._content, false);
        part._children.push_back(nested.messageRoot(inner.get(), childPath(part._path, 0)));
        _overflows.insert(_overflows.end(), nested._overflows.begin(), nested._overflows.end());
        part._isMessage = true;
    }

    // True, after noting a `nesting-overflow` warning, when `part` is so deep that its children
    // are not read: GMime bounds multipart nesting but not encapsulated messages, and every
    // level costs stack and a copy of its content.
    bool tooDeep(const MimePart& part) {
        const std::string& path = part._path;
        const auto depth = path.empty() ? 0 : static_cast<std::size_t>(std::count(path.begin(), path.end(), '.')) + 1;
        if (depth < maxNestingDepth) return false;
        const auto& fields = part._headers.all();
        _overflows.push_back({"nesting-overflow", fields.empty() ? 0 : fields.front().line, path});
        return true;
    }

    static bool isAttachment(const MimePart& part) {
        if (part.path().empty() || part.isMultipart()) return false;
        if (part.disposition() == "attachment") return true;
        if (!part.disposition().empty()) return false;
        return part.isMessage() || !part.fileName().empty() || part.mediaType() != "text";
    }

    static std::string childPath(const std::string& parent, int index) {
        const std::string number = std::to_string(index + 1);
        return parent.empty() ? number : parent + "." + number;
    }

    static std::string serialize(GMimeObject* object) {
        GPtr<GMimeStream> out(g_mime_stream_mem_new());
        GMimeFormatOptions* format = g_mime_format_options_new();
        g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS);
        g_mime_object_write_to_stream(object, format, out.get());
        g_mime_format_options_free(format);
        return bytesOf(out.get());
    }

    LineIndex _lines;
    bool _linesKnown;
    std::vector<ParserWarning> _overflows;
};

MessageView ViewBuilder::build(std::string raw) {
    ensureGMime();
    if (raw.empty()) throw MessageParseError("message: empty input, not a message");
    if (!startsWithHeaderField(raw))
        throw MessageParseError("message: not a message: line 1 is not a header field");

    std::vector<RawWarning> rawWarnings;
    const ParserOptions options = looseParserOptions();
    g_mime_parser_options_set_warning_callback(options.get(), &collectWarning, &rawWarnings);

    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
    if (!message) throw MessageParseError("message: not a message: GMime found no header block");

    auto data = std::make_shared<ViewData>();
    Reader reader(raw);
    data->root = reader.messageRoot(message.get(), "");
    data->warnings = reader.warnings(rawWarnings);
    data->raw = std::move(raw);

    MessageView view;
    view._data = std::move(data);
    return view;
}

} // namespace mailrig::fake::detail
