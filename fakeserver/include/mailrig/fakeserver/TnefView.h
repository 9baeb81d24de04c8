#pragma once
/// The verifying side's view of a TNEF stream (winmail.dat, MS-OXTNEF): what a receiving
/// Outlook would see. Decoded by a reader written from the specification, independent of
/// mailrig's writer, and cross-checked against libytnef, so a composing bug cannot hide behind a
/// matching parsing bug.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailrig::fake {

class MessageView;
class MimePart;

/// One attribute record as it appears in the stream, for order and checksum assertions.
struct TnefAttribute {
    std::uint8_t level = 0;     ///< 1 message, 2 attachment
    std::uint32_t id = 0;       ///< type in the high 16 bits, number in the low 16, e.g. 0x00069003
    std::size_t offset = 0;     ///< byte offset of the record (its level byte) in the stream
    std::uint32_t length = 0;   ///< length of the data
    bool checksumOk = false;    ///< the stored checksum equals the sum of the data bytes mod 65536
};

/// One attachment of the stream.
struct TnefAttachmentView {
    /// The best file name, UTF-8: `PR_ATTACH_LONG_FILENAME`, else `PR_DISPLAY_NAME`, else
    /// `PR_ATTACH_FILENAME`, else attAttachTitle.
    std::string fileName;
    std::string title;          ///< attAttachTitle, decoded from the OEM code page to UTF-8
    std::string longFileName;   ///< `PR_ATTACH_LONG_FILENAME` (Unicode or 8-bit), UTF-8
    std::string displayName;    ///< `PR_DISPLAY_NAME`, UTF-8
    std::string extension;      ///< `PR_ATTACH_EXTENSION`, e.g. `.pdf`
    std::string mimeTag;        ///< `PR_ATTACH_MIME_TAG`, e.g. `application/pdf`
    std::string contentId;      ///< `PR_ATTACH_CONTENT_ID`
    std::optional<std::int32_t> attachMethod;       ///< `PR_ATTACH_METHOD` (1 = by value)
    std::optional<std::int32_t> renderingPosition;  ///< `PR_RENDERING_POSITION` (-1 = none)
    bool hasRenderData = false; ///< attAttachRendData was present
    bool hasAttachDataBin = false; ///< `PR_ATTACH_DATA_BIN` appeared in attAttachment
    std::string content;        ///< attAttachData: the file's bytes
    std::size_t size() const { return content.size(); }
};

/// A decoded TNEF stream. A plain value: copy it, compare its fields.
struct TnefView {
    std::uint16_t key = 0;                      ///< the 16-bit key after the signature
    std::optional<std::uint32_t> version;       ///< attTnefVersion (0x00010000)
    std::optional<std::uint32_t> oemCodepage;   ///< attOemCodepage, the code page of 8-bit strings
    std::string legacyMessageClass;             ///< attMessageClass, e.g. `IPM.Microsoft Mail.Note`
    /// `PR_MESSAGE_CLASS` (e.g. `IPM.Note`), else attMessageClass.
    std::string messageClass;
    std::string legacySubject;                  ///< attSubject, decoded to UTF-8
    std::string subject;                        ///< `PR_SUBJECT`, else attSubject; UTF-8
    /// attDateSent (read as UTC), else `PR_CLIENT_SUBMIT_TIME`; nullopt when absent or outside
    /// what system_clock can hold (years 1678 to 2261).
    std::optional<std::chrono::system_clock::time_point> dateSent;
    std::optional<int> priority;                ///< attPriority: 1 high, 2 normal, 3 low
    std::optional<std::int32_t> importance;     ///< `PR_IMPORTANCE`: 0 low, 1 normal, 2 high
    std::string legacyBody;                     ///< attBody, decoded to UTF-8
    std::string textBody;                       ///< `PR_BODY`, else attBody; UTF-8
    std::string htmlBody;                       ///< `PR_HTML`: the HTML bytes as stored
    std::string rtfCompressed;                  ///< `PR_RTF_COMPRESSED` as stored
    std::string rtfBody;                        ///< the decompressed RTF ("" when absent or broken)
    /// The HTML recovered from rtfBody when it encapsulates HTML (`\fromhtml1`), see htmlFromRtf().
    std::optional<std::string> htmlFromRtf;
    std::optional<bool> rtfInSync;              ///< `PR_RTF_IN_SYNC`
    std::string senderName;                     ///< `PR_SENDER_NAME`
    std::string senderAddressType;              ///< `PR_SENDER_ADDRTYPE`, e.g. `SMTP`
    std::string senderAddress;                  ///< `PR_SENDER_EMAIL_ADDRESS`
    std::string sentRepresentingName;           ///< `PR_SENT_REPRESENTING_NAME`
    std::string sentRepresentingAddressType;    ///< `PR_SENT_REPRESENTING_ADDRTYPE`
    std::string sentRepresentingAddress;        ///< `PR_SENT_REPRESENTING_EMAIL_ADDRESS`
    std::optional<std::uint32_t> internetCodepage; ///< `PR_INTERNET_CPID`
    /// `PR_TNEF_CORRELATION_KEY` without its terminating zero byte (usually the Message-ID).
    std::optional<std::string> correlationKey;
    std::vector<TnefAttachmentView> attachments; ///< in stream order
    std::vector<TnefAttribute> attributes;      ///< every record in stream order
    /// Every attribute's checksum matched (false also when no attribute could be read).
    bool checksumsValid = false;
    /// Findings, each naming the byte offset and the cause: a bad signature, truncation, a
    /// checksum mismatch, attributes out of the MS-OXTNEF order, a malformed property list, a
    /// compressed RTF with a bad CRC, and any disagreement with libytnef. Empty when the stream
    /// is well-formed.
    std::vector<std::string> problems;
    /// True when problems is empty.
    bool valid() const { return problems.empty(); }
    /// The attachment whose fileName is `name`, or nullptr.
    const TnefAttachmentView* attachment(const std::string& name) const;
};

/// Decodes TNEF bytes. Never throws for bad data: what cannot be read is reported in
/// TnefView::problems and the rest is decoded as far as possible. Safe to call from several
/// threads at once.
TnefView decodeTnef(const std::string& bytes);

/// The message's first `application/ms-tnef` (or `application/vnd.ms-tnef`) part, depth first,
/// not looking inside encapsulated messages (a forwarded Outlook message keeps its winmail.dat
/// to itself); nullptr when there is none. The pointer lives as long as any copy of `message`.
const MimePart* tnefPart(const MessageView& message);

/// The decoded TNEF of tnefPart(message), or nullopt when there is none.
std::optional<TnefView> tnefOf(const MessageView& message);

/// De-encapsulates HTML from RTF as MS-OXRTFEX describes: nullopt unless the RTF header holds
/// `\fromhtml1`; else the content of `\*\htmltag` groups and the text outside `\htmlrtf` runs,
/// with `\par` as CRLF, `\tab` as TAB and `\uN`/`\'hh` decoded (UTF-8 out).
std::optional<std::string> htmlFromRtf(const std::string& rtf);

} // namespace mailrig::fake
