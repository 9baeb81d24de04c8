// The outer MIME message Outlook sends around a winmail.dat (MS-OXCMAIL 2.1.3.4.3).
#include "mailrig/client/Tnef.h"

#include "tnef/HtmlTokens.h"

#include <algorithm>
#include <cctype>

namespace mailrig {

namespace {

constexpr const char* kCorrelatorHeader = "X-MS-TNEF-Correlator";

bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

bool carriesTnef(const MailMessage& message) {
    return std::any_of(message.attachments().begin(), message.attachments().end(), [](const Attachment& a) {
        return iequals(a.contentType, "application/ms-tnef") || iequals(a.contentType, "application/vnd.ms-tnef");
    });
}

MailMessage encapsulateInTnef(const MailMessage& message) {
    if (carriesTnef(message)) return message;

    MailMessage out;
    if (message.from()) out.setFrom(*message.from());
    if (message.sender()) out.setSender(*message.sender());
    for (const auto& a : message.replyTo()) out.addReplyTo(a);
    for (const auto& a : message.to()) out.addTo(a);
    for (const auto& a : message.cc()) out.addCc(a);
    for (const auto& a : message.bcc()) out.addBcc(a);
    out.setSubject(message.subject());
    // One time for the Date header and attDateSent.
    const auto when = message.date().value_or(std::chrono::system_clock::now());
    out.setDate(when);
    if (!message.messageId().empty()) out.setMessageId(message.messageId());
    const std::string correlationKey = out.ensureMessageId();
    out.setPriority(message.priority());
    for (const auto& [name, value] : message.headers())
        if (!iequals(name, kCorrelatorHeader)) out.addHeader(name, value);
    out.addHeader(kCorrelatorHeader, correlationKey);
    std::string rendering = !message.textBody().empty() ? message.textBody() : detail::htmlToPlainText(message.htmlBody());
    // Outlook always sends the text/plain part, even for an empty body.
    if (rendering.empty()) rendering = "\r\n";
    out.setTextBody(rendering);
    // Renderings TNEF cannot carry (a text/calendar view, say) stay beside the TNEF.
    for (const auto& view : message.alternateViews()) out.addAlternateView(view);

    // The TNEF is written from the source message with the id the outer message now has.
    MailMessage source = message;
    if (source.messageId().empty()) source.setMessageId(correlationKey);
    if (!source.date()) source.setDate(when);
    TnefWriter writer;
    writer.setCorrelationKey(correlationKey);
    Attachment winmail;
    winmail.fileName = "winmail.dat";
    winmail.contentType = "application/ms-tnef";
    winmail.content = writer.write(source);
    winmail.transferEncoding = TransferEncoding::Base64;
    out.addAttachment(winmail);
    return out;
}

} // namespace mailrig
