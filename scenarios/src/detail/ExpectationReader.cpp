#include "detail/ExpectationReader.h"

#include <map>
#include <regex>

namespace mailrig::scenario::detail {

namespace {

/// Compiles `pattern` once so that a bad regex is an error at load time, not at run time.
std::string checkedRegex(const YAML::Node& node, const NodePlace& place, const std::string& pattern) {
    try {
        std::regex compiled(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        failAt(node, place, "invalid regular expression '" + pattern + "': " + e.what());
    }
    return pattern;
}

std::vector<std::string> regexList(MapReader& map, const std::string& key) {
    auto [node, place] = map.take(key);
    auto values = scalarList(node, place);
    for (const auto& value : values) checkedRegex(node, place, value);
    return values;
}

/// `text: "exact"` is short for `{equals: exact}`; a map gives contains/not_contains/matches/equals.
TextCheck readTextCheck(const YAML::Node& node, const NodePlace& place) {
    TextCheck check;
    if (node.IsScalar()) {
        check.equals = node.Scalar();
        return check;
    }
    MapReader map(node, place);
    check.contains = map.list("contains");
    check.notContains = map.list("not_contains");
    check.matches = regexList(map, "matches");
    check.equals = map.text("equals");
    map.finish();
    return check;
}

void readOptionalTextCheck(MapReader& map, const std::string& key, TextCheck& into) {
    auto [node, place] = map.take(key);
    if (node.IsDefined()) into = readTextCheck(node, place);
}

AttachmentCheck readAttachmentCheck(const YAML::Node& node, const NodePlace& place) {
    MapReader map(node, place);
    AttachmentCheck check;
    check.name = map.requiredText("name");
    check.type = map.text("type");
    if (auto size = map.integer("size", 0, 1LL << 40)) check.size = static_cast<std::size_t>(*size);
    check.sha256 = map.text("sha256");
    check.md5 = map.text("md5");
    map.finish();
    return check;
}

std::vector<AttachmentCheck> readAttachmentChecks(const YAML::Node& node, const NodePlace& place) {
    return readEach(node, place, readAttachmentCheck);
}

PartCheck readPart(const YAML::Node& node, const NodePlace& place) {
    MapReader map(node, place);
    PartCheck part;
    auto path = map.text("path");
    if (!path) failAt(node, map.child("path"), "this key is required (\"\" for the root)");
    part.path = *path;
    part.type = map.requiredText("type");
    part.charset = map.text("charset");
    part.encoding = map.text("encoding");
    part.filename = map.text("filename");
    part.disposition = map.choice("disposition", {"inline", "attachment"});
    map.finish();
    return part;
}

TnefCheck readTnef(const YAML::Node& node, const NodePlace& place) {
    MapReader map(node, place);
    TnefCheck check;
    check.subject = map.text("subject");
    check.messageClass = map.text("message_class");
    readOptionalTextCheck(map, "body", check.body);
    readOptionalTextCheck(map, "html", check.html);
    auto [attachments, attachmentsPlace] = map.take("attachments");
    if (attachments.IsDefined()) check.attachments = readAttachmentChecks(attachments, attachmentsPlace);
    map.finish();
    return check;
}

CalendarCheck readCalendar(const YAML::Node& node, const NodePlace& place) {
    MapReader map(node, place);
    CalendarCheck check;
    for (const char* field : {"method", "summary", "location", "description", "uid", "sequence", "status",
                              "organizer", "start", "end", "rrule", "time_zone"}) {
        if (auto value = map.text(field)) check.fields.emplace_back(field, *value);
    }
    if (map.has("attendees")) check.attendees = map.list("attendees");
    map.finish();
    return check;
}

int lineOf(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

/// Records the line of every key and list item below `node` (at `path`) by its full key path,
/// so that a mismatch points at the key that failed rather than at its message entry.
void recordKeyLines(const YAML::Node& node, const std::string& path, std::map<std::string, int>& lines) {
    if (node.IsMap()) {
        for (const auto& entry : node) {
            const std::string keyPath = path + "." + entry.first.Scalar();
            lines[keyPath] = lineOf(entry.first);
            recordKeyLines(entry.second, keyPath, lines);
        }
    } else if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i) {
            const std::string itemPath = path + "[" + std::to_string(i) + "]";
            lines[itemPath] = lineOf(node[i]);
            recordKeyLines(node[i], itemPath, lines);
        }
    }
}

const std::vector<std::string> kFlagNames = {"bare_lf", "bare_cr", "smuggling", "eight_bit_without_8bitmime",
                                             "long_lines"};

MessageCheck readMessageCheck(const YAML::Node& node, const NodePlace& place, const ReadContext& context) {
    MapReader map(node, place);
    MessageCheck check;
    check.where = sourceLine(node, place);
    auto select = map.textMap("select");
    if (select.size() > 1) failAt(node, map.child("select"), "select by exactly one header");
    if (!select.empty()) check.select = select.front();

    auto [envelope, envelopePlace] = map.take("envelope");
    if (envelope.IsDefined()) {
        MapReader e(envelope, envelopePlace);
        check.envelopeFrom = e.text("from");
        if (e.has("to")) check.envelopeTo = e.list("to");
        check.mailParameters = e.textMap("mail_params");
        check.absentMailParameters = e.list("no_mail_params");
        check.rcptParameters = e.textMap("rcpt_params");
        check.absentRcptParameters = e.list("no_rcpt_params");
        e.finish();
    }
    auto [headers, headersPlace] = map.take("headers");
    if (headers.IsDefined()) {
        MapReader h(headers, headersPlace);
        check.headersEqual = h.textMap("equal");
        check.headersMatch = h.textMap("match");
        for (const auto& [name, pattern] : check.headersMatch) checkedRegex(headers, h.child("match." + name), pattern);
        check.headersAbsent = h.list("absent");
        h.finish();
    }
    auto [mime, mimePlace] = map.take("mime");
    if (mime.IsDefined()) check.mime = readEach(mime, mimePlace, readPart);
    readOptionalTextCheck(map, "text", check.text);
    readOptionalTextCheck(map, "html", check.html);
    readOptionalTextCheck(map, "raw", check.raw);
    auto [attachments, attachmentsPlace] = map.take("attachments");
    if (attachments.IsDefined()) check.attachments = readAttachmentChecks(attachments, attachmentsPlace);
    auto [tnef, tnefPlace] = map.take("tnef");
    if (tnef.IsDefined()) check.tnef = readTnef(tnef, tnefPlace);
    auto [calendar, calendarPlace] = map.take("calendar");
    if (calendar.IsDefined()) check.calendar = readCalendar(calendar, calendarPlace);
    auto [flags, flagsPlace] = map.take("flags");
    if (flags.IsDefined()) {
        MapReader f(flags, flagsPlace);
        for (const auto& name : kFlagNames)
            if (auto value = f.flag(name)) check.flags.emplace_back(name, *value);
        f.finish();
    }
    auto [lint, lintPlace] = map.take("lint");
    if (lint.IsDefined()) {
        check.lint = scalarList(lint, lintPlace);
        for (const auto& pattern : *check.lint) checkedRegex(lint, lintPlace, pattern);
    }
    check.golden = context.fixtureKey(map, "golden");
    auto [session, sessionPlace] = map.take("session");
    if (session.IsDefined()) {
        MapReader s(session, sessionPlace);
        check.tls = s.flag("tls");
        check.authUser = s.text("user");
        s.finish();
    }
    map.finish();
    return check;
}

RecipientReportCheck readRecipientCheck(const YAML::Node& node, const NodePlace& place) {
    MapReader map(node, place);
    RecipientReportCheck check;
    check.address = map.requiredText("address");
    check.status = map.requiredChoice("status", {"accepted", "rejected", "not-attempted"});
    if (auto code = map.integer("code", 200, 599)) check.code = static_cast<int>(*code);
    map.finish();
    return check;
}

std::vector<RecipientReportCheck> readRecipientChecks(const YAML::Node& node, const NodePlace& place) {
    return readEach(node, place, readRecipientCheck);
}

MessageReportCheck readMessageReport(const YAML::Node& node, const NodePlace& place) {
    MapReader map(node, place);
    MessageReportCheck check;
    check.where = sourceLine(node, place);
    check.index = static_cast<std::size_t>(map.requiredInteger("message", 1, 1000000, "1-based position in the bulk list"));
    check.status = map.requiredChoice("status", {"succeeded", "failed", "not-attempted"});
    auto [recipients, recipientsPlace] = map.take("recipients");
    if (recipients.IsDefined()) check.recipients = readRecipientChecks(recipients, recipientsPlace);
    auto [error, errorPlace] = map.take("error");
    if (error.IsDefined()) check.errorPattern = checkedRegex(error, errorPlace, scalarText(error, errorPlace));
    map.finish();
    return check;
}

std::vector<MessageCheck> readMessageChecks(const YAML::Node& node, const NodePlace& place, const ReadContext& context) {
    return readEach(node, place,
                    [&](const YAML::Node& item, const NodePlace& itemPlace) { return readMessageCheck(item, itemPlace, context); });
}

} // namespace

OutcomeSpec readOutcome(const YAML::Node& node, const NodePlace& place) {
    OutcomeSpec outcome;
    if (node.IsScalar()) {
        if (node.Scalar() == "ok") return outcome;
        if (node.Scalar() == "error") {
            outcome.ok = false;
            return outcome;
        }
        failAt(node, place, "expected `ok`, `error` or `{error: {...}}`, got '" + node.Scalar() + "'");
    }
    MapReader map(node, place);
    auto [error, errorPlace] = map.take("error");
    map.finish();
    if (!error.IsDefined()) failAt(node, place, "expected `ok`, `error` or `{error: {...}}`");
    outcome.ok = false;
    if (error.IsNull()) return outcome;
    MapReader e(error, errorPlace);
    if (auto code = e.integer("code", 0, 599)) outcome.code = static_cast<int>(*code);
    outcome.errorClass = e.choice("class", {"transient", "permanent", "connection", "tls", "authentication",
                                            "capability", "protocol", "cancelled"})
                             .value_or("");
    outcome.enhanced = e.text("enhanced").value_or("");
    auto [text, textPlace] = e.take("text");
    if (text.IsDefined()) outcome.textPattern = checkedRegex(text, textPlace, scalarText(text, textPlace));
    auto [command, commandPlace] = e.take("command");
    if (command.IsDefined()) outcome.command = checkedRegex(command, commandPlace, scalarText(command, commandPlace));
    e.finish();
    return outcome;
}

Expectations readExpectations(const YAML::Node& node, const NodePlace& place, const ReadContext& context) {
    MapReader map(node, place);
    Expectations expect;
    recordKeyLines(node, place.path, expect.lines);
    auto [client, clientPlace] = map.take("client");
    if (client.IsDefined()) expect.client = readOutcome(client, clientPlace);
    auto [report, reportPlace] = map.take("report");
    if (report.IsDefined()) expect.report = readEach(report, reportPlace, readMessageReport);
    auto [recipients, recipientsPlace] = map.take("recipients");
    if (recipients.IsDefined()) expect.recipients = readRecipientChecks(recipients, recipientsPlace);
    if (auto count = map.integer("count", 0, 1000000)) expect.count = static_cast<std::size_t>(*count);
    auto [messages, messagesPlace] = map.take("messages");
    if (messages.IsDefined()) expect.messages = readMessageChecks(messages, messagesPlace, context);
    auto [every, everyPlace] = map.take("every");
    if (every.IsDefined()) expect.every = readMessageCheck(every, everyPlace, context);
    auto [pickup, pickupPlace] = map.take("pickup");
    if (pickup.IsDefined()) expect.pickup = readMessageChecks(pickup, pickupPlace, context);
    auto [transcript, transcriptPlace] = map.take("transcript");
    if (transcript.IsDefined()) {
        expect.transcript = readTextCheck(transcript, transcriptPlace);
        if (expect.transcript.equals) failAt(transcript, transcriptPlace, "a transcript takes contains / not_contains / matches");
    }
    if (auto sessions = map.integer("sessions", 0, 100000)) expect.sessions = static_cast<std::size_t>(*sessions);
    if (auto sessions = map.integer("min_sessions", 0, 100000)) expect.minSessions = static_cast<std::size_t>(*sessions);
    map.finish();
    return expect;
}

} // namespace mailrig::scenario::detail
