#pragma once

#include "mailrig/client/AlternateView.h"
#include "mailrig/client/Attachment.h"
#include "mailrig/client/MailAddress.h"
#include "mailrig/client/MimeTypes.h"

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mailrig {

namespace detail {
class MessageLoader;
}

/// An email message (the seed's MailMessage), a value type: copying copies everything.
///
/// Composition (toEml(), save()) writes RFC 5322 + MIME with GMime: CRLF line ends, no line over
/// 998 octets, UTF-8 only (RFC 2047 encoded words that never split a character), `MIME-Version:
/// 1.0`, `Date` (now, when unset) and `Message-ID` (`<unique@domain>`, generated when unset),
/// never a `Bcc` header. The body nests as multipart/mixed (attachments) ⊃ multipart/related
/// (linked resources) ⊃ multipart/alternative (text, HTML, alternate views), with each level
/// present only when needed.
///
/// A message read with load() also keeps the bytes it was read from: wireBytes() returns them
/// unchanged, so a loaded message is sent or forwarded exactly as it was saved. Every mutator
/// drops those bytes, after which wireBytes() composes from the model.
///
/// Not thread-safe for concurrent mutation; concurrent const access is safe.
class MailMessage {
public:
    MailMessage() = default;

    // --- addresses ---------------------------------------------------------------------------
    const std::optional<MailAddress>& from() const { return _from; }
    void setFrom(const MailAddress& from) { touch(); _from = from; }
    /// The `Sender:` mailbox (who actually sent it, when not the author).
    const std::optional<MailAddress>& sender() const { return _sender; }
    void setSender(const MailAddress& sender) { touch(); _sender = sender; }
    /// The envelope sender (MAIL FROM) when it must differ from Sender and From: an address,
    /// or "" for the null reverse-path `<>` that bounces and other notifications use (RFC 5321
    /// 4.5.5). Never written as a header field, and setting it keeps a loaded message's bytes.
    /// Unset (the default): Sender, else From.
    const std::optional<std::string>& envelopeSender() const { return _envelopeSender; }
    void setEnvelopeSender(std::optional<std::string> address) { _envelopeSender = std::move(address); }
    const std::vector<MailAddress>& replyTo() const { return _replyTo; }
    void addReplyTo(const MailAddress& a) { touch(); _replyTo.push_back(a); }
    const std::vector<MailAddress>& to() const { return _to; }
    void addTo(const MailAddress& a) { touch(); _to.push_back(a); }
    const std::vector<MailAddress>& cc() const { return _cc; }
    void addCc(const MailAddress& a) { touch(); _cc.push_back(a); }
    /// Bcc recipients: they receive the message (they are in the envelope) but no `Bcc` header
    /// is ever written.
    const std::vector<MailAddress>& bcc() const { return _bcc; }
    void addBcc(const MailAddress& a) { touch(); _bcc.push_back(a); }
    void clearRecipients() { touch(); _to.clear(); _cc.clear(); _bcc.clear(); }
    /// to + cc + bcc addresses in that order, without duplicates: the default envelope.
    std::vector<std::string> envelopeRecipients() const;

    // --- header fields -----------------------------------------------------------------------
    /// The subject, UTF-8 (decoded from RFC 2047 when loaded).
    const std::string& subject() const { return _subject; }
    void setSubject(const std::string& subject) { touch(); _subject = subject; }
    /// The `Date:`; when unset, composition writes the time of composition. A loaded message
    /// whose Date cannot be read, or lies outside the years system_clock holds (1678 to 2261),
    /// has none.
    const std::optional<std::chrono::system_clock::time_point>& date() const { return _date; }
    void setDate(std::chrono::system_clock::time_point date) { touch(); _date = date; }
    /// The Message-ID with angle brackets, e.g. `<abc@example.org>`; empty until set or composed.
    const std::string& messageId() const { return _messageId; }
    /// Sets the Message-ID; angle brackets are added when missing. Throws std::invalid_argument
    /// when it holds no `@`, whitespace or angle brackets inside.
    void setMessageId(const std::string& id);
    /// Generates and sets a fresh `<random@domain>` id (domain from From, else `mailrig.local`)
    /// when none is set; returns the id. Setting one counts as a change (drops original bytes).
    const std::string& ensureMessageId();
    Priority priority() const { return _priority; }
    void setPriority(Priority p) { touch(); _priority = p; }
    /// Extra header fields in the order added (name, UTF-8 value); values that are not ASCII
    /// are written as RFC 2047 words. Names must be printable ASCII without `:` (else
    /// std::invalid_argument). Setting a structural header (Content-Type, MIME-Version,
    /// Content-Transfer-Encoding, Content-Disposition) or one the model writes itself (From,
    /// Sender, Reply-To, To, Cc, Bcc, Resent-Bcc, Subject, Date, Message-ID) this way throws
    /// std::invalid_argument. CR and LF in a value are written as spaces.
    const std::vector<std::pair<std::string, std::string>>& headers() const { return _headers; }
    void addHeader(const std::string& name, const std::string& value);
    /// Removes every extra header of that name (case-insensitive).
    void removeHeader(const std::string& name);
    /// The first extra header of that name (case-insensitive), if any.
    std::optional<std::string> header(const std::string& name) const;

    // --- bodies ------------------------------------------------------------------------------
    /// The text/plain body (UTF-8); empty for none. Line ends are written as CRLF (CR, LF and
    /// CRLF alike), so a loaded body holds CRLF line ends. It goes out labelled charset=utf-8:
    /// composing throws std::invalid_argument naming the first byte that is not UTF-8 (text in
    /// another charset goes in an AlternateView with that charset).
    const std::string& textBody() const { return _textBody; }
    void setTextBody(const std::string& text) { touch(); _textBody = text; }
    /// The text/html body (UTF-8, checked as the text body is); empty for none.
    const std::string& htmlBody() const { return _htmlBody; }
    void setHtmlBody(const std::string& html) { touch(); _htmlBody = html; }
    /// Further renderings, written after text and HTML inside multipart/alternative.
    const std::vector<AlternateView>& alternateViews() const { return _alternateViews; }
    void addAlternateView(const AlternateView& view) { touch(); _alternateViews.push_back(view); }
    const std::vector<Attachment>& attachments() const { return _attachments; }
    void addAttachment(const Attachment& a) { touch(); _attachments.push_back(a); }
    void clearAttachments() { touch(); _attachments.clear(); }
    const std::vector<LinkedResource>& linkedResources() const { return _linkedResources; }
    void addLinkedResource(const LinkedResource& r) { touch(); _linkedResources.push_back(r); }

    // --- EML ---------------------------------------------------------------------------------
    /// Composes the message as described above and returns the bytes (CRLF line ends). Uses the
    /// set Date and Message-ID, or the current time and a generated id (not stored: call
    /// ensureMessageId() first for a stable id). Throws std::invalid_argument naming the field
    /// when there is no From, an address is malformed (no `@`, whitespace, control characters,
    /// `<`, `>` or `,`), a content type is not `type/subtype[; params]`, or a Content-ID holds
    /// whitespace, non-ASCII or angle brackets. See docs/message-model.md for the full rules.
    std::string toEml() const;
    /// The bytes to transmit: the original bytes when the message was loaded and not changed
    /// since, else toEml().
    std::string wireBytes() const;
    /// True when the message came from load() and has not been changed since.
    bool hasOriginalBytes() const { return _original.has_value(); }
    /// Writes wireBytes() to `path` (replacing it). Throws std::runtime_error naming the path
    /// and the cause when it cannot be written.
    void save(const std::string& path) const;
    /// Writes wireBytes() to `out`. Throws std::runtime_error when the stream fails.
    void save(std::ostream& out) const;
    /// Reads an EML file into the model, tolerating real-world damage (missing final boundary,
    /// bare LF, 8-bit headers, unknown charsets, nested message/rfc822), and keeps its bytes.
    /// Throws std::runtime_error "cannot load message from '<path>': <cause>" when the file is
    /// missing, unreadable, a directory or empty, larger than kMaxLoadSize (also a device that
    /// never ends), or holds no message (it does not start with a header field, or has a NUL
    /// byte in its header block). SmtpClient::forward(sender, recipients, std::istream&) sends
    /// a larger file without loading it.
    static MailMessage load(const std::string& path);
    /// The most bytes load() and the attachment readers take from one file or stream: 1 GiB.
    static constexpr std::size_t kMaxLoadSize = std::size_t{1} << 30;
    /// Reads a message from a stream, as load(path); `name` is used in error messages.
    static MailMessage load(std::istream& in, const std::string& name = "<stream>");
    /// Parses bytes, as load(path); `name` is used in error messages.
    static MailMessage fromBytes(const std::string& bytes, const std::string& name = "<bytes>");

private:
    void touch() { _original.reset(); }

    std::optional<MailAddress> _from;
    std::optional<MailAddress> _sender;
    std::optional<std::string> _envelopeSender;
    std::vector<MailAddress> _replyTo, _to, _cc, _bcc;
    std::string _subject;
    std::optional<std::chrono::system_clock::time_point> _date;
    std::string _messageId;
    Priority _priority = Priority::Normal;
    std::vector<std::pair<std::string, std::string>> _headers;
    std::string _textBody, _htmlBody;
    std::vector<AlternateView> _alternateViews;
    std::vector<Attachment> _attachments;
    std::vector<LinkedResource> _linkedResources;
    std::optional<std::string> _original;

    friend class detail::MessageLoader;
};

} // namespace mailrig
