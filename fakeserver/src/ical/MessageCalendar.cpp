#include "mailrig/fakeserver/MessageCalendar.h"

#include "mailrig/fakeserver/MessageView.h"

namespace mailrig::fake {

namespace {

bool isCalendarType(const MimePart& part) {
    return part.contentType() == "text/calendar" || part.contentType() == "application/ics";
}

/// Parts of the message itself, depth first, without entering encapsulated messages.
void collect(const MimePart& part, std::vector<const MimePart*>& out) {
    out.push_back(&part);
    if (part.isMessage()) return;
    for (const MimePart& child : part.children()) collect(child, out);
}

} // namespace

const MimePart* calendarPart(const MessageView& message) {
    std::vector<const MimePart*> parts;
    collect(message.root(), parts);
    for (const MimePart* part : parts)
        if (part->contentType() == "text/calendar" && !part->isAttachment()) return part;
    for (const MimePart* part : parts)
        if (isCalendarType(*part) && !part->isMultipart()) return part;
    return nullptr;
}

std::optional<CalendarView> calendarOf(const MessageView& message) {
    const MimePart* part = calendarPart(message);
    if (!part) return std::nullopt;
    CalendarContext context;
    if (part->contentType() == "text/calendar") context.mimeMethod = part->parameter("method").value_or("");
    const std::vector<Mailbox> from = message.from();
    if (!from.empty()) context.fromAddress = from.front().address;
    const std::string& charset = part->charset();
    const bool utf8 = charset.empty() || charset == "utf-8" || charset == "utf8" || charset == "us-ascii";
    return CalendarView(utf8 ? part->content() : part->text(), context);
}

} // namespace mailrig::fake
