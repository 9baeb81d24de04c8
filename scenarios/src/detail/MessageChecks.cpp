#include "detail/MessageChecks.h"

#include "detail/Golden.h"
#include "detail/ExtensionChecks.h"

#include "mailrig/fakeserver/CalendarView.h"
#include "mailrig/fakeserver/InputFile.h"
#include "mailrig/fakeserver/Lint.h"

#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>
#include <Poco/SHA2Engine.h>


namespace mailrig::scenario::detail {

std::string sha256Hex(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string md5Hex(const std::string& bytes) {
    Poco::MD5Engine engine;
    engine.update(bytes);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

bool selects(const MessageCheck& check, const fake::MessageView& view) {
    if (!check.select) return true;
    const auto value = view.header(check.select->first);
    return value && searchRegex(check.select->second, *value);
}

namespace {

std::string describePart(const fake::MimePart& part) {
    std::string text = "\"" + part.path() + "\" " + part.contentType();
    if (!part.charset().empty()) text += " charset=" + part.charset();
    if (!part.transferEncoding().empty()) text += " encoding=" + part.transferEncoding();
    if (!part.disposition().empty()) text += " " + part.disposition();
    if (!part.fileName().empty()) text += " filename=" + part.fileName();
    return text;
}

std::string describeTree(const fake::MessageView& view) {
    std::string text;
    for (const auto* part : view.parts()) text += "\n  " + describePart(*part);
    return text;
}


using Parameters = std::vector<std::pair<std::string, std::string>>;

/// Expected (`NAME` or `NAME=value`, value compared case-insensitively) and absent ESMTP
/// parameters against those sent on one MAIL FROM or RCPT TO; `who` prefixes the actual value.
void checkParameters(const Parameters& expected, const std::vector<std::string>& absent, const Parameters& sent,
                     const std::string& who, const std::string& key, const std::string& absentKey,
                     const MismatchSink& sink) {
    auto find = [&](const std::string& name) -> const std::pair<std::string, std::string>* {
        for (const auto& p : sent)
            if (lowerAscii(p.first) == lowerAscii(name)) return &p;
        return nullptr;
    };
    std::vector<std::string> shown;
    for (const auto& [name, value] : sent) shown.push_back(value.empty() ? name : name + "=" + value);
    const std::string actual = who + (shown.empty() ? "(no parameters)" : joinList(shown, " "));
    for (const auto& [name, value] : expected) {
        const auto* found = find(name);
        if (!found || (!value.empty() && lowerAscii(found->second) != lowerAscii(value)))
            sink.add(key + "." + name, value.empty() ? name : name + "=" + value, actual);
    }
    for (const auto& name : absent)
        if (find(name)) sink.add(absentKey, "no " + name, actual);
}

void checkEnvelope(const MessageCheck& check, const CapturedMail& mail, const MismatchSink& sink) {
    if (check.envelopeFrom) {
        if (!mail.envelopeFrom) sink.add("envelope.from", *check.envelopeFrom, "(no envelope: " + mail.label + ")");
        else if (lowerAscii(*mail.envelopeFrom) != lowerAscii(*check.envelopeFrom))
            sink.add("envelope.from", *check.envelopeFrom, *mail.envelopeFrom);
    }
    if (check.envelopeTo) {
        std::vector<std::string> expected, actual;
        for (const auto& a : *check.envelopeTo) expected.push_back(lowerAscii(a));
        for (const auto& a : mail.envelopeTo) actual.push_back(lowerAscii(a));
        if (expected != actual) sink.add("envelope.to", joinList(*check.envelopeTo), joinList(mail.envelopeTo));
    }
    checkParameters(check.mailParameters, check.absentMailParameters, mail.mailParameters, "", "envelope.mail_params",
                    "envelope.no_mail_params", sink);
    if (check.rcptParameters.empty() && check.absentRcptParameters.empty()) return;
    if (mail.rcptParameters.empty()) sink.add("envelope.rcpt_params", "recipients with parameters", "(no recipients)");
    for (std::size_t i = 0; i < mail.rcptParameters.size(); ++i)
        checkParameters(check.rcptParameters, check.absentRcptParameters, mail.rcptParameters[i],
                        i < mail.envelopeTo.size() ? mail.envelopeTo[i] + ": " : "", "envelope.rcpt_params",
                        "envelope.no_rcpt_params", sink);
}

void checkHeaders(const MessageCheck& check, const fake::MessageView& view, const MismatchSink& sink) {
    for (const auto& [name, expected] : check.headersEqual) {
        const auto value = view.header(name);
        if (!value || *value != expected) sink.add("headers.equal." + name, expected, value ? *value : "(absent)");
    }
    for (const auto& [name, pattern] : check.headersMatch) {
        const auto value = view.header(name);
        if (!value || !searchRegex(pattern, *value))
            sink.add("headers.match." + name, "/" + pattern + "/", value ? *value : "(absent)");
    }
    for (const auto& name : check.headersAbsent) {
        if (const auto value = view.header(name)) sink.add("headers.absent", "no " + name + " header", name + ": " + *value);
    }
}

void checkMime(const std::vector<PartCheck>& expected, const fake::MessageView& view, const MismatchSink& sink) {
    const auto parts = view.parts();
    std::string wanted;
    for (const auto& p : expected) wanted += "\n  \"" + p.path + "\" " + p.type;
    if (parts.size() != expected.size()) {
        sink.add("mime", std::to_string(expected.size()) + " parts:" + wanted,
                 std::to_string(parts.size()) + " parts:" + describeTree(view));
        return;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& want = expected[i];
        const auto& part = *parts[i];
        auto mismatch = [&](const std::string& field, const std::string& value, const std::string& got) {
            if (lowerAscii(value) != lowerAscii(got))
                sink.add("mime[" + std::to_string(i) + "]." + field, value, got + "   (tree:" + describeTree(view) + ")");
        };
        mismatch("path", want.path, part.path());
        mismatch("type", want.type, part.contentType());
        if (want.charset) mismatch("charset", *want.charset, part.charset());
        if (want.encoding) mismatch("encoding", *want.encoding, part.transferEncoding());
        if (want.filename && *want.filename != part.fileName())
            sink.add("mime[" + std::to_string(i) + "].filename", *want.filename, part.fileName());
        if (want.disposition) mismatch("disposition", *want.disposition, part.disposition());
    }
}

/// True when MAIL FROM carried SMTPUTF8: then UTF-8 in header fields is legal (RFC 6532).
bool sentWithSmtpUtf8(const CapturedMail& mail) {
    for (const auto& p : mail.mailParameters)
        if (lowerAscii(p.first) == "smtputf8") return true;
    return false;
}

void checkLint(const std::optional<std::vector<std::string>>& expected, const CapturedMail& mail,
               const fake::MessageView& view, const MismatchSink& sink) {
    const auto findings = fake::Lint::check(view);
    std::vector<std::string> described;
    for (const auto& f : findings)
        if (!(f.code == "header-8bit" && sentWithSmtpUtf8(mail)))
            described.push_back(f.code + (f.line ? " (line " + std::to_string(f.line) + ")" : "") + ": " + f.message);
    // A calendar part is linted too, with the calendar view's own codes (ical-...).
    if (const auto* part = calendarPart(view)) {
        fake::CalendarContext context;
        context.mimeMethod = part->parameter("method").value_or("");
        const auto from = view.from();
        if (!from.empty()) context.fromAddress = from.front().address;
        const fake::CalendarView calendar(part->text(), context);
        for (const auto& f : calendar.findings())
            described.push_back(f.code + (f.line ? " (calendar line " + std::to_string(f.line) + ")" : "") + ": " + f.message);
    }
    const std::vector<std::string> patterns = expected.value_or(std::vector<std::string>{});
    for (const auto& pattern : patterns) {
        bool found = false;
        for (const auto& d : described) found = found || searchRegex(pattern, d);
        if (!found) sink.add("lint", "a finding matching /" + pattern + "/", joinList(described, "\n  "));
    }
    for (const auto& d : described) {
        bool wanted = false;
        for (const auto& pattern : patterns) wanted = wanted || searchRegex(pattern, d);
        if (!wanted)
            sink.add("lint", patterns.empty() ? "no lint findings" : "only findings matching " + joinList(patterns), d);
    }
}

void checkFlags(const MessageCheck& check, const CapturedMail& mail, const MismatchSink& sink) {
    for (const auto& [name, expected] : check.flags) {
        const auto it = mail.flags.find(name);
        if (it == mail.flags.end()) {
            sink.add("flags." + name, expected ? "true" : "false", "(not recorded for " + mail.label + ")");
        } else if (it->second != expected) {
            sink.add("flags." + name, expected ? "true" : "false", it->second ? "true" : "false");
        }
    }
}

void checkSession(const MessageCheck& check, const CapturedMail& mail, const MismatchSink& sink) {
    if (!check.tls && !check.authUser) return;
    if (!mail.haveSession) {
        sink.add("session", "session facts", "(none for " + mail.label + ")");
        return;
    }
    if (check.tls && *check.tls != mail.tls) sink.add("session.tls", *check.tls ? "true" : "false", mail.tls ? "true" : "false");
    if (check.authUser && *check.authUser != mail.authUser)
        sink.add("session.user", *check.authUser, mail.authUser.empty() ? "(not authenticated)" : mail.authUser);
}

std::string readWhole(const std::string& path) { return fake::readInputFile(path, fake::kMaxMessageInput); }

} // namespace

void checkAttachments(const std::vector<AttachmentCheck>& expected, const std::vector<AttachmentFacts>& actual,
                      const MismatchSink& sink) {
    std::vector<std::string> names;
    for (const auto& a : actual) names.push_back(a.name + " (" + a.type + ", " + std::to_string(a.content.size()) + " bytes)");
    if (expected.size() != actual.size()) {
        std::vector<std::string> wanted;
        for (const auto& e : expected) wanted.push_back(e.name);
        sink.add("", std::to_string(expected.size()) + " attachments: " + joinList(wanted),
                 std::to_string(actual.size()) + " attachments: " + joinList(names));
        return;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& want = expected[i];
        const auto& got = actual[i];
        const std::string key = "[" + std::to_string(i) + "]";
        if (want.name != got.name) sink.add(key + ".name", want.name, got.name);
        if (want.type && lowerAscii(*want.type) != lowerAscii(got.type)) sink.add(key + ".type", *want.type, got.type);
        if (want.size && *want.size != got.content.size())
            sink.add(key + ".size", std::to_string(*want.size), std::to_string(got.content.size()));
        if (want.sha256 && lowerAscii(*want.sha256) != sha256Hex(got.content))
            sink.add(key + ".sha256", *want.sha256, sha256Hex(got.content));
        if (want.md5 && lowerAscii(*want.md5) != md5Hex(got.content)) sink.add(key + ".md5", *want.md5, md5Hex(got.content));
    }
}

void checkMessage(const MessageCheck& check, const CapturedMail& mail, const fake::MessageView& view,
                  const MismatchSink& sink, bool lint) {
    checkEnvelope(check, mail, sink);
    checkHeaders(check, view, sink);
    if (check.mime) checkMime(*check.mime, view, sink);
    if (!check.text.empty()) {
        const auto* part = view.textBody();
        checkText(check.text, part ? part->text() : std::string(), sink.sub("text"));
    }
    if (!check.html.empty()) {
        const auto* part = view.htmlBody();
        checkText(check.html, part ? part->text() : std::string(), sink.sub("html"));
    }
    if (!check.raw.empty()) checkText(check.raw, mail.bytes, sink.sub("raw"));
    if (check.attachments) {
        std::vector<AttachmentFacts> actual;
        for (const auto* part : view.attachments()) actual.push_back({part->fileName(), part->contentType(), part->content()});
        checkAttachments(*check.attachments, actual, sink.sub("attachments"));
    }
    if (check.tnef) checkTnef(*check.tnef, view, sink.sub("tnef"));
    if (check.calendar) checkCalendar(*check.calendar, view, sink.sub("calendar"));
    checkFlags(check, mail, sink);
    checkSession(check, mail, sink);
    if (lint) checkLint(check.lint, mail, view, sink);
    if (!check.golden.empty()) compareGolden(check.golden, readWhole(check.golden), mail.bytes, sink.sub("golden"));
}

} // namespace mailrig::scenario::detail
