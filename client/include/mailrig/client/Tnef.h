#pragma once
/// TNEF ("winmail.dat", MS-OXTNEF): how Outlook sends a message with its MAPI properties, and the
/// compressed RTF body (MS-OXRTFCP "LZFu") it carries.

#include "mailrig/client/MailMessage.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace mailrig {

/// The MAPI message class of a TNEF stream (`PR_MESSAGE_CLASS`), e.g. `IPM.Note`. Written as is
/// into `attMsgProps`; the legacy `attMessageClass` gets the matching old name
/// (`IPM.Note` → `IPM.Microsoft Mail.Note`, `IPM.Schedule.Meeting.Request` →
/// `IPM.Microsoft Schedule.MtgReq`, `IPM.Schedule.Meeting.Canceled` →
/// `IPM.Microsoft Schedule.MtgCncl`; any other class is written unchanged).
inline constexpr const char* kTnefNoteClass = "IPM.Note";

/// Writes a message model as a TNEF stream (the bytes of a winmail.dat).
///
/// Layout (MS-OXTNEF 2.1.3.1, little-endian): signature 0x223E9F78, the key, `attTnefVersion`,
/// `attOemCodepage`, `attMessageClass`, `attSubject`, `attDateSent`, `attPriority`, `attBody`,
/// then `attMsgProps` last among the message attributes (message class, subject, plain body,
/// `PR_HTML`, `PR_RTF_COMPRESSED` + `PR_RTF_IN_SYNC`, sender and sent-representing name /
/// address type `SMTP` / address, `PR_INTERNET_CPID` 65001, submit time, priority / importance,
/// `PR_TNEF_CORRELATION_KEY`). Then per file attachment: `attAttachRendData` first,
/// `attAttachTitle`, `attAttachModifyDate`, `attAttachData` (the bytes; left out for an empty
/// file), and `attAttachment` last (long Unicode file name, display name, extension, MIME tag,
/// method 1 = by value, rendering position -1; never `PR_ATTACH_DATA_BIN`). Every attribute
/// carries its checksum, and none has length 0.
///
/// Legacy 8-bit strings (`attSubject`, `attBody`, `attAttachTitle`) are written in Windows-1252
/// when every one of them fits, and then `attOemCodepage` is 1252; otherwise they are UTF-8 and
/// `attOemCodepage` is 65001. `attSubject` and `attAttachTitle` hold at most 99 bytes (plus the
/// terminating zero), the most ytnef 2.0 reads: a longer subject is cut on a character
/// boundary, a longer file name becomes a short name (its start, `~N` for the N-th file, the
/// extension). Unicode MAPI properties (`..._W`) always hold the exact text: the whole subject
/// in `PR_SUBJECT_W`, the whole file name in `PR_ATTACH_LONG_FILENAME_W` and
/// `PR_DISPLAY_NAME_W`.
///
/// The RTF body is the HTML body encapsulated in RTF (`\fromhtml1`, see htmlToRtf()) when there
/// is one, else the plain body as RTF (`\fromtext`, see textToRtf()).
///
/// Linked resources (cid: images) are written as attachments too, with their Content-ID in
/// `PR_ATTACH_CONTENT_ID_W`. Alternate views are not part of TNEF and are ignored.
///
/// A value type; write() is const and may be called from several threads at once.
class TnefWriter {
public:
    /// The default stream key (any nonzero 16-bit value; Outlook writes a random one).
    static constexpr std::uint16_t kDefaultKey = 0x4D52;

    TnefWriter() = default;

    /// The MAPI message class (default `IPM.Note`). Throws std::invalid_argument when empty.
    void setMessageClass(const std::string& messageClass);
    const std::string& messageClass() const { return _messageClass; }

    /// The 16-bit key after the signature. Throws std::invalid_argument when 0.
    void setKey(std::uint16_t key);
    std::uint16_t key() const { return _key; }

