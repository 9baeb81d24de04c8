// The TNEF view of a captured message's winmail.dat part.
#include "mailrig/fakeserver/MessageView.h"
#include "mailrig/fakeserver/TnefView.h"

namespace mailrig::fake {

namespace {

bool isTnefType(const std::string& type) { return type == "application/ms-tnef" || type == "application/vnd.ms-tnef"; }

/// The first TNEF part at or below `part`, depth first, without entering encapsulated messages.
const MimePart* firstTnef(const MimePart& part) {
    if (isTnefType(part.contentType())) return &part;
    if (part.isMessage()) return nullptr;
    for (const MimePart& child : part.children())
        if (const MimePart* found = firstTnef(child)) return found;
    return nullptr;
}

} // namespace

const MimePart* tnefPart(const MessageView& message) { return firstTnef(message.root()); }

std::optional<TnefView> tnefOf(const MessageView& message) {
    const MimePart* part = tnefPart(message);
    if (!part) return std::nullopt;
    return decodeTnef(part->content());
}

} // namespace mailrig::fake
