// Appointment::attachTo(): the MIME shape Outlook and Notes accept for a meeting message.
#include "mailrig/client/Appointment.h"
#include "mailrig/client/MailMessage.h"

#include "ical/IcsWriter.h"

#include <algorithm>
#include <stdexcept>

namespace mailrig {

namespace {

constexpr const char* calendarMessageClass = "urn:content-classes:calendarmessage";

bool isAscii(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x80; });
}

/// 7bit for ASCII (iCalendar lines never exceed 75 octets), quoted-printable for 8-bit text
/// (readable on the wire, as Notes sends it) unless the caller asked for base64; never raw
/// 8-bit, so no 8BITMIME is needed.
TransferEncoding calendarEncoding(TransferEncoding asked, const std::string& ics) {
    if (asked == TransferEncoding::QuotedPrintable || asked == TransferEncoding::Base64) return asked;
    return isAscii(ics) ? TransferEncoding::SevenBit : TransferEncoding::QuotedPrintable;
}

std::string subjectPrefix(const Appointment& a) {
    if (a.method() == CalendarMethod::Cancel) return "Cancelled: ";
    if (a.method() != CalendarMethod::Reply || a.attendees().empty()) return "";
    switch (a.attendees().front().status) {
    case ParticipationStatus::Accepted: return "Accepted: ";
    case ParticipationStatus::Declined: return "Declined: ";
    case ParticipationStatus::Tentative: return "Tentative: ";
    default: return "";
    }
}

/// The text/plain rendering for readers that show no calendar.
std::string plainText(const Appointment& a) {
    const std::string zone = a.timeZone().empty() ? "UTC" : a.timeZone();
    std::string text = subjectPrefix(a) + a.summary() + "\r\n\r\n";
    text += "When: " + detail::formatLocalTime(a.start(), a.timeZone()) + " - " +
            detail::formatLocalTime(a.end(), a.timeZone()) + " (" + zone + ")\r\n";
    if (!a.recurrenceRule().empty()) text += "Repeats: " + a.recurrenceRule() + "\r\n";
    if (!a.location().empty()) text += "Where: " + a.location() + "\r\n";
    if (a.organizer()) text += "Organizer: " + a.organizer()->toString() + "\r\n";
    if (!a.description().empty()) {
        std::string description;
        for (std::size_t i = 0; i < a.description().size(); ++i) {
            const char c = a.description()[i];
            if (c == '\n' && (i == 0 || a.description()[i - 1] != '\r')) description += '\r';
            description += c;
        }
        text += "\r\n" + description + "\r\n";
    }
    return text;
}

} // namespace

void Appointment::attachTo(MailMessage& message, const CalendarMailOptions& options) const {
    for (const AlternateView& view : message.alternateViews())
        if (view.contentType == "text/calendar")
            throw std::logic_error("the message already carries a text/calendar view; one calendar per message");
    const std::string ics = toIcs();

    if (!message.from() && _organizer) message.setFrom(*_organizer);
    if (message.subject().empty() && options.subjectFromSummary && !_summary.empty())
        message.setSubject(subjectPrefix(*this) + _summary);
    if (message.textBody().empty()) message.setTextBody(plainText(*this));

    AlternateView view;
    view.content = ics;
    view.contentType = "text/calendar";
    view.charset = "UTF-8";
    view.transferEncoding = calendarEncoding(options.transferEncoding, ics);
    view.parameters = {{"method", toString(_method)}};
    message.addAlternateView(view);

    message.removeHeader("Content-Class");
    message.addHeader("Content-Class", calendarMessageClass);

    if (options.addIcsAttachment) {
        if (options.attachmentName.empty())
            throw std::invalid_argument("CalendarMailOptions::attachmentName must not be empty");
        Attachment file = Attachment::fromBytes(options.attachmentName, ics, "application/ics");
        file.transferEncoding = TransferEncoding::Base64;
        message.addAttachment(file);
    }
}

} // namespace mailrig
