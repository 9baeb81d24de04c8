// The verifying TNEF reader, written from MS-OXTNEF: attributes, checksums, order, properties.
#include "mailrig/fakeserver/TnefView.h"

#include "tnef/MapiProperties.h"
#include "tnef/TnefRtf.h"
#include "tnef/TnefStrings.h"
#include "tnef/YtnefCrossCheck.h"
#include "view/UnixTime.h"

#include <ctime>

namespace mailrig::fake {

namespace {

using detail::tnefHex;

constexpr std::uint32_t kSignature = 0x223E9F78;
constexpr std::uint8_t kLevelMessage = 1;
constexpr std::uint8_t kLevelAttachment = 2;
constexpr std::uint32_t kDefaultCodepage = 1252;

// Attribute ids (MS-OXTNEF 2.1.3.3).
constexpr std::uint32_t attTnefVersion = 0x00089006;
constexpr std::uint32_t attOemCodepage = 0x00069007;
constexpr std::uint32_t attMessageClass = 0x00078008;
constexpr std::uint32_t attSubject = 0x00018004;
constexpr std::uint32_t attDateSent = 0x00038005;
constexpr std::uint32_t attPriority = 0x0004800D;
constexpr std::uint32_t attBody = 0x0002800C;
constexpr std::uint32_t attMsgProps = 0x00069003;
constexpr std::uint32_t attAttachRendData = 0x00069002;
constexpr std::uint32_t attAttachTitle = 0x00018010;
constexpr std::uint32_t attAttachData = 0x0006800F;
constexpr std::uint32_t attAttachment = 0x00069005;

// MAPI property ids (MS-OXPROPS).
constexpr std::uint16_t PidTagMessageClass = 0x001A;
constexpr std::uint16_t PidTagSubject = 0x0037;
constexpr std::uint16_t PidTagClientSubmitTime = 0x0039;
constexpr std::uint16_t PidTagImportance = 0x0017;
constexpr std::uint16_t PidTagSentRepresentingName = 0x0042;
constexpr std::uint16_t PidTagSentRepresentingAddressType = 0x0064;
constexpr std::uint16_t PidTagSentRepresentingEmailAddress = 0x0065;
constexpr std::uint16_t PidTagTnefCorrelationKey = 0x007F;
constexpr std::uint16_t PidTagSenderName = 0x0C1A;
constexpr std::uint16_t PidTagSenderAddressType = 0x0C1E;
constexpr std::uint16_t PidTagSenderEmailAddress = 0x0C1F;
constexpr std::uint16_t PidTagRtfInSync = 0x0E1F;
constexpr std::uint16_t PidTagBody = 0x1000;
constexpr std::uint16_t PidTagRtfCompressed = 0x1009;
constexpr std::uint16_t PidTagHtml = 0x1013;
constexpr std::uint16_t PidTagInternetCodepage = 0x3FDE;
constexpr std::uint16_t PidTagDisplayName = 0x3001;
constexpr std::uint16_t PidTagAttachDataBinary = 0x3701;
constexpr std::uint16_t PidTagAttachExtension = 0x3703;
constexpr std::uint16_t PidTagAttachFilename = 0x3704;
constexpr std::uint16_t PidTagAttachMethod = 0x3705;
constexpr std::uint16_t PidTagAttachLongFilename = 0x3707;
constexpr std::uint16_t PidTagRenderingPosition = 0x370B;
constexpr std::uint16_t PidTagAttachMimeTag = 0x370E;
constexpr std::uint16_t PidTagAttachContentId = 0x3712;

std::uint32_t le(const std::string& s, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int k = bytes - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(s[at + k]);
    return v;
}

std::optional<std::chrono::system_clock::time_point> tnefDateValue(const std::string& data) {
    if (data.size() < 12) return std::nullopt;
    std::tm tm{};
    tm.tm_year = static_cast<int>(le(data, 0, 2)) - 1900;
    tm.tm_mon = static_cast<int>(le(data, 2, 2)) - 1;
    tm.tm_mday = static_cast<int>(le(data, 4, 2));
    tm.tm_hour = static_cast<int>(le(data, 6, 2));
    tm.tm_min = static_cast<int>(le(data, 8, 2));
    tm.tm_sec = static_cast<int>(le(data, 10, 2));
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31) return std::nullopt;
    return detail::timePointFromUnixSeconds(timegm(&tm));
}

/// A FILETIME (100 ns ticks since 1601), nullopt when system_clock cannot hold it.
std::optional<std::chrono::system_clock::time_point> fromFileTime(std::uint64_t ticks) {
    const auto seconds = static_cast<std::int64_t>(ticks / 10'000'000) - 11644473600LL;
    auto at = detail::timePointFromUnixSeconds(seconds);
    if (at) *at += std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::microseconds((ticks % 10'000'000) / 10));
    return at;
}

class Decoder {
public:
    explicit Decoder(const std::string& bytes) : _in(bytes) {}

