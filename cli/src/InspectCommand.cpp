// `mailrig inspect FILE.eml [--json]`: headers, MIME tree and lint findings of one message.
// Uses only the verifying side (mailrig::fakeserver), never the composing client.
#include "Command.h"
#include "InspectCalendar.h"
#include "InspectTnef.h"

#include "mailrig/fakeserver/CalendarView.h"
#include "mailrig/fakeserver/Lint.h"
#include "mailrig/fakeserver/MessageView.h"
#include "mailrig/fakeserver/PrintableText.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

namespace mailrig::cli {

namespace {

using fake::displayText;
using fake::LintFinding;
using fake::MessageView;
using fake::MimePart;

const char* const usage =
    "usage: mailrig inspect FILE.eml [--json]\n"
    "  Prints the headers, the MIME tree (path, type, size, file name) and the lint findings\n"
    "  of one message, the content of a TNEF winmail.dat and the event of a meeting request;\n"
    "  FILE may be '-' for stdin. An iCalendar file (BEGIN:VCALENDAR, a .ics) is shown and\n"
    "  checked as the calendar of a message would be.\n"
    "  --json  print the same as one JSON document\n"
    "exit status: 0 parsed without findings, 1 lint findings, TNEF problems or calendar findings,\n"
    "  2 unreadable or not a message\n";

struct Options {
    std::string file;
    bool json = false;
};

// Returns false (after printing why) when the arguments are not usable.
bool parseArguments(const std::vector<std::string>& args, Options& options, bool& helpAsked) {
    for (const auto& arg : args) {
        if (arg == "--help" || arg == "-h") {
            helpAsked = true;
            return true;
        }
        if (arg == "--json") {
            options.json = true;
        } else if (arg.size() > 1 && arg[0] == '-') {
            std::cerr << "mailrig inspect: " << unknownOption(arg) << "\n" << usage;
            return false;
        } else if (options.file.empty()) {
            options.file = arg;
        } else {
            std::cerr << "mailrig inspect: more than one file given ('" << options.file << "', '" << arg << "')\n"
                      << usage;
            return false;
        }
    }
    if (options.file.empty()) {
        std::cerr << "mailrig inspect: no file given\n" << usage;
        return false;
    }
    return true;
}

MessageView load(const std::string& file) {
    return file == "-" ? MessageView::fromStream(std::cin, "<stdin>") : MessageView::fromFile(file);
}

std::string isoDate(const MessageView& view) {
    const auto date = view.date();
    if (!date) return {};
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(date->time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(seconds)),
                                           Poco::DateTimeFormat::ISO8601_FORMAT);
}

std::string place(const LintFinding& f) {
    std::string where;
    if (f.part) where = "part " + (f.part->empty() ? std::string("(root)") : *f.part);
    if (f.line) where += (where.empty() ? "" : ", ") + std::string("line ") + std::to_string(f.line);
    return where.empty() ? "message" : where;
}

// --- text ----------------------------------------------------------------------------------

void printPartLine(const MimePart& part, std::size_t depth, std::ostream& out) {
    const std::string path = part.path().empty() ? "(root)" : part.path();
    out << "  " << std::string(depth * 2, ' ') << path << "  " << part.contentType();
    if (!part.charset().empty()) out << "; charset=" << part.charset();
    if (!part.isMultipart()) out << "  " << part.size() << " bytes";
    if (!part.transferEncoding().empty()) out << "  " << part.transferEncoding();
    if (!part.disposition().empty()) out << "  " << part.disposition();
    if (!part.fileName().empty()) out << "  \"" << displayText(part.fileName()) << "\"";
    if (!part.contentId().empty()) out << "  <" << displayText(part.contentId()) << ">";
    out << "\n";
    for (const auto& child : part.children()) printPartLine(child, depth + 1, out);
}

void printText(const std::string& file, const MessageView& view, const std::vector<LintFinding>& findings,
               std::ostream& out) {
    out << "File: " << file << " (" << view.raw().size() << " bytes)\n\nHeaders:\n";
    for (const auto& h : view.headers()) out << "  " << displayText(h.name) << ": " << displayText(h.value) << "\n";
    out << "\nMIME tree:\n";
    printPartLine(view.root(), 0, out);
    printTnefSection(view, out);
    printCalendarSection(view, out);
    out << "\nLint: ";
    if (findings.empty()) {
        out << "no findings\n";
        return;
    }
    out << findings.size() << (findings.size() == 1 ? " finding\n" : " findings\n");
    for (const auto& f : findings) out << "  " << place(f) << ": " << f.code << ": " << displayText(f.message) << "\n";
}

// --- JSON ----------------------------------------------------------------------------------

// [{name, <second>}] from a list of structs with a `name` and one more string member.
template <typename T>
Poco::JSON::Array::Ptr namedPairs(const std::vector<T>& list, const char* second, std::string T::*member) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& item : list) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("name", displayText(item.name));
        o->set(second, displayText(item.*member));
        out->add(o);
    }
    return out;
}

Poco::JSON::Array::Ptr mailboxes(const std::vector<fake::Mailbox>& list) {
    return namedPairs(list, "address", &fake::Mailbox::address);
}

Poco::JSON::Array::Ptr parameters(const std::vector<fake::Parameter>& list) {
    return namedPairs(list, "value", &fake::Parameter::value);
}

