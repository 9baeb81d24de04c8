#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mailrig::fake {

class MessageView;

namespace detail {
struct SessionRecord;
struct LazyView;
} // namespace detail

/// One line of a session transcript.
struct TranscriptLine {
    std::chrono::system_clock::time_point time; ///< when it was read or written
    /// 'C' client → server, 'S' server → client, '*' an event noted by the server (a rule
    /// fired, TLS established, why the connection ended).
    char direction = 'C';
    /// The line without CRLF. AUTH secrets (initial responses and continuation lines) appear as
    /// `***`; message data is summarised as one `C: <message data: N bytes>` line.
    std::string text;

    /// `"C: MAIL FROM:<a@b>"` / `"S: 250 2.1.0 Ok"`.
    std::string toString() const;
};

/// Facts about one connection, as a snapshot taken under a lock.
struct SessionInfo {
    std::uint64_t id = 0;          ///< 1, 2, ... per server, in accept order
    std::string peer;              ///< client `ip:port`
    std::string local;             ///< listener `ip:port` the client connected to
    std::chrono::system_clock::time_point connectedAt;
    bool implicitTls = false;      ///< accepted on the implicit-TLS listener
    std::string heloName;          ///< EHLO/HELO argument; empty before
    bool esmtp = false;            ///< EHLO (true) or HELO (false) was used
    bool tls = false;              ///< the session is encrypted (STARTTLS or implicit)
    std::string tlsVersion;        ///< e.g. `TLSv1.3`; empty without TLS
    std::string tlsCipher;         ///< e.g. `TLS_AES_256_GCM_SHA384`; empty without TLS
    std::string authUser;          ///< authenticated user; empty before/without AUTH
    std::string authMechanism;     ///< mechanism that succeeded, e.g. `PLAIN`
    /// The client sent further commands in the same packet as a command that must end a
    /// pipelined group (EHLO, DATA, ...) or pipelined although PIPELINING was not offered.
    bool pipeliningViolation = false;
    /// Plaintext bytes followed STARTTLS in the same packet (discarded: RFC 3207 5, the
    /// STARTTLS command injection attack).
    bool startTlsInjection = false;
    /// A command line ended with LF alone (RFC 5321 2.3.8 requires CRLF; tolerated).
    bool bareLfCommands = false;
    /// `MAIL FROM: <...>` or `RCPT TO: <...>`: a space before the path, which RFC 5321 4.1.2
    /// does not allow (tolerated, as most servers do; some clients send it).
    bool spaceBeforePath = false;
    bool closed = false;           ///< the connection has ended
    /// Socket writes made so far: all replies to one pipelined group go out in one write.
    std::uint64_t writes = 0;
    std::vector<TranscriptLine> transcript; ///< empty when `ServerConfig::recordTranscript` is off

    /// The transcript as text, one `C: ...`/`S: ...` line each, `\n`-separated.
    std::string transcriptText() const;
};

/// A MAIL FROM or RCPT TO address with its ESMTP parameters as sent.
struct EnvelopeAddress {
    std::string address; ///< without the angle brackets; empty for the null reverse-path `<>`
    /// Parameters in the order sent, keyword upper-cased, value as sent (empty for `SMTPUTF8`).
    std::vector<std::pair<std::string, std::string>> params;

    /// The value of a parameter (case-insensitive keyword); empty when absent.
    std::string param(const std::string& keyword) const;
    /// True when the parameter was sent.
    bool hasParam(const std::string& keyword) const;
};

/// What the server noticed about the message data. Bare CR/LF and smuggling are reported only
/// for DATA; BDAT content is binary-transparent but still checked for bare CR/LF.
struct MessageFlags {
    bool smuggling = false;          ///< `\n.\n`, `\r.\r`, `\n.\r\n`, `\r\n.\n` or similar
    bool bareLf = false;             ///< a LF not preceded by CR
    bool bareCr = false;             ///< a CR not followed by LF
    bool eightBitWithout8BitMime = false; ///< a byte ≥ 0x80 without BODY=8BITMIME/BINARYMIME
    bool overlongLines = false;      ///< a line over `Limits::textLineLength` (incl. CRLF)
    bool nulBytes = false;           ///< a NUL byte in DATA (RFC 5321 forbids it)
    std::size_t longestLine = 0;     ///< in octets including the line ending
};

/// One message the server answered with 250, exactly as received. Cheap to copy: the bytes and
/// the session are shared, immutable (the session record is internally locked). Any thread.
class CapturedMessage {
public:
    CapturedMessage();

    std::uint64_t sequence() const { return _sequence; }   ///< 1, 2, ... per server (store order)
    std::uint64_t sessionId() const { return _sessionId; } ///< `SessionInfo::id` of its session
    const EnvelopeAddress& mailFrom() const { return _mailFrom; }
    /// Every accepted RCPT TO, in order (Bcc recipients are visible here).
    const std::vector<EnvelopeAddress>& recipients() const { return _recipients; }
    /// Recipient addresses only.
    std::vector<std::string> recipientAddresses() const;
    /// The content bytes exactly as received, after dot-unstuffing (DATA) or concatenated
    /// chunks (BDAT), ending with the final CRLF of the last line for DATA.
    const std::string& data() const { return *_data; }
    /// The bytes, shared (no copy).
    std::shared_ptr<const std::string> sharedData() const { return _data; }
    const MessageFlags& flags() const { return _flags; }
    bool viaBdat() const { return _viaBdat; }            ///< sent with BDAT rather than DATA
    std::chrono::system_clock::time_point receivedAt() const { return _receivedAt; }
    /// The session it came through, as a snapshot now (the transcript may have grown since).
    SessionInfo session() const;
    /// The session facts now, with only this message's part of the transcript: the lines from
    /// the previous message's end of data (exclusive; the session start for the first message)
    /// through this message's end of data. The server's reply to that end of data opens the next
    /// message's part. Concatenating the parts of a session's messages in order gives its
    /// transcript up to its last message. Empty transcript without a session.
    SessionInfo sessionPart() const;
    /// Index in the session's transcript of the first line of `sessionPart()` (0 for the first
    /// message of a session or without a session).
    std::size_t transcriptFrom() const { return _transcriptFrom; }
    /// The parsed message, built from `data()` on first use (thread-safe) and kept. Throws what
    /// the view's constructor throws.
    const MessageView& view() const;

    /// Builds a message (used by the server; tests may build their own). The sequence number is
    /// 0 until `MessageStore::add` numbers it; `session` may be null.
    CapturedMessage(EnvelopeAddress mailFrom,
                    std::vector<EnvelopeAddress> recipients, std::string data, MessageFlags flags,
                    bool viaBdat, std::shared_ptr<const detail::SessionRecord> session);

private:
    friend class MessageStore;
    std::uint64_t _sequence = 0;
    std::uint64_t _sessionId = 0;
    EnvelopeAddress _mailFrom;
    std::vector<EnvelopeAddress> _recipients;
    std::shared_ptr<const std::string> _data;
    MessageFlags _flags;
    bool _viaBdat = false;
    std::chrono::system_clock::time_point _receivedAt;
    std::shared_ptr<const detail::SessionRecord> _session;
    std::size_t _transcriptFrom = 0; // this message's part of the session transcript: [from, to)
    std::size_t _transcriptTo = 0;
    std::shared_ptr<detail::LazyView> _view;
};

} // namespace mailrig::fake
