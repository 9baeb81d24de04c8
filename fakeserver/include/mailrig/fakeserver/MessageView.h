#pragma once
/// The verifying side's view of one message: raw bytes in, decoded headers and the MIME tree
/// out. It parses with GMime and never with the client's composing code, so a composing bug
/// cannot hide behind a matching parsing bug.
///
/// Part paths: the top-level entity (the message body) has the path `""`. The children of a
/// multipart are numbered from 1 (`1`, `2`, ...), a grandchild appends its number after a dot
/// (`1.2`). A `message/rfc822` (or `message/global`) part has exactly one child, the
/// encapsulated message's top-level entity, numbered `1`; when that entity is itself a
/// multipart its children are `N.1.1`, `N.1.2`, .... These are IMAP part numbers (RFC 3501
/// §6.4.5) everywhere except inside an encapsulated multipart message, where IMAP skips the
/// multipart's own number and mailrig keeps it so that every entity has its own path.
///
/// An entity 100 levels deep (a path of 100 numbers) is read as a leaf: its children are not
/// built, and a `nesting-overflow` ParserWarning (Lint: `nesting-too-deep`) says so.

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailrig::fake {

namespace detail {
struct ViewBuilder;
struct ViewData;
} // namespace detail

/// Thrown when bytes cannot be parsed as a message at all (empty input, or input that does not
/// start with a header field), and by MessageView::fromFile when the file cannot be read.
/// what() names the source (a path, or "message" for in-memory bytes) and the cause.
class MessageParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One header field exactly as parsed.
struct HeaderField {
    std::string name;     ///< the field name as written (case kept)
    std::string rawValue; ///< the bytes after the colon up to, not including, the field's last line break; folding kept
    std::string value;    ///< unfolded, RFC 2047 decoded to UTF-8, surrounding whitespace removed
    std::size_t line = 0; ///< 1-based line of MessageView::raw() where the field starts (0 when unknown)
};

/// An ordered list of header fields with case-insensitive look-up by name. A value type.
class Headers {
public:
    Headers() = default;
    /// Takes the fields in wire order.
    explicit Headers(std::vector<HeaderField> fields) : _fields(std::move(fields)) {}

    /// All fields in the order they appear on the wire.
    const std::vector<HeaderField>& all() const { return _fields; }
    /// The decoded value of the first field called `name` (case-insensitive), or nullopt.
    std::optional<std::string> header(std::string_view name) const;
    /// The decoded values of every field called `name`, in wire order (empty when none).
    std::vector<std::string> headers(std::string_view name) const;
    /// The first field called `name`, or nullptr. The pointer lives as long as this object.
    const HeaderField* find(std::string_view name) const;
    /// How many fields are called `name`.
    std::size_t count(std::string_view name) const;
    /// True when at least one field is called `name`.
    bool has(std::string_view name) const { return find(name) != nullptr; }
    /// Number of fields.
    std::size_t size() const { return _fields.size(); }
    /// True when there are no fields.
    bool empty() const { return _fields.empty(); }
    /// Iteration over all fields in wire order.
    std::vector<HeaderField>::const_iterator begin() const { return _fields.begin(); }
    /// End of iteration.
    std::vector<HeaderField>::const_iterator end() const { return _fields.end(); }

private:
    std::vector<HeaderField> _fields;
};

/// A decoded mailbox from an address header. Groups are flattened into their members.
struct Mailbox {
    std::string name;    ///< display name, RFC 2047 decoded to UTF-8 ("" when absent)
    std::string address; ///< the addr-spec, e.g. `user@example.org`
};

/// A parameter of Content-Type or Content-Disposition, RFC 2231 and RFC 2047 decoded.
struct Parameter {
    std::string name;  ///< lower-case name, without the RFC 2231 `*` suffix
    std::string value; ///< decoded value in UTF-8
};

/// One MIME entity of a parsed message. Immutable; owned by its MessageView (copies of the view
/// share it). Every accessor is const and safe to call from several threads at once.
class MimePart {
public:
    /// This part's path (see the file comment): `""`, `1`, `1.2`, ...
    const std::string& path() const { return _path; }
    /// This entity's header fields. For the top-level entity these are all the message's fields.
    const Headers& headers() const { return _headers; }
    /// Shortcut for headers().header(name).
    std::optional<std::string> header(std::string_view name) const { return _headers.header(name); }

    /// Lower-case `type/subtype`; `text/plain` when there is no Content-Type (RFC 2045 §5.2),
    /// `message/rfc822` for a part without Content-Type inside multipart/digest, and
    /// `application/octet-stream` when the header cannot be understood.
    const std::string& contentType() const { return _contentType; }
    /// The part before the slash of contentType(), e.g. `text`.
    std::string mediaType() const;
    /// The part after the slash of contentType(), e.g. `plain`.
    std::string subType() const;
    /// Content-Type parameters in wire order, decoded.
    const std::vector<Parameter>& parameters() const { return _parameters; }
    /// The decoded value of Content-Type parameter `name` (case-insensitive), or nullopt.
    std::optional<std::string> parameter(std::string_view name) const;
    /// Lower-case charset parameter, "" when absent.
    const std::string& charset() const { return _charset; }
    /// Lower-case Content-Transfer-Encoding value, "" when the header is absent.
    const std::string& transferEncoding() const { return _transferEncoding; }
    /// Lower-case Content-Disposition value (`inline`, `attachment`, ...), "" when absent.
    const std::string& disposition() const { return _disposition; }
    /// Content-Disposition parameters in wire order, decoded.
    const std::vector<Parameter>& dispositionParameters() const { return _dispositionParameters; }
    /// The file name: Content-Disposition `filename`, else Content-Type `name`; RFC 2231 and
    /// RFC 2047 decoded to UTF-8; when a parameter is given both plain (an ASCII fallback) and
    /// in RFC 2231 form (`filename*=`), the RFC 2231 value wins. "" when neither is present.
    const std::string& fileName() const { return _fileName; }
    /// The Content-ID without angle brackets, "" when absent.
    const std::string& contentId() const { return _contentId; }
    /// The multipart boundary parameter, "" for other parts.
    const std::string& boundary() const { return _boundary; }

    /// True for multipart/* entities.
    bool isMultipart() const { return _contentType.rfind("multipart/", 0) == 0; }
    /// True for an encapsulated message (message/rfc822 or message/global) whose content was
    /// parsed into children(). A message sent base64 or quoted-printable encoded (RFC 2045 §6.4
    /// forbids it, Lint reports it) is decoded first; header lines inside it are 0.
    bool isMessage() const { return _isMessage; }
    /// Child entities in order: a multipart's parts, or an encapsulated message's top-level
    /// entity (see the file comment). Empty for leaves.
    const std::vector<MimePart>& children() const { return _children; }

    /// The decoded content (transfer encoding removed) as bytes. For an encapsulated message,
    /// the whole message (headers and body) as GMime writes it back with CRLF line ends, which
    /// is byte-identical to the input when that was well-formed; for one that was transfer
    /// encoded, the decoded bytes. Empty for a multipart.
    const std::string& content() const { return _content; }
    /// The body exactly as transmitted (still transfer-encoded); for an encapsulated message the
    /// same as content() unless it was transfer encoded. Empty for a multipart.
    const std::string& encodedContent() const { return _encodedContent; }
    /// Octets of content().
    std::size_t size() const { return _content.size(); }
    /// content() converted to UTF-8 from charset(). Without a charset, or with one iconv does not
    /// know, valid UTF-8 is kept and anything else is read as windows-1252. Invalid sequences
    /// become U+FFFD. Never throws for bad data.
    std::string text() const;
    /// True when charset() is absent or known to the converter.
    bool charsetKnown() const;
    /// True when this part is an attachment: Content-Disposition `attachment`; or, without a
    /// disposition, a leaf that has a file name or is not text/*, or an encapsulated message.
    /// Never true for the top-level entity or multiparts.
    bool isAttachment() const { return _isAttachment; }

private:
    friend struct detail::ViewBuilder;
    std::string _path;
    Headers _headers;
    std::string _contentType = "text/plain";
    std::vector<Parameter> _parameters;
    std::string _charset;
    std::string _transferEncoding;
    std::string _disposition;
    std::vector<Parameter> _dispositionParameters;
    std::string _fileName;
    std::string _contentId;
    std::string _boundary;
    bool _isMessage = false;
    bool _isAttachment = false;
    std::vector<MimePart> _children;
    std::string _content;
    std::string _encodedContent;
};

/// Something GMime's parser noticed while reading (kept for diagnostics; Lint reports its own
/// findings).
struct ParserWarning {
    std::string code;     ///< stable kebab-case name, e.g. `invalid-header-name`, `truncated-message`
    std::size_t line = 0; ///< 1-based line in raw(), 0 when GMime gave no position
    std::string item;     ///< what GMime quoted (a header name, a parameter), may be empty
};

/// A parsed message. Construction parses everything eagerly; afterwards the view is immutable,
/// cheap to copy (copies share the parsed data) and safe to read from several threads. Views may
/// be constructed concurrently on different threads. Pointers returned by the accessors stay
/// valid while any copy of the view is alive.
class MessageView {
public:
    /// Parses `raw` (the message bytes as captured: headers, blank line, body). Real-world
    /// damage (bare LF, 8-bit headers, missing final boundary, unknown charsets) is tolerated
    /// and left for Lint to report. Throws MessageParseError when the input is empty or does not
    /// start with a header field.
    explicit MessageView(std::string raw);
    /// Reads and parses a file. Throws MessageParseError naming `path` and the cause when the
    /// file cannot be read, holds more than kMaxMessageInput (1 GiB; a device that never ends
    /// stops there), or is not a message.
    static MessageView fromFile(const std::string& path);
    /// Reads `in` to its end and parses it, as fromFile; `name` (`<stdin>`) names it in errors.
    static MessageView fromStream(std::istream& in, const std::string& name);

    /// The bytes this view was parsed from.
    const std::string& raw() const;
    /// The message's header fields (including Content-* fields), in wire order.
    const Headers& headers() const;
    /// Decoded value of the first header field `name`, or nullopt.
    std::optional<std::string> header(std::string_view name) const;
    /// Decoded values of every header field `name`, in wire order.
    std::vector<std::string> headers(std::string_view name) const;

    /// Mailboxes of every From field (groups flattened), decoded.
    std::vector<Mailbox> from() const;
    /// Mailboxes of every To field.
    std::vector<Mailbox> to() const;
    /// Mailboxes of every Cc field.
    std::vector<Mailbox> cc() const;
    /// Mailboxes of every field called `name` (e.g. `Reply-To`, `Bcc`, `Resent-To`).
    std::vector<Mailbox> addresses(std::string_view name) const;
    /// The decoded Subject, "" when absent.
    std::string subject() const;
    /// The Date field as a point in time, nullopt when absent, unparseable or outside what
    /// system_clock can hold (years 1678 to 2261).
    std::optional<std::chrono::system_clock::time_point> date() const;
    /// The Message-ID without angle brackets, "" when absent.
    std::string messageId() const;

    /// The top-level entity.
    const MimePart& root() const;
    /// The part at `path` (see the file comment), or nullptr when there is none.
    const MimePart* part(std::string_view path) const;
    /// Every entity, depth first in wire order, the root first.
    std::vector<const MimePart*> parts() const;
    /// The first text/plain part that is not an attachment, not looking inside encapsulated
    /// messages; nullptr when there is none.
    const MimePart* textBody() const;
    /// The first text/html part that is not an attachment, not looking inside encapsulated
    /// messages; nullptr when there is none.
    const MimePart* htmlBody() const;
    /// Attachments (see MimePart::isAttachment) in wire order, not looking inside encapsulated
    /// messages.
    std::vector<const MimePart*> attachments() const;
    /// The part whose Content-ID is `contentId` (with or without angle brackets), or nullptr.
    const MimePart* partByContentId(std::string_view contentId) const;

    /// What GMime's parser warned about, in the order it did.
    const std::vector<ParserWarning>& parserWarnings() const;

private:
    friend struct detail::ViewBuilder;
    MessageView() = default;
    std::shared_ptr<const detail::ViewData> _data;
};

/// `bytes` as valid UTF-8 for display (reports, JSON): valid UTF-8 is kept, anything else is
/// read as windows-1252. Never throws.
std::string displayText(std::string_view bytes);

} // namespace mailrig::fake
