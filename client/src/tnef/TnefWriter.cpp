// MS-OXTNEF: a message model as a TNEF stream (winmail.dat).
#include "mailrig/client/Tnef.h"

#include "tnef/HtmlTokens.h"
#include "tnef/TnefLegacyText.h"
#include "tnef/TnefStream.h"

#include <stdexcept>
#include <vector>

namespace mailrig {

namespace {

using namespace detail;

// MAPI property ids (MS-OXPROPS).
namespace prop {
constexpr std::uint16_t kMessageClass = 0x001A;
constexpr std::uint16_t kSubject = 0x0037;
constexpr std::uint16_t kClientSubmitTime = 0x0039;
constexpr std::uint16_t kImportance = 0x0017;
constexpr std::uint16_t kPriority = 0x0026;
constexpr std::uint16_t kSentRepresentingName = 0x0042;
constexpr std::uint16_t kSentRepresentingAddrType = 0x0064;
constexpr std::uint16_t kSentRepresentingEmail = 0x0065;
constexpr std::uint16_t kConversationTopic = 0x0070;
constexpr std::uint16_t kTnefCorrelationKey = 0x007F;
constexpr std::uint16_t kSenderName = 0x0C1A;
constexpr std::uint16_t kSenderAddrType = 0x0C1E;
constexpr std::uint16_t kSenderEmail = 0x0C1F;
constexpr std::uint16_t kRtfInSync = 0x0E1F;
constexpr std::uint16_t kBody = 0x1000;
constexpr std::uint16_t kRtfCompressed = 0x1009;
constexpr std::uint16_t kHtml = 0x1013;
constexpr std::uint16_t kInternetMessageId = 0x1035;
constexpr std::uint16_t kInternetCodepage = 0x3FDE;
constexpr std::uint16_t kDisplayName = 0x3001;
constexpr std::uint16_t kAttachExtension = 0x3703;
constexpr std::uint16_t kAttachMethod = 0x3705;
constexpr std::uint16_t kAttachLongFilename = 0x3707;
constexpr std::uint16_t kRenderingPosition = 0x370B;
constexpr std::uint16_t kAttachMimeTag = 0x370E;
constexpr std::uint16_t kAttachContentId = 0x3712;
constexpr std::uint16_t kAttachmentHidden = 0x7FFE;
} // namespace prop

constexpr std::int32_t kAttachByValue = 1;

// One file inside the TNEF, from an Attachment or a LinkedResource.
struct TnefFile {
    std::string fileName; // UTF-8
    std::string contentType;
    const std::string* content = nullptr;
    std::string contentId;
    bool hidden = false;
};

std::vector<TnefFile> filesOf(const MailMessage& message) {
    std::vector<TnefFile> files;
    auto add = [&files](const auto& item, const char* fallbackName, bool hidden) {
        TnefFile f;
        f.fileName = item.fileName.empty() ? fallbackName + std::to_string(files.size() + 1) : item.fileName;
        f.contentType = item.contentType;
        f.content = &item.content;
        f.contentId = item.contentId;
        f.hidden = hidden;
        files.push_back(std::move(f));
    };
    for (const auto& a : message.attachments()) add(a, "attachment", false);
    for (const auto& r : message.linkedResources()) add(r, "inline", true);
    return files;
}

std::string legacyClass(const std::string& messageClass) {
    if (messageClass == "IPM.Note") return "IPM.Microsoft Mail.Note";
    if (messageClass == "IPM.Schedule.Meeting.Request") return "IPM.Microsoft Schedule.MtgReq";
    if (messageClass == "IPM.Schedule.Meeting.Canceled") return "IPM.Microsoft Schedule.MtgCncl";
    if (messageClass == "IPM.Schedule.Meeting.Resp.Pos") return "IPM.Microsoft Schedule.MtgRespP";
    if (messageClass == "IPM.Schedule.Meeting.Resp.Neg") return "IPM.Microsoft Schedule.MtgRespN";
    if (messageClass == "IPM.Schedule.Meeting.Resp.Tent") return "IPM.Microsoft Schedule.MtgRespA";
    return messageClass;
}

std::string extensionOf(const std::string& fileName) {
    const auto dot = fileName.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == fileName.size()) return {};
    return fileName.substr(dot);
}

std::string withNul(std::string s) {
    s.push_back('\0');
    return s;
}

void addAddress(MapiPropertyList& props, std::uint16_t nameId, std::uint16_t typeId, std::uint16_t emailId,
                const MailAddress& address) {
    props.addUnicode(nameId, address.displayName.empty() ? address.address : address.displayName);
    props.addUnicode(typeId, "SMTP");
    props.addUnicode(emailId, address.address);
}

} // namespace

void TnefWriter::setMessageClass(const std::string& messageClass) {
    if (messageClass.empty()) throw std::invalid_argument("TnefWriter: the message class must not be empty");
    _messageClass = messageClass;
}

void TnefWriter::setKey(std::uint16_t key) {
    if (key == 0) throw std::invalid_argument("TnefWriter: the TNEF key must not be 0");
    _key = key;
}