    TnefView run() {
        if (_in.size() < 6) {
            problem(0, "only " + std::to_string(_in.size()) + " bytes: no TNEF signature and key");
            return std::move(_view);
        }
        if (le(_in, 0, 4) != kSignature) {
            problem(0, "signature " + tnefHex(le(_in, 0, 4), 8) + " is not 0x223E9F78");
            return std::move(_view);
        }
        _view.key = static_cast<std::uint16_t>(le(_in, 4, 2));
        if (_view.key == 0) problem(4, "the key is 0");
        std::size_t pos = 6;
        bool allChecksums = true;
        while (pos < _in.size()) {
            if (_in.size() - pos < 9) {
                problem(pos, "truncated attribute header (" + std::to_string(_in.size() - pos) + " bytes left)");
                allChecksums = false;
                break;
            }
            TnefAttribute a;
            a.offset = pos;
            a.level = static_cast<std::uint8_t>(_in[pos]);
            a.id = le(_in, pos + 1, 4);
            a.length = le(_in, pos + 5, 4);
            if (_in.size() - pos - 9 < std::size_t(a.length) + 2) {
                problem(pos, "attribute " + tnefHex(a.id, 8) + " claims " + std::to_string(a.length) + " bytes but only " +
                                 std::to_string(_in.size() - pos - 9) + " remain with its checksum");
                allChecksums = false;
                break;
            }
            const std::string data = _in.substr(pos + 9, a.length);
            std::uint32_t sum = 0;
            for (unsigned char c : data) sum += c;
            const std::uint32_t stored = le(_in, pos + 9 + a.length, 2);
            a.checksumOk = (sum & 0xFFFF) == stored;
            if (!a.checksumOk) {
                allChecksums = false;
                problem(pos, "attribute " + tnefHex(a.id, 8) + " checksum is " + tnefHex(stored, 4) + ", the data sums to " +
                                 tnefHex(sum & 0xFFFF, 4));
            }
            _view.attributes.push_back(a);
            checkOrder(a);
            if (a.level == kLevelMessage) {
                message(a, data);
            } else if (a.level == kLevelAttachment) {
                attachment(a, data);
            } else {
                problem(pos, "attribute " + tnefHex(a.id, 8) + " has level " + std::to_string(a.level) + " (neither 1 nor 2)");
            }
            pos += 9 + a.length + 2;
        }
        _view.checksumsValid = allChecksums && !_view.attributes.empty();
        finish();
        return std::move(_view);
    }

private:
    void problem(std::size_t offset, const std::string& cause) {
        _view.problems.push_back("offset " + std::to_string(offset) + ": " + cause);
    }

    std::uint32_t codepage() const { return _view.oemCodepage.value_or(kDefaultCodepage); }

    // MS-OXTNEF 2.1.3.1: version, code page, message attributes with attMsgProps last, then
    // attachments each opened by attAttachRendData and closed by attAttachment.
    void checkOrder(const TnefAttribute& a) {
        const std::size_t index = _view.attributes.size() - 1;
        if (index == 0 && a.id != attTnefVersion)
            problem(a.offset, "the first attribute is " + tnefHex(a.id, 8) + ", not attTnefVersion");
        if (a.level == kLevelMessage) {
            if (_seenAttachment)
                problem(a.offset, "message attribute " + tnefHex(a.id, 8) + " after the attachments");
            else if (_seenMsgProps)
                problem(a.offset, "message attribute " + tnefHex(a.id, 8) + " after attMsgProps, which must be last");
            if (a.id == attMsgProps) _seenMsgProps = true;
        } else if (a.level == kLevelAttachment) {
            _seenAttachment = true;
            if (a.id == attAttachRendData) {
                if (_attachmentOpen && !_attachmentClosed)
                    problem(a.offset, "attachment " + std::to_string(_view.attachments.size()) +
                                          " ends without attAttachment");
            } else if (!_attachmentOpen) {
                problem(a.offset, "attachment attribute " + tnefHex(a.id, 8) + " before attAttachRendData");
            } else if (_attachmentClosed) {
                problem(a.offset, "attachment attribute " + tnefHex(a.id, 8) + " after attAttachment, which must be last");
            }
        }
    }

    void message(const TnefAttribute& a, const std::string& data) {
        switch (a.id) {
        case attTnefVersion:
            if (data.size() >= 4) _view.version = le(data, 0, 4);
            break;
        case attOemCodepage:
            if (data.size() >= 4) _view.oemCodepage = le(data, 0, 4);
            break;
        case attMessageClass:
            _view.legacyMessageClass = data.substr(0, data.find('\0'));
            break;
        case attSubject:
            _legacySubjectBytes = data;
            break;
        case attDateSent:
            _view.dateSent = tnefDateValue(data);
            if (!_view.dateSent) problem(a.offset, "attDateSent is not a valid date in the years 1678 to 2261");
            break;
        case attPriority:
            if (data.size() >= 2) _view.priority = static_cast<int>(le(data, 0, 2));
            break;
        case attBody:
            _legacyBodyBytes = data;
            break;
        case attMsgProps:
            _messageProps = detail::parseMapiProperties(data);
            if (_messageProps.error) problem(a.offset, "attMsgProps: " + *_messageProps.error);
            break;
        default:
            break;
        }
    }