void addParts(const MimePart& part, const std::string& parent, Poco::JSON::Array::Ptr out) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("path", part.path());
    o->set("parent", part.path().empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(parent));
    o->set("contentType", part.contentType());
    o->set("parameters", parameters(part.parameters()));
    o->set("charset", displayText(part.charset()));
    o->set("transferEncoding", displayText(part.transferEncoding()));
    o->set("disposition", displayText(part.disposition()));
    o->set("fileName", displayText(part.fileName()));
    o->set("contentId", displayText(part.contentId()));
    o->set("size", static_cast<Poco::UInt64>(part.size()));
    o->set("encodedSize", static_cast<Poco::UInt64>(part.encodedContent().size()));
    o->set("attachment", part.isAttachment());
    Poco::JSON::Array::Ptr children = new Poco::JSON::Array;
    for (const auto& child : part.children()) children->add(child.path());
    o->set("children", children);
    out->add(o);
    for (const auto& child : part.children()) addParts(child, part.path(), out);
}

void printJson(const std::string& file, const MessageView& view, const std::vector<LintFinding>& findings,
               std::ostream& out) {
    Poco::JSON::Object::Ptr doc = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    doc->set("file", displayText(file));
    doc->set("size", static_cast<Poco::UInt64>(view.raw().size()));

    Poco::JSON::Array::Ptr headers = new Poco::JSON::Array;
    for (const auto& h : view.headers()) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("name", displayText(h.name));
        o->set("value", displayText(h.value));
        o->set("raw", displayText(h.rawValue));
        o->set("line", static_cast<Poco::UInt64>(h.line));
        headers->add(o);
    }
    doc->set("headers", headers);

    Poco::JSON::Object::Ptr summary = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    summary->set("from", mailboxes(view.from()));
    summary->set("to", mailboxes(view.to()));
    summary->set("cc", mailboxes(view.cc()));
    summary->set("subject", displayText(view.subject()));
    const std::string date = isoDate(view);
    summary->set("date", date.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(date));
    summary->set("messageId", displayText(view.messageId()));
    doc->set("summary", summary);

    Poco::JSON::Array::Ptr parts = new Poco::JSON::Array;
    addParts(view.root(), "", parts);
    doc->set("parts", parts);

    Poco::JSON::Array::Ptr lint = new Poco::JSON::Array;
    for (const auto& f : findings) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("code", f.code);
        o->set("message", displayText(f.message));
        o->set("line", f.line ? Poco::Dynamic::Var(static_cast<Poco::UInt64>(f.line)) : Poco::Dynamic::Var());
        o->set("part", f.part ? Poco::Dynamic::Var(*f.part) : Poco::Dynamic::Var());
        lint->add(o);
    }
    doc->set("findings", lint);
    doc->set("tnef", tnefJson(view));
    doc->set("calendar", calendarJson(view));
    doc->stringify(out, 2);
    out << "\n";
}

/// True when `raw` is an iCalendar object rather than a message: it starts (after a UTF-8 byte
/// order mark and blank lines) with BEGIN:VCALENDAR.
bool isCalendarFile(const std::string& raw) {
    std::size_t at = raw.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    while (at < raw.size() && (raw[at] == '\r' || raw[at] == '\n' || raw[at] == ' ' || raw[at] == '\t')) ++at;
    static const std::string begin = "BEGIN:VCALENDAR";
    if (raw.size() - at < begin.size()) return false;
    for (std::size_t i = 0; i < begin.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(raw[at + i])) != begin[i]) return false;
    return true;
}

/// `mailrig inspect FILE.ics`: the calendar alone, read and checked as in a message.
int inspectCalendarFile(const std::string& name, const std::string& raw, bool json) {
    const fake::CalendarView calendar(raw);
    if (json) {
        Poco::JSON::Object::Ptr doc = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        doc->set("file", displayText(name));
        doc->set("size", static_cast<Poco::UInt64>(raw.size()));
        doc->set("calendar", calendarObject(calendar));
        doc->stringify(std::cout, 2);
        std::cout << "\n";
    } else {
        std::ostringstream text;
        text << "File: " << name << " (" << raw.size() << " bytes, an iCalendar file)\n";
        printCalendar(calendar, "the whole file", text);
        std::cout << fake::printableText(text.str());
    }
    std::cout.flush();
    return calendar.clean() ? Success : Failed;
}

} // namespace

int runInspect(const std::vector<std::string>& args) {
    Options options;
    bool helpAsked = false;
    if (!parseArguments(args, options, helpAsked)) return Invalid;
    if (helpAsked) {
        std::cout << usage;
        return Success;
    }
    std::optional<MessageView> view;
    try {
        view.emplace(load(options.file));
    } catch (const fake::MessageParseError& e) {
        std::cerr << "mailrig inspect: " << e.what() << "\n";
        return Invalid;
    }
    const std::string name = options.file == "-" ? "<stdin>" : options.file; // as errors name it
    if (isCalendarFile(view->raw())) return inspectCalendarFile(name, view->raw(), options.json);
    const std::vector<LintFinding> findings = fake::Lint::check(*view);
    if (options.json) printJson(name, *view, findings, std::cout);
    else {
        // Header values and file names come from the message: shown, never obeyed by the terminal.
        std::ostringstream text;
        printText(name, *view, findings, text);
        std::cout << fake::printableText(text.str());
    }
    std::cout.flush();
    return findings.empty() && tnefIsClean(*view) && calendarIsClean(*view) ? Success : Failed;
}

} // namespace mailrig::cli
