#include "detail/MessageReader.h"

#include "detail/AddressReader.h"
#include "detail/TimeText.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace mailrig::scenario::detail {

namespace {

AttachmentSpec readAttachment(const YAML::Node& node, const NodePlace& place, const ReadContext& context) {
    AttachmentSpec spec;
    if (node.IsScalar()) {
        spec.file = context.fixture(node, place, node.Scalar());
        return spec;
    }
    MapReader map(node, place);
    spec.file = context.fixtureKey(map, "file");
    spec.content = map.text("content").value_or("");
    spec.name = map.text("name").value_or("");
    spec.type = map.text("type").value_or("");
    spec.inlineDisposition = map.choice("disposition", {"attachment", "inline"}).value_or("attachment") == "inline";
    spec.contentId = map.text("content_id").value_or("");
    map.finish();
    if (spec.file.empty() && !map.has("content")) failAt(node, place, "give either `file` (a fixture) or `content`");
    if (!spec.file.empty() && map.has("content")) failAt(node, place, "give `file` or `content`, not both");
    if (spec.file.empty() && spec.name.empty()) failAt(node, place, "an attachment with `content` needs a `name`");
    return spec;
}

ResourceSpec readResource(const YAML::Node& node, const NodePlace& place, const ReadContext& context) {
    MapReader map(node, place);
    ResourceSpec spec;
    if (!map.has("file")) failAt(node, map.child("file"), "this key is required");
    spec.file = context.fixtureKey(map, "file");
    spec.contentId = map.requiredText("content_id");
    spec.type = map.text("type").value_or("");
    map.finish();
    return spec;
}

ViewSpec readView(const YAML::Node& node, const NodePlace& place) {
    MapReader map(node, place);
    ViewSpec view;
    view.content = map.requiredText("content");
    view.type = map.text("type").value_or("text/plain");
    view.charset = map.text("charset").value_or("utf-8");
    const bool token = !view.charset.empty() && std::all_of(view.charset.begin(), view.charset.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`{|}~").find(c) != std::string_view::npos;
    });
    if (!token) failAt(node, map.child("charset"), "expected a charset name such as utf-8, got '" + view.charset + "'");
    view.encoding = map.choice("encoding", {"7bit", "8bit", "quoted-printable", "base64"}).value_or("");
    map.finish();
    return view;
}

AppointmentSpec readAppointment(const YAML::Node& node, const NodePlace& place) {
    MapReader map(node, place);
    AppointmentSpec spec;
    spec.method = map.choice("method", {"request", "cancel", "reply"}).value_or("request");
    spec.uid = map.text("uid").value_or("");
    spec.sequence = static_cast<int>(map.integer("sequence", 0, 1000000).value_or(0));
    spec.summary = map.requiredText("summary");
    spec.location = map.text("location").value_or("");
    spec.description = map.text("description").value_or("");
    for (const char* key : {"start", "end"}) {
        auto [value, valuePlace] = map.take(key);
        if (!value.IsDefined()) failAt(node, valuePlace, "this key is required");
        const std::string text = scalarText(value, valuePlace);
        if (!parseUtc(text)) failAt(value, valuePlace, "expected a UTC time like 2026-12-01T09:00:00Z in the years " +
                                                       std::to_string(kFirstYear) + " to " + std::to_string(kLastYear) +
                                                       ", got '" + text + "'");
        (std::string(key) == "start" ? spec.start : spec.end) = text;
    }
    spec.timeZone = map.text("time_zone").value_or("");
    if (!map.has("organizer")) failAt(node, map.child("organizer"), "this key is required");
    spec.organizer = *mailbox(map, "organizer");
    auto [attendees, attendeesPlace] = map.take("attendees");
    if (attendees.IsDefined()) {
        for (const auto& [item, itemPlace] : listItems(attendees, attendeesPlace)) {
            AttendeeSpec attendee;
            if (item.IsScalar()) {
                attendee.mailbox = mailboxAt(item, itemPlace);
            } else {
                MapReader a(item, itemPlace);
                if (!a.has("mailbox")) failAt(item, a.child("mailbox"), "this key is required");
                attendee.mailbox = *mailbox(a, "mailbox");
                attendee.role = a.choice("role", {"chair", "required", "optional", "non-participant"}).value_or("required");
                attendee.rsvp = a.flag("rsvp").value_or(true);
                a.finish();
            }
            spec.attendees.push_back(attendee);
        }
    }
    spec.rrule = map.text("rrule").value_or("");
    auto [reminders, remindersPlace] = map.take("reminders_minutes");
    if (reminders.IsDefined())
        for (const auto& [item, itemPlace] : listItems(reminders, remindersPlace))
            spec.remindersMinutes.push_back(static_cast<int>(scalarInteger(item, itemPlace, 0, 100000)));
    spec.status = map.choice("status", {"tentative", "confirmed", "cancelled"}).value_or("");
    spec.icsAttachment = map.flag("ics_attachment").value_or(false);
    spec.replyFrom = mailbox(map, "reply_from").value_or("");
    spec.replyStatus = map.choice("reply_status", {"accepted", "declined", "tentative"}).value_or("accepted");
    map.finish();
    if (spec.method == "reply" && spec.replyFrom.empty())
        failAt(node, map.child("reply_from"), "method reply needs `reply_from` (the answering attendee)");
    return spec;
}

} // namespace

MessageSpec readMessage(const YAML::Node& node, const NodePlace& place, const ReadContext& context,
                        bool needRecipients) {
    MessageSpec spec;
    spec.where = sourceLine(node, place);
    MapReader map(node, place);
    spec.envelopeFrom = envelopeSender(map, "envelope_from");
    if (map.has("eml")) {
        spec.eml = context.fixtureKey(map, "eml");
        map.finish();
        return spec;
    }
    spec.from = mailbox(map, "from").value_or("");
    spec.sender = mailbox(map, "sender").value_or("");
    spec.replyTo = mailboxList(map, "reply_to");
    spec.to = mailboxList(map, "to");
    spec.cc = mailboxList(map, "cc");
    spec.bcc = mailboxList(map, "bcc");
    spec.subject = map.text("subject").value_or("");
    spec.text = map.text("text").value_or("");
    spec.html = map.text("html").value_or("");
    auto withContext = [&](auto read) {
        return [&context, read](const YAML::Node& item, const NodePlace& itemPlace) { return read(item, itemPlace, context); };
    };
    auto [views, viewsPlace] = map.take("views");
    if (views.IsDefined()) spec.views = readEach(views, viewsPlace, readView);
    auto [attachments, attachmentsPlace] = map.take("attachments");
    if (attachments.IsDefined()) spec.attachments = readEach(attachments, attachmentsPlace, withContext(readAttachment));
    auto [resources, resourcesPlace] = map.take("resources");
    if (resources.IsDefined()) spec.resources = readEach(resources, resourcesPlace, withContext(readResource));
    spec.headers = map.textMap("headers");
    spec.priority = map.choice("priority", {"normal", "high", "low"}).value_or("");
    spec.messageId = map.text("message_id").value_or("");
    auto [appointment, appointmentPlace] = map.take("appointment");
    if (appointment.IsDefined()) spec.appointment = readAppointment(appointment, appointmentPlace);
    map.finish();
    if (spec.from.empty() && !(spec.appointment && !spec.appointment->organizer.empty()))
        failAt(node, map.child("from"), "a message needs `from` (or use `eml: FILE`)");
    if (needRecipients && spec.to.empty() && spec.cc.empty() && spec.bcc.empty())
        failAt(node, map.child("to"), "a message needs at least one of `to`, `cc`, `bcc`");
    return spec;
}

} // namespace mailrig::scenario::detail