    void attachment(const TnefAttribute& a, const std::string& data) {
        if (a.id == attAttachRendData || _view.attachments.empty()) {
            _view.attachments.emplace_back();
            _attachmentOpen = true;
            _attachmentClosed = false;
        }
        TnefAttachmentView& at = _view.attachments.back();
        switch (a.id) {
        case attAttachRendData:
            at.hasRenderData = true;
            break;
        case attAttachTitle:
            at.title = detail::tnefLegacyToUtf8(data, codepage());
            break;
        case attAttachData:
            at.content = data;
            break;
        case attAttachment: {
            _attachmentClosed = true;
            const auto props = detail::parseMapiProperties(data);
            if (props.error) problem(a.offset, "attAttachment: " + *props.error);
            at.longFileName = props.text(PidTagAttachLongFilename, codepage()).value_or("");
            at.displayName = props.text(PidTagDisplayName, codepage()).value_or("");
            at.extension = props.text(PidTagAttachExtension, codepage()).value_or("");
            at.mimeTag = props.text(PidTagAttachMimeTag, codepage()).value_or("");
            at.contentId = props.text(PidTagAttachContentId, codepage()).value_or("");
            at.attachMethod = props.integer(PidTagAttachMethod);
            at.renderingPosition = props.integer(PidTagRenderingPosition);
            at.hasAttachDataBin = props.find(PidTagAttachDataBinary) != nullptr;
            const std::string shortName = props.text(PidTagAttachFilename, codepage()).value_or("");
            at.fileName = !at.longFileName.empty() ? at.longFileName
                          : !at.displayName.empty() ? at.displayName
                          : !shortName.empty()      ? shortName
                                                    : at.title;
            break;
        }
        default:
            break;
        }
    }

    void finish() {
        if (_attachmentOpen && !_attachmentClosed)
            _view.problems.push_back("attachment " + std::to_string(_view.attachments.size()) + " ends without attAttachment");
        for (auto& at : _view.attachments)
            if (at.fileName.empty()) at.fileName = at.title;
        if (!_view.attributes.empty() && !_seenMsgProps) _view.problems.push_back("no attMsgProps attribute");
        const auto cp = codepage();
        _view.legacySubject = detail::tnefLegacyToUtf8(_legacySubjectBytes, cp);
        _view.legacyBody = detail::tnefLegacyToUtf8(_legacyBodyBytes, cp);
        const auto& p = _messageProps;
        _view.messageClass = p.text(PidTagMessageClass, cp).value_or(_view.legacyMessageClass);
        _view.subject = p.text(PidTagSubject, cp).value_or(_view.legacySubject);
        _view.textBody = p.text(PidTagBody, cp).value_or(_view.legacyBody);
        _view.htmlBody = p.binary(PidTagHtml).value_or(p.text(PidTagHtml, cp).value_or(""));
        if (!_view.dateSent)
            if (auto ft = p.fileTime(PidTagClientSubmitTime)) _view.dateSent = fromFileTime(*ft);
        _view.importance = p.integer(PidTagImportance);
        if (auto sync = p.integer(PidTagRtfInSync)) _view.rtfInSync = *sync != 0;
        _view.senderName = p.text(PidTagSenderName, cp).value_or("");
        _view.senderAddressType = p.text(PidTagSenderAddressType, cp).value_or("");
        _view.senderAddress = p.text(PidTagSenderEmailAddress, cp).value_or("");
        _view.sentRepresentingName = p.text(PidTagSentRepresentingName, cp).value_or("");
        _view.sentRepresentingAddressType = p.text(PidTagSentRepresentingAddressType, cp).value_or("");
        _view.sentRepresentingAddress = p.text(PidTagSentRepresentingEmailAddress, cp).value_or("");
        if (auto cpid = p.integer(PidTagInternetCodepage)) _view.internetCodepage = static_cast<std::uint32_t>(*cpid);
        if (auto key = p.binary(PidTagTnefCorrelationKey)) {
            std::string k = *key;
            if (!k.empty() && k.back() == '\0') k.pop_back();
            _view.correlationKey = k;
        }
        if (auto rtf = p.binary(PidTagRtfCompressed)) {
            _view.rtfCompressed = *rtf;
            _view.rtfBody = detail::readCompressedRtf(*rtf, "PR_RTF_COMPRESSED", _view.problems);
            _view.htmlFromRtf = htmlFromRtf(_view.rtfBody);
        }
        if (_view.problems.empty()) detail::crossCheckWithYtnef(_in, _view);
    }

    const std::string& _in;
    TnefView _view;
    detail::MapiPropertyList _messageProps;
    std::string _legacySubjectBytes;
    std::string _legacyBodyBytes;
    bool _seenMsgProps = false;
    bool _seenAttachment = false;
    bool _attachmentOpen = false;
    bool _attachmentClosed = false;
};

} // namespace

const TnefAttachmentView* TnefView::attachment(const std::string& name) const {
    for (const auto& a : attachments)
        if (a.fileName == name) return &a;
    return nullptr;
}

TnefView decodeTnef(const std::string& bytes) {
    return Decoder(bytes).run();
}

} // namespace mailrig::fake