    /// The correlation key written as `PR_TNEF_CORRELATION_KEY` (with a terminating zero byte);
    /// by default the message's Message-ID (angle brackets included). Empty means "use the
    /// Message-ID"; when both are empty no correlation key is written.
    void setCorrelationKey(const std::string& key) { _correlationKey = key; }
    const std::string& correlationKey() const { return _correlationKey; }

    /// The time written as `attDateSent` and as every attachment's modify date when the message
    /// has no Date; by default the time of writing.
    void setFallbackTime(std::chrono::system_clock::time_point when) { _fallbackTime = when; }

    /// Returns the TNEF bytes of `message` (subject, date, priority, sender, bodies, file
    /// attachments and linked resources). Throws std::invalid_argument when an attribute would
    /// exceed the 32-bit length TNEF can express.
    std::string write(const MailMessage& message) const;

private:
    std::string _messageClass = kTnefNoteClass;
    std::uint16_t _key = kDefaultKey;
    std::string _correlationKey;
    std::optional<std::chrono::system_clock::time_point> _fallbackTime;
};

/// Returns `message` as Outlook sends it with "Rich Text Format" on: `multipart/mixed` holding a
/// text/plain rendering of the body (the text body, else the HTML body reduced to text, else a
/// blank line) and
/// `application/ms-tnef; name="winmail.dat"` (Content-Disposition attachment,
/// filename="winmail.dat", base64) written by TnefWriter. The Message-ID is set (generated when
/// missing) and repeated as `X-MS-TNEF-Correlator`, equal to `PR_TNEF_CORRELATION_KEY`. File
/// attachments, linked resources and the HTML body live only inside the TNEF; addresses,
/// subject, date (now, when unset, and the same in attDateSent), priority, extra headers and
/// alternate views (e.g. text/calendar, which TNEF cannot carry) stay on the outer message.
///
/// A message that already carries TNEF (an `application/ms-tnef` attachment, as in a loaded EML
/// that came from Outlook) is returned unchanged, original bytes included. Throws like
/// TnefWriter::write().
MailMessage encapsulateInTnef(const MailMessage& message);

/// True when `message` already holds an `application/ms-tnef` attachment.
bool carriesTnef(const MailMessage& message);

/// Compresses RTF as MS-OXRTFCP "LZFu": the 16-byte header (compressed size + 12, raw size,
/// magic 0x75465A4C, CRC-32 of the compressed data) then control bytes and tokens, referencing
/// the 4096-byte ring that starts with the 207-byte RTF preamble; the longest match wins, the
/// oldest on a tie, so the specification's examples come out byte for byte (the search looks
/// at no more than 128 candidates per position and stops at a full 17-byte match, so time stays
/// linear). Never writes the uncompressed "MELA" form. Throws std::invalid_argument when the
/// input exceeds 4 GiB.
std::string compressRtf(std::string rtf);

/// Decompresses "LZFu" (and the uncompressed "MELA" form). For round-trip tests of the writer;
/// the verifying side has its own decoder. Throws std::invalid_argument naming the offset and
/// the cause on a short header, a wrong size, an unknown magic or a CRC mismatch.
std::string decompressRtf(const std::string& compressed);

/// Encapsulates HTML in RTF as MS-OXRTFEX specifies (`{\rtf1\ansi\ansicpg1252\fromhtml1 ...`):
/// every tag goes into a `{\*\htmltag...}` group, text between tags is RTF text (escaped,
/// non-ASCII as `\uN?`), so an RTF reader shows the text and a de-encapsulating reader gets the
/// HTML back (line breaks as CRLF). `html` is UTF-8; invalid UTF-8 becomes U+FFFD.
std::string htmlToRtf(const std::string& html);

/// Plain UTF-8 text as RTF (`{\rtf1\ansi\ansicpg1252\fromtext ...`): line breaks become `\par`,
/// RTF specials are escaped, non-ASCII is written as `\uN?`.
std::string textToRtf(const std::string& text);

} // namespace mailrig
