#pragma once
/// The in-memory form of one scenario file (see docs/scenarios.md for the YAML keys). Produced
/// by loadScenario(); every fixture path in it is already resolved to an existing absolute path.
/// Plain values: copy freely, read from any thread.

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mailrig::scenario {

/// Where a part of a scenario was written, for messages that point back into the file.
struct SourceLine {
    std::string file;
    int line = 0;     ///< 1-based; 0 when unknown
    std::string key;  ///< key path, e.g. `steps[1].send`
};

// --- client -------------------------------------------------------------------------------------

/// `client.retry`: retries after transient failures.
struct RetrySpec {
    int attempts = 1;   ///< total tries, including the first
    int delayMs = 10;   ///< backoff before the second try
};

/// `client.dsn`: RFC 3461 delivery status notification requests (sent when the server offers DSN).
struct DsnSpec {
    std::string ret;                 ///< `full` | `headers` | "" (no RET=)
    std::string envelopeId;          ///< ENVID= value, "" for none
    std::vector<std::string> notify; ///< `success`, `failure`, `delay`, or just `never`
    bool orcpt = false;              ///< ORCPT= naming each recipient on its RCPT TO
};

/// The `client:` section: how the SmtpClient is set up for every step.
struct ClientSpec {
    std::string security = "none"; ///< none | starttls | tls | auto
    std::string user;               ///< empty: no AUTH
    std::string password;
    std::vector<std::string> authMechanisms; ///< allowed mechanisms; empty: all
    bool verifyCertificate = true;  ///< verify the fake server against its test CA
    bool allowPlaintextFallback = false; ///< `security: auto` may continue without TLS
    int connections = 1;            ///< > 1 switches multi-connection on for bulk steps
    bool tnef = false;              ///< send messages as TNEF (winmail.dat)
    bool stopOnFirstFailure = false;///< bulk steps stop at the first failed message
    bool chunking = false;          ///< prefer BDAT when the server offers CHUNKING
    bool pipelining = true;         ///< pipeline commands when the server offers PIPELINING
    bool resentHeaders = false;     ///< forwards prepend a Resent-* block
    int timeoutMs = 5000;           ///< per-command I/O timeout
    int greetingTimeoutMs = 5000;   ///< wait for the greeting
    std::string ehloName;           ///< empty: the client's default
    RetrySpec retry;
    DsnSpec dsn;
    std::optional<std::string> port; ///< `tls` (implicit listener) or `plain`; default by security
};

// --- messages -----------------------------------------------------------------------------------

/// One file attached to an inline message: from a fixture, or inline content.
struct AttachmentSpec {
    std::string file;        ///< absolute path of the fixture; empty when `content` is used
    std::string content;     ///< inline content (UTF-8 text)
    std::string name;        ///< file name on the wire; default: the fixture's name
    std::string type;        ///< media type; empty: guessed from the name
    bool inlineDisposition = false;
    std::string contentId;   ///< optional Content-ID
};

/// A resource the HTML body refers to by `cid:`.
struct ResourceSpec {
    std::string file;        ///< absolute path of the fixture
    std::string contentId;
    std::string type;        ///< empty: guessed from the name
};

/// An alternate view (another rendering inside multipart/alternative).
struct ViewSpec {
    std::string content;
    std::string type = "text/plain";
    std::string charset = "utf-8";
    std::string encoding;    ///< empty: chosen by content; 7bit | 8bit | quoted-printable | base64
};

/// One attendee of an appointment.
struct AttendeeSpec {
    std::string mailbox;     ///< `Name <a@b>` or `a@b`
    std::string role = "required"; ///< chair | required | optional | non-participant
    bool rsvp = true;
};

/// A meeting request added to an inline message.
struct AppointmentSpec {
    std::string method = "request"; ///< request | cancel | reply
    std::string uid;                ///< empty: generated
    int sequence = 0;
    std::string summary, location, description;
    std::string start, end;         ///< ISO 8601 UTC, e.g. `2026-12-01T09:00:00Z`
    std::string timeZone;           ///< IANA zone the times are written in; empty: UTC
    std::string organizer;          ///< mailbox
    std::vector<AttendeeSpec> attendees;
    std::string rrule;
    std::vector<int> remindersMinutes;
    std::string status;             ///< tentative | confirmed | cancelled; empty: default
    bool icsAttachment = false;
    std::string replyFrom;          ///< for method reply: the attendee who answers
    std::string replyStatus = "accepted";
};

/// A message: either a fixture EML (`eml`) or one written inline.
struct MessageSpec {
    SourceLine where;
    std::string eml;                 ///< absolute fixture path; the other fields are then unused
    std::string from, sender;
    /// MAIL FROM apart from Sender and From (`envelope_from`); "" is the null sender `<>`.
    std::optional<std::string> envelopeFrom;
    std::vector<std::string> replyTo, to, cc, bcc;
    std::string subject, text, html;
    std::vector<ViewSpec> views;
    std::vector<AttachmentSpec> attachments;
    std::vector<ResourceSpec> resources;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string priority;            ///< normal | high | low; empty: normal
    std::string messageId;
    std::optional<AppointmentSpec> appointment;
};

// --- steps --------------------------------------------------------------------------------------

/// The outcome a step (or every step) must have.
struct OutcomeSpec {
    bool ok = true;                  ///< `ok`; false: an error is expected
    std::optional<int> code;         ///< the reply code of the error
    std::string errorClass;          ///< transient | permanent | connection | tls | authentication | capability | protocol | cancelled
    std::string enhanced;            ///< enhanced status code, e.g. `5.3.4`
    std::string textPattern;         ///< ECMAScript regex searched in what() of the error
    std::string command;             ///< regex searched in the failing command
};

enum class StepKind { Send, SendEml, Bulk, Forward, ForwardStream, SendAsync, Pickup, Wait, SendRaw };

/// `send`, `send_eml`, `bulk`, ... as written in the file.
std::string toString(StepKind kind);

/// One entry of `steps`.
struct Step {
    StepKind kind = StepKind::Send;
    SourceLine where;
    MessageSpec message;             ///< send, send_eml, send_async, pickup, forward
    std::vector<MessageSpec> messages; ///< bulk
    std::string sender;              ///< forward, forward_stream, send_raw: the envelope sender
    std::vector<std::string> recipients; ///< forward, forward_stream, send_raw: the envelope
    std::string file;                ///< forward_stream, send_raw: absolute fixture path
    bool cancel = false;             ///< send_async: cancel right after starting
    std::size_t waitCount = 0;       ///< wait: captured messages to wait for
    int waitTimeoutMs = 5000;        ///< wait: give up after
    std::optional<OutcomeSpec> expect; ///< this step's outcome; default: `expect.client`
};

// --- expectations -------------------------------------------------------------------------------

/// Checks on a piece of text. Empty members check nothing.
struct TextCheck {
    std::vector<std::string> contains;    ///< substrings that must occur
    std::vector<std::string> notContains; ///< substrings that must not occur
    std::vector<std::string> matches;     ///< ECMAScript regexes that must find a match
    std::optional<std::string> equals;    ///< the whole text, after trimming trailing CR/LF
    bool empty() const { return contains.empty() && notContains.empty() && matches.empty() && !equals; }
};

/// One node of the MIME tree.
struct PartCheck {
    std::string path;                ///< `` (root), `1`, `1.2`, ...
    std::string type;                ///< media type, e.g. `multipart/alternative`
    std::optional<std::string> charset, encoding, filename, disposition;
};

/// An attachment (or TNEF attachment) by its properties; empty/absent members are not checked.
struct AttachmentCheck {
    std::string name;
    std::optional<std::string> type;
    std::optional<std::size_t> size;
    std::optional<std::string> sha256; ///< lower-case hex of the decoded bytes
    std::optional<std::string> md5;
};

/// `tnef:` — the decoded winmail.dat.
struct TnefCheck {
    std::optional<std::string> subject, messageClass;
    TextCheck body, html;
    std::optional<std::vector<AttachmentCheck>> attachments;
};

/// `calendar:` — the text/calendar part.
struct CalendarCheck {
    std::vector<std::pair<std::string, std::string>> fields; ///< method, summary, uid, ... → value
    std::optional<std::vector<std::string>> attendees;        ///< addresses, in order
};

/// Expectations on one captured (or picked-up) message.
struct MessageCheck {
    SourceLine where;
    std::optional<std::pair<std::string, std::string>> select; ///< `select: {Header: regex}`
    std::optional<std::string> envelopeFrom;
    std::optional<std::vector<std::string>> envelopeTo;
    std::vector<std::pair<std::string, std::string>> mailParameters; ///< MAIL FROM params (`""`: no value)
    std::vector<std::string> absentMailParameters;
    std::vector<std::pair<std::string, std::string>> rcptParameters; ///< RCPT TO params every recipient carries
    std::vector<std::string> absentRcptParameters;
    std::vector<std::pair<std::string, std::string>> headersEqual;
    std::vector<std::pair<std::string, std::string>> headersMatch;
    std::vector<std::string> headersAbsent;
    std::optional<std::vector<PartCheck>> mime;
    TextCheck text, html, raw;
    std::optional<std::vector<AttachmentCheck>> attachments;
    std::optional<TnefCheck> tnef;
    std::optional<CalendarCheck> calendar;
    std::vector<std::pair<std::string, bool>> flags; ///< bare_lf, bare_cr, smuggling, ...
    std::optional<std::vector<std::string>> lint;    ///< regexes each finding must match; absent: none allowed
    std::string golden;                              ///< absolute fixture path
    std::optional<bool> tls;                         ///< the session used TLS
    std::optional<std::string> authUser;             ///< the session authenticated as
};

/// One recipient's entry in a send/bulk report.
struct RecipientReportCheck {
    std::string address;
    std::string status;              ///< accepted | rejected | not-attempted
    std::optional<int> code;
};

/// One message's entry in a bulk report.
struct MessageReportCheck {
    SourceLine where;
    std::size_t index = 0;           ///< 1-based position in the bulk list
    std::string status;              ///< succeeded | failed | not-attempted
    std::vector<RecipientReportCheck> recipients;
    std::string errorPattern;
};

/// The `expect:` section.
struct Expectations {
    OutcomeSpec client;              ///< default outcome of every step
    std::optional<std::vector<MessageReportCheck>> report; ///< the last bulk step's report
    std::vector<RecipientReportCheck> recipients; ///< the last send/forward's per-recipient result
    std::optional<std::size_t> count; ///< captured messages; default: size of `messages` when given
    std::optional<std::vector<MessageCheck>> messages;
    std::optional<MessageCheck> every; ///< applied to every captured message
    std::optional<std::vector<MessageCheck>> pickup; ///< files in the pickup directory
    TextCheck transcript;            ///< every session's transcript, joined
    std::optional<std::size_t> sessions, minSessions;
    /// Line of every key and list item of this section by its full key path (`expect.count`,
    /// `expect.messages[0]`, `expect.messages[0].mime[1].type`): where a mismatch points.
    std::map<std::string, int> lines;
};

/// A whole scenario file.
struct Scenario {
    std::string file;                ///< the path it was read from
    std::string directory;           ///< the directory relative paths in it are resolved against
    std::string name;
    int nameLine = 0;                ///< 1-based line of the `name` value; 0 when unknown
    int nameColumn = 0;              ///< 1-based column of the `name` value; 0 when unknown
    std::string description;
    std::vector<std::string> covers;
    std::vector<std::string> tags;
    YAML::Node server;               ///< the `server:` section (read with the fake server's reader)
    ClientSpec client;
    std::vector<Step> steps;
    Expectations expect;
};

} // namespace mailrig::scenario
