#include "InspectTnef.h"

#include "mailrig/fakeserver/TnefView.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace mailrig::cli {

namespace {

using fake::displayText;

std::string bodies(const fake::TnefView& t) {
    std::string out;
    auto add = [&out](const char* name, std::size_t size) {
        if (!size) return;
        out += (out.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(size) + " bytes";
    };
    add("text", t.textBody.size());
    add("HTML", t.htmlBody.size());
    add("RTF", t.rtfBody.size());
    if (t.htmlFromRtf) out += " (RTF encapsulates HTML)";
    return out.empty() ? "none" : out;
}

} // namespace

void printTnefSection(const fake::MessageView& view, std::ostream& out) {
    const auto tnef = fake::tnefOf(view);
    if (!tnef) return;
    const fake::TnefView& t = *tnef;
    const std::string& path = fake::tnefPart(view)->path();
    out << "\nTNEF: part " << (path.empty() ? "(root)" : path) << "\n";
    out << "  class: " << displayText(t.messageClass);
    if (!t.legacyMessageClass.empty() && t.legacyMessageClass != t.messageClass)
        out << " (" << displayText(t.legacyMessageClass) << ")";
    out << "\n  subject: " << displayText(t.subject) << "\n";
    out << "  bodies: " << bodies(t) << "\n";
    if (t.correlationKey) out << "  correlation key: " << displayText(*t.correlationKey) << "\n";
    out << "  attachments: " << t.attachments.size() << "\n";
    for (const auto& a : t.attachments) {
        out << "    \"" << displayText(a.fileName) << "\"  " << a.size() << " bytes";
        if (!a.mimeTag.empty()) out << "  " << displayText(a.mimeTag);
        out << "\n";
    }
    out << "  checksums: " << (t.checksumsValid ? "valid" : "INVALID") << "\n";
    out << "  problems: " << (t.problems.empty() ? "none" : std::to_string(t.problems.size())) << "\n";
    for (const auto& p : t.problems) out << "    " << displayText(p) << "\n";
}

bool tnefIsClean(const fake::MessageView& view) {
    const auto tnef = fake::tnefOf(view);
    return !tnef || tnef->valid();
}

Poco::Dynamic::Var tnefJson(const fake::MessageView& view) {
    const auto tnef = fake::tnefOf(view);
    if (!tnef) return Poco::Dynamic::Var();
    const fake::TnefView& t = *tnef;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("part", fake::tnefPart(view)->path());
    o->set("messageClass", displayText(t.messageClass));
    o->set("legacyMessageClass", displayText(t.legacyMessageClass));
    o->set("subject", displayText(t.subject));
    o->set("textBodySize", static_cast<Poco::UInt64>(t.textBody.size()));
    o->set("htmlBodySize", static_cast<Poco::UInt64>(t.htmlBody.size()));
    o->set("rtfBodySize", static_cast<Poco::UInt64>(t.rtfBody.size()));
    o->set("rtfEncapsulatesHtml", t.htmlFromRtf.has_value());
    o->set("correlationKey", t.correlationKey ? Poco::Dynamic::Var(displayText(*t.correlationKey)) : Poco::Dynamic::Var());
    Poco::JSON::Array::Ptr attachments = new Poco::JSON::Array;
    for (const auto& a : t.attachments) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("fileName", displayText(a.fileName));
        item->set("size", static_cast<Poco::UInt64>(a.size()));
        item->set("mimeTag", displayText(a.mimeTag));
        attachments->add(item);
    }
    o->set("attachments", attachments);
    o->set("checksumsValid", t.checksumsValid);
    Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
    for (const auto& p : t.problems) problems->add(displayText(p));
    o->set("problems", problems);
    return o;
}

} // namespace mailrig::cli
