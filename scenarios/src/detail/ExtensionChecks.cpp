#include "detail/ExtensionChecks.h"

#include "detail/TimeText.h"

#include "mailrig/fakeserver/CalendarView.h"
#include "mailrig/fakeserver/TnefView.h"

namespace mailrig::scenario::detail {

namespace {

const fake::MimePart* findPart(const fake::MessageView& view, const std::string& type) {
    for (const auto* part : view.parts())
        if (lowerAscii(part->contentType()) == type) return part;
    return nullptr;
}

std::string calendarField(const fake::CalendarView& calendar, const fake::CalendarEvent& event, const std::string& field) {
    if (field == "method") return calendar.method();
    if (field == "summary") return event.summary;
    if (field == "location") return event.location;
    if (field == "description") return event.description;
    if (field == "uid") return event.uid;
    if (field == "sequence") return std::to_string(event.sequence);
    if (field == "status") return event.status;
    if (field == "organizer") return event.organizer ? event.organizer->address : std::string();
    if (field == "start") return event.start ? formatUtc(*event.start) : event.startText;
    if (field == "end") return event.end ? formatUtc(*event.end) : event.endText;
    if (field == "rrule") return event.rrule;
    if (field == "time_zone") return event.startZone;
    return {};
}

} // namespace

const fake::MimePart* calendarPart(const fake::MessageView& view) { return findPart(view, "text/calendar"); }

void checkTnef(const TnefCheck& check, const fake::MessageView& view, const MismatchSink& sink) {
    const auto tnef = fake::tnefOf(view);
    if (!tnef) {
        sink.add("", "an application/ms-tnef part", "none in the message");
        return;
    }
    if (!tnef->valid()) sink.add("valid", "a well-formed TNEF stream", joinList(tnef->problems, "\n  "));
    if (check.subject && *check.subject != tnef->subject) sink.add("subject", *check.subject, tnef->subject);
    if (check.messageClass && *check.messageClass != tnef->messageClass)
        sink.add("message_class", *check.messageClass, tnef->messageClass);
    checkText(check.body, tnef->textBody, sink.sub("body"));
    checkText(check.html, tnef->htmlBody, sink.sub("html"));
    if (check.attachments) {
        std::vector<AttachmentFacts> actual;
        for (const auto& a : tnef->attachments) actual.push_back({a.fileName, a.mimeTag, a.content});
        checkAttachments(*check.attachments, actual, sink.sub("attachments"));
    }
}

void checkCalendar(const CalendarCheck& check, const fake::MessageView& view, const MismatchSink& sink) {
    const auto* part = calendarPart(view);
    if (!part) {
        sink.add("", "a text/calendar part", "none in the message");
        return;
    }
    fake::CalendarContext context;
    context.mimeMethod = part->parameter("method").value_or("");
    const auto from = view.from();
    if (!from.empty()) context.fromAddress = from.front().address;
    const fake::CalendarView calendar(part->text(), context);
    const auto* event = calendar.event();
    if (!event) {
        sink.add("", "a VEVENT", calendar.parsed() ? "a calendar without an event" : "no readable VCALENDAR");
        return;
    }
    for (const auto& [field, expected] : check.fields) {
        const std::string actual = calendarField(calendar, *event, field);
        const bool caseless = field == "method" || field == "status" || field == "organizer";
        if (caseless ? lowerAscii(actual) != lowerAscii(expected) : actual != expected) sink.add(field, expected, actual);
    }
    if (check.attendees) {
        std::vector<std::string> expected, actual;
        for (const auto& a : *check.attendees) expected.push_back(lowerAscii(a));
        for (const auto& a : event->attendees) actual.push_back(lowerAscii(a.address));
        if (expected != actual) sink.add("attendees", joinList(*check.attendees), joinList(actual));
    }
}

} // namespace mailrig::scenario::detail
