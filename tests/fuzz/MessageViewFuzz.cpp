// Fuzz target: any bytes as a captured message, read through everything the verifying side
// offers a test (the MIME tree, addresses, decoded text, lint, and the TNEF and calendar views
// of the message). Each input must parse or throw MessageParseError; a crash, a sanitizer
// finding, a hang or any other exception is a finding.
#include "mailrig/fakeserver/Lint.h"
#include "mailrig/fakeserver/MessageCalendar.h"
#include "mailrig/fakeserver/MessageView.h"
#include "mailrig/fakeserver/TnefView.h"

#include <cstdint>
#include <string>

using namespace mailrig::fake;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        const MessageView view(std::move(bytes));
        (void)view.from();
        (void)view.to();
        (void)view.cc();
        (void)view.addresses("Reply-To");
        (void)view.subject();
        (void)view.date();
        (void)view.messageId();
        (void)view.textBody();
        (void)view.htmlBody();
        (void)view.attachments();
        (void)view.partByContentId("x@y");
        for (const MimePart* part : view.parts()) {
            (void)part->text();
            (void)part->charsetKnown();
            (void)part->fileName();
            (void)part->parameter("charset");
            (void)view.part(part->path());
        }
        (void)Lint::check(view);
        (void)tnefOf(view);
        (void)calendarOf(view);
    } catch (const MessageParseError&) {
    }
    return 0;
}
