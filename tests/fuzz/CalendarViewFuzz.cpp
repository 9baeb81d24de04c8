// Fuzz target: any bytes as the text of a calendar (a text/calendar part or an .ics file),
// parsed by libical and checked by CalendarView, with and without a message's context.
// CalendarView never throws for bad calendars: any exception is a finding.
#include "mailrig/fakeserver/CalendarView.h"

#include <cstdint>
#include <string>

using namespace mailrig::fake;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const CalendarView bare(text);
    (void)bare.hasFinding("ical-syntax");
    CalendarContext context;
    context.mimeMethod = "REQUEST";
    context.fromAddress = "organizer@example.com";
    (void)CalendarView(text, context);
    return 0;
}
