#pragma once
// Checks of a message's TNEF attachment and its calendar part, through the fake server's
// independent decoders (libytnef, libical).

#include "detail/TextMatch.h"

#include "mailrig/fakeserver/MessageView.h"

#include <string>
#include <vector>

namespace mailrig::scenario::detail {

/// An attachment as the checks see it: from the MIME tree or from inside a winmail.dat.
struct AttachmentFacts {
    std::string name;
    std::string type;
    std::string content;
};

/// Compares attachments in order by name, type, size and checksums.
void checkAttachments(const std::vector<AttachmentCheck>& expected, const std::vector<AttachmentFacts>& actual,
                      const MismatchSink& sink);

/// Decodes the message's application/ms-tnef part and checks it.
void checkTnef(const TnefCheck& check, const fake::MessageView& view, const MismatchSink& sink);

/// The message's first text/calendar part, or nullptr.
const fake::MimePart* calendarPart(const fake::MessageView& view);

/// Parses the message's text/calendar part and checks its fields.
void checkCalendar(const CalendarCheck& check, const fake::MessageView& view, const MismatchSink& sink);

} // namespace mailrig::scenario::detail
