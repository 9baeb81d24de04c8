// capturedMessageJson: the envelope, flags and session facts of one captured message.
#include "spool/MessageJson.h"
#include "mailrig/fakeserver/SpoolWriter.h"
#include "spool/JsonText.h"

#include <openssl/evp.h>

#include <memory>

namespace mailrig::fake {

namespace {

using detail::JsonText;

// SHA-256 from OpenSSL, fetched once: EVP_sha256() in EVP_Digest would look the algorithm up
// by name again for every message (most of the hashing time for small messages).
const EVP_MD* sha256Algorithm() {
    static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
}

// The SHA-256 of `bytes` as a quoted JSON string of lower-case hex digits (`""` if OpenSSL
// fails). Each thread keeps one digest context.
void writeSha256(JsonText& json, const std::string& bytes) {
    static constexpr char hexDigits[] = "0123456789abcdef";
    thread_local const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!context || !EVP_DigestInit_ex2(context.get(), sha256Algorithm(), nullptr) ||
        !EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) ||
        !EVP_DigestFinal_ex(context.get(), digest, &length))
        length = 0;
    char text[2 * EVP_MAX_MD_SIZE + 2];
    std::size_t n = 0;
    text[n++] = '"';
    for (unsigned int i = 0; i < length; ++i) {
        text[n++] = hexDigits[digest[i] >> 4];
        text[n++] = hexDigits[digest[i] & 0xF];
    }
    text[n++] = '"';
    json.raw(std::string_view(text, n));
}

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

void detail::appendCapturedMessageJson(std::string& out, const CapturedMessage& message, std::string_view emlFile) {
    JsonText json(out);
    json.beginObject().key("sequence").value(message.sequence());
    if (!emlFile.empty()) json.key("eml").value(emlFile);
    json.key("receivedAt").value(message.receivedAt())
        .key("size").value(static_cast<std::uint64_t>(message.data().size()))
        .key("sha256");
    writeSha256(json, message.data());
    json.key("viaBdat").value(message.viaBdat())
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
