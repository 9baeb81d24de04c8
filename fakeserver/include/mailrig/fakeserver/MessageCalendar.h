#pragma once
/// The meeting carried by a captured message: the bridge from MessageView to CalendarView.

#include "mailrig/fakeserver/CalendarView.h"

#include <optional>

namespace mailrig::fake {

class MessageView;
class MimePart;

/// The calendar part of `message`: the first text/calendar part that is not an attachment
/// (where Outlook and Notes put the invitation), else the first text/calendar or application/ics
/// attachment; nullptr when there is none. Not looking inside encapsulated messages. The
/// pointer lives as long as any copy of `message`.
const MimePart* calendarPart(const MessageView& message);

/// That part's calendar, parsed and checked with the message as context: the part's `method`
/// parameter (for text/calendar parts) and the first From address. The content is decoded from
/// its transfer encoding and converted to UTF-8 when the part names another charset. nullopt
/// when the message carries no calendar. Never throws for bad calendars (see CalendarView).
/// Safe to call from several threads at once.
std::optional<CalendarView> calendarOf(const MessageView& message);

} // namespace mailrig::fake
