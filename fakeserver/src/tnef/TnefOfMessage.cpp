// The TNEF view of a captured message's winmail.dat part.
#include "mailrig/fakeserver/MessageView.h"
#include "mailrig/fakeserver/TnefView.h"

namespace mailrig::fake {

std::optional<TnefView> tnefOf(const MessageView& message) {
    for (const MimePart* part : message.parts()) {
        const std::string& type = part->contentType();
        if (type == "application/ms-tnef" || type == "application/vnd.ms-tnef") return decodeTnef(part->content());
    }
    return std::nullopt;
}

} // namespace mailrig::fake
