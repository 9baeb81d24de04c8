#include "detail/MessageBuilder.h"

#include "detail/TimeText.h"

#include "mailrig/client/Appointment.h"
#include "mailrig/scenarios/ScenarioError.h"

#include <filesystem>

namespace mailrig::scenario::detail {

namespace {

TransferEncoding encodingNamed(const std::string& name) {
    if (name == "7bit") return TransferEncoding::SevenBit;
    if (name == "8bit") return TransferEncoding::EightBit;
    if (name == "quoted-printable") return TransferEncoding::QuotedPrintable;
    if (name == "base64") return TransferEncoding::Base64;
    return TransferEncoding::Auto;
}

AttendeeRole roleNamed(const std::string& name) {
    if (name == "chair") return AttendeeRole::Chair;
    if (name == "optional") return AttendeeRole::Optional;
    if (name == "non-participant") return AttendeeRole::NonParticipant;
    return AttendeeRole::Required;
}

void addAppointment(const AppointmentSpec& spec, MailMessage& message) {
    Appointment appointment;
    if (!spec.uid.empty()) appointment.setUid(spec.uid);
    appointment.setSequence(spec.sequence);
    appointment.setSummary(spec.summary);
    appointment.setLocation(spec.location);
    appointment.setDescription(spec.description);
    appointment.setTimes(*parseUtc(spec.start), *parseUtc(spec.end));
    if (!spec.timeZone.empty()) appointment.setTimeZone(spec.timeZone);
    appointment.setOrganizer(MailAddress::parse(spec.organizer));
    for (const auto& attendee : spec.attendees)
        appointment.addAttendee(MailAddress::parse(attendee.mailbox), roleNamed(attendee.role), attendee.rsvp);
    if (!spec.rrule.empty()) appointment.setRecurrenceRule(spec.rrule);
    for (int minutes : spec.remindersMinutes) {
        Reminder reminder;
        reminder.before = std::chrono::minutes(minutes);
        appointment.addReminder(reminder);
    }
    if (spec.status == "tentative") appointment.setStatus(EventStatus::Tentative);
    if (spec.status == "cancelled") appointment.setStatus(EventStatus::Cancelled);
    if (spec.method == "cancel") appointment = appointment.cancelled();
    if (spec.method == "cancel" && spec.sequence > 0) appointment.setSequence(spec.sequence);
    if (spec.method == "reply") {
        const ParticipationStatus answer = spec.replyStatus == "declined"    ? ParticipationStatus::Declined
                                           : spec.replyStatus == "tentative" ? ParticipationStatus::Tentative
                                                                             : ParticipationStatus::Accepted;
        appointment = appointment.reply(MailAddress::parse(spec.replyFrom).address, answer);
    }
    CalendarMailOptions options;
    options.addIcsAttachment = spec.icsAttachment;
    appointment.attachTo(message, options);
}

MailMessage composeInline(const MessageSpec& spec) {
    MailMessage message;
    if (!spec.from.empty()) message.setFrom(MailAddress::parse(spec.from));
    if (!spec.sender.empty()) message.setSender(MailAddress::parse(spec.sender));
    for (const auto& a : spec.replyTo) message.addReplyTo(MailAddress::parse(a));
    for (const auto& a : spec.to) message.addTo(MailAddress::parse(a));
    for (const auto& a : spec.cc) message.addCc(MailAddress::parse(a));
    for (const auto& a : spec.bcc) message.addBcc(MailAddress::parse(a));
    message.setSubject(spec.subject);
    message.setTextBody(spec.text);
    message.setHtmlBody(spec.html);
    for (const auto& v : spec.views) {
        AlternateView view;
        view.content = v.content;
        view.contentType = v.type;
        view.charset = v.charset;
        view.transferEncoding = encodingNamed(v.encoding);
        message.addAlternateView(view);
    }
    for (const auto& a : spec.attachments) {
        Attachment attachment = a.file.empty() ? Attachment::fromBytes(a.name, a.content, a.type)
                                               : Attachment::fromFile(a.file, a.type);
        if (!a.name.empty()) attachment.fileName = a.name;
        if (a.inlineDisposition) attachment.disposition = Disposition::Inline;
        attachment.contentId = a.contentId;
        message.addAttachment(attachment);
    }
    for (const auto& r : spec.resources) message.addLinkedResource(LinkedResource::fromFile(r.file, r.contentId, r.type));
    for (const auto& [name, value] : spec.headers) message.addHeader(name, value);
    if (spec.priority == "high") message.setPriority(Priority::High);
    if (spec.priority == "low") message.setPriority(Priority::Low);
    if (!spec.messageId.empty()) message.setMessageId(spec.messageId);
    if (spec.appointment) addAppointment(*spec.appointment, message);
    message.ensureMessageId();
    return message;
}

} // namespace

MailMessage buildMessage(const MessageSpec& spec) {
    try {
        MailMessage message = spec.eml.empty() ? composeInline(spec) : MailMessage::load(spec.eml);
        message.setEnvelopeSender(spec.envelopeFrom);
        return message;
    } catch (const std::exception& e) {
        throw ScenarioError(spec.where.file, spec.where.line, 1, spec.where.key, e.what());
    }
}

} // namespace mailrig::scenario::detail
