#include "mailrig/fakeserver/CapturedMessage.h"

#include "store/LazyView.h"
#include "store/SessionRecord.h"

#include <strings.h>
#include <tuple>

namespace mailrig::fake {

std::string TranscriptLine::toString() const { return std::string(1, direction) + ": " + text; }

std::string SessionInfo::transcriptText() const {
    std::string out;
    for (const TranscriptLine& line : transcript) {
        out += line.toString();
        out += '\n';
    }
    return out;
}

std::string EnvelopeAddress::param(const std::string& keyword) const {
    for (const auto& [key, value] : params)
        if (strcasecmp(key.c_str(), keyword.c_str()) == 0) return value;
    return {};
}

bool EnvelopeAddress::hasParam(const std::string& keyword) const {
    for (const auto& entry : params)
        if (strcasecmp(entry.first.c_str(), keyword.c_str()) == 0) return true;
    return false;
}

CapturedMessage::CapturedMessage()
    : _data(std::make_shared<const std::string>()), _view(std::make_shared<detail::LazyView>()) {}

CapturedMessage::CapturedMessage(EnvelopeAddress mailFrom, std::vector<EnvelopeAddress> recipients,
                                 std::string data, MessageFlags flags, bool viaBdat,
                                 std::shared_ptr<const detail::SessionRecord> session)
    : _sessionId(session ? session->id() : 0), _mailFrom(std::move(mailFrom)),
      _recipients(std::move(recipients)), _data(std::make_shared<const std::string>(std::move(data))),
      _flags(flags), _viaBdat(viaBdat), _receivedAt(std::chrono::system_clock::now()),
      _session(std::move(session)), _view(std::make_shared<detail::LazyView>()) {
    if (_session) std::tie(_transcriptFrom, _transcriptTo) = _session->claimPart();
}

std::vector<std::string> CapturedMessage::recipientAddresses() const {
    std::vector<std::string> out;
    out.reserve(_recipients.size());
    for (const EnvelopeAddress& r : _recipients) out.push_back(r.address);
    return out;
}

SessionInfo CapturedMessage::session() const { return _session ? _session->snapshot() : SessionInfo{}; }

SessionInfo CapturedMessage::sessionPart() const {
    return _session ? _session->snapshotPart(_transcriptFrom, _transcriptTo) : SessionInfo{};
}

const MessageView& CapturedMessage::view() const { return _view->get(_data); }

} // namespace mailrig::fake
