// capturedMessageJson: the envelope, flags and session facts of one captured message.
#include "spool/MessageJson.h"
#include "mailrig/fakeserver/SpoolWriter.h"
#include "spool/JsonText.h"
#include "spool/Sha256.h"


namespace mailrig::fake {

namespace {

using detail::JsonText;

void writeAddress(JsonText& json, const EnvelopeAddress& address) {
    json.beginObject().key("address").value(address.address).key("params").beginArray();
    for (const auto& [keyword, value] : address.params)
        json.beginObject().key("keyword").value(keyword).key("value").value(value).endObject();
    json.endArray().endObject();
}

void writeFlags(JsonText& json, const MessageFlags& flags) {
    json.beginObject()
        .key("smuggling").value(flags.smuggling)
        .key("bareLf").value(flags.bareLf)
        .key("bareCr").value(flags.bareCr)
        .key("eightBitWithout8BitMime").value(flags.eightBitWithout8BitMime)
        .key("overlongLines").value(flags.overlongLines)
        .key("nulBytes").value(flags.nulBytes)
        .key("longestLine").value(static_cast<std::uint64_t>(flags.longestLine))
        .endObject();
}

void writeSession(JsonText& json, const SessionInfo& session, std::size_t transcriptFrom) {
    json.beginObject()
        .key("id").value(session.id)
        .key("peer").value(session.peer)
        .key("local").value(session.local)
        .key("connectedAt").value(session.connectedAt)
        .key("implicitTls").value(session.implicitTls)
        .key("heloName").value(session.heloName)
        .key("esmtp").value(session.esmtp)
        .key("tls").value(session.tls)
        .key("tlsVersion").value(session.tlsVersion)
        .key("tlsCipher").value(session.tlsCipher)
        .key("authUser").value(session.authUser)
        .key("authMechanism").value(session.authMechanism)
        .key("pipeliningViolation").value(session.pipeliningViolation)
        .key("startTlsInjection").value(session.startTlsInjection)
        .key("bareLfCommands").value(session.bareLfCommands)
        .key("spaceBeforePath").value(session.spaceBeforePath)
        .key("writes").value(session.writes)
        .key("transcriptFromLine").value(static_cast<std::uint64_t>(transcriptFrom))
        .key("transcript").beginArray();
    for (const auto& line : session.transcript)
        json.beginObject()
            .key("time").value(line.time)
            .key("direction").value(std::string_view(&line.direction, 1))
            .key("text").value(line.text)
            .endObject();
    json.endArray().endObject();
}

} // namespace

void detail::appendCapturedMessageJson(std::string& out, const CapturedMessage& message, std::string_view emlFile,
                                       std::string_view sha256) {
    const std::string computed = sha256.empty() ? detail::sha256Hex(message.data()) : std::string();
    JsonText json(out);
    json.beginObject().key("sequence").value(message.sequence());
    if (!emlFile.empty()) json.key("eml").value(emlFile);
    json.key("receivedAt").value(message.receivedAt())
        .key("size").value(static_cast<std::uint64_t>(message.data().size()))
        .key("sha256").value(sha256.empty() ? std::string_view(computed) : sha256)
        .key("viaBdat").value(message.viaBdat())
        .key("mailFrom");
    writeAddress(json, message.mailFrom());
    json.key("recipients").beginArray();
    for (const auto& recipient : message.recipients()) writeAddress(json, recipient);
    json.endArray().key("flags");
    writeFlags(json, message.flags());
    json.key("session");
    if (message.sessionId() == 0) json.null();
    else writeSession(json, message.sessionPart(), message.transcriptFrom());
    json.endObject().finish();
}

std::string capturedMessageJson(const CapturedMessage& message, const std::string& emlFile) {
    std::string out;
    detail::appendCapturedMessageJson(out, message, emlFile);
    return out;
}

} // namespace mailrig::fake