std::string TnefWriter::write(const MailMessage& message) const {
    const auto when = message.date().value_or(_fallbackTime.value_or(std::chrono::system_clock::now()));
    const auto files = filesOf(message);
    const std::string plain = !message.textBody().empty() ? message.textBody()
                              : !message.htmlBody().empty() ? htmlToPlainText(message.htmlBody())
                                                            : std::string();

    std::vector<std::string> legacyInput = {message.subject(), plain};
    for (const auto& f : files) legacyInput.push_back(f.fileName);
    const LegacyText legacy = legacyText(legacyInput);

    TnefStreamWriter out(_key);
    std::string value;
    putU32(value, 0x00010000);
    out.add(kLevelMessage, tnefatt::kTnefVersion, value);
    value.clear();
    putU32(value, legacy.codepage);
    putU32(value, 0);
    out.add(kLevelMessage, tnefatt::kOemCodepage, value);
    out.add(kLevelMessage, tnefatt::kMessageClass, withNul(legacyClass(_messageClass)));
    // Cut to what ytnef 2.0 accepts; the whole subject is in PR_SUBJECT_W below.
    out.add(kLevelMessage, tnefatt::kSubject,
            withNul(cutLegacy(legacy.strings[0], legacy.codepage, kMaxLegacyTitleBytes)));
    out.add(kLevelMessage, tnefatt::kDateSent, tnefDate(when));
    value.clear();
    // attPriority: 1 high, 2 normal, 3 low (MS-OXTNEF 2.1.3.3.7).
    putU16(value, message.priority() == Priority::High ? 1 : message.priority() == Priority::Low ? 3 : 2);
    out.add(kLevelMessage, tnefatt::kPriority, value);
    if (!plain.empty()) out.add(kLevelMessage, tnefatt::kBody, legacy.strings[1]);

    MapiPropertyList props;
    props.addUnicode(prop::kMessageClass, _messageClass);
    props.addUnicode(prop::kSubject, message.subject());
    props.addUnicode(prop::kConversationTopic, message.subject());
    props.addTime(prop::kClientSubmitTime, when);
    const int importance = message.priority() == Priority::High ? 2 : message.priority() == Priority::Low ? 0 : 1;
    props.addLong(prop::kImportance, importance);
    props.addLong(prop::kPriority, importance - 1);
    if (!plain.empty()) props.addUnicode(prop::kBody, plain);
    if (!message.htmlBody().empty()) props.addBinary(prop::kHtml, message.htmlBody());
    const std::string rtf = message.htmlBody().empty() ? textToRtf(plain) : htmlToRtf(message.htmlBody());
    props.addBinary(prop::kRtfCompressed, compressRtf(rtf));
    props.addBoolean(prop::kRtfInSync, true);
    if (message.from()) {
        addAddress(props, prop::kSenderName, prop::kSenderAddrType, prop::kSenderEmail,
                   message.sender() ? *message.sender() : *message.from());
        addAddress(props, prop::kSentRepresentingName, prop::kSentRepresentingAddrType,
                   prop::kSentRepresentingEmail, *message.from());
    }
    props.addLong(prop::kInternetCodepage, static_cast<std::int32_t>(kCodepageUtf8));
    if (!message.messageId().empty()) props.addUnicode(prop::kInternetMessageId, message.messageId());
    const std::string correlation = _correlationKey.empty() ? message.messageId() : _correlationKey;
    if (!correlation.empty()) props.addBinary(prop::kTnefCorrelationKey, withNul(correlation));
    out.add(kLevelMessage, tnefatt::kMsgProps, props.bytes());

    for (std::size_t i = 0; i < files.size(); ++i) {
        const TnefFile& f = files[i];
        value.clear();
        putU16(value, 1);          // attachment type: file
        putU32(value, 0xFFFFFFFF); // rendering position: none
        putU16(value, 32);         // icon width
        putU16(value, 32);         // icon height
        putU32(value, 0);          // flags
        out.add(kLevelAttachment, tnefatt::kAttachRendData, value);
        // A long name becomes a short title ytnef 2.0 accepts (readers of the Unicode properties
        // below, `tnef` and Outlook, still show the whole name).
        out.add(kLevelAttachment, tnefatt::kAttachTitle,
                withNul(shortLegacyName(legacy.strings[2 + i], legacy.codepage, i + 1, kMaxLegacyTitleBytes)));
        out.add(kLevelAttachment, tnefatt::kAttachModifyDate, tnefDate(when));
        // An empty file has no attAttachData: ytnef 2.0 refuses any attribute of length 0
        // ("Field with size of 0") and then reads nothing of the stream. Without it `tnef` writes
        // an empty file, Convert::TNEF has no data and ytnef saves no file for it.
        if (!f.content->empty()) out.add(kLevelAttachment, tnefatt::kAttachData, *f.content);

        MapiPropertyList attach;
        attach.addLong(prop::kAttachMethod, kAttachByValue);
        attach.addUnicode(prop::kAttachLongFilename, f.fileName);
        attach.addUnicode(prop::kDisplayName, f.fileName);
        const std::string extension = extensionOf(f.fileName);
        if (!extension.empty()) attach.addUnicode(prop::kAttachExtension, extension);
        attach.addUnicode(prop::kAttachMimeTag, f.contentType);
        attach.addLong(prop::kRenderingPosition, -1);
        if (!f.contentId.empty()) attach.addUnicode(prop::kAttachContentId, f.contentId);
        if (f.hidden) attach.addBoolean(prop::kAttachmentHidden, true);
        out.add(kLevelAttachment, tnefatt::kAttachment, attach.bytes());
    }
    return out.take();
}

} // namespace mailrig
