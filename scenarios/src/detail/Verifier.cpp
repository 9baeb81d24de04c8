#include "detail/Verifier.h"

#include "detail/MessageChecks.h"

#include <memory>

namespace mailrig::scenario::detail {

namespace {


/// Parses a captured message for the checks; a message that does not parse is itself a
/// mismatch (the verifier must see every message).
std::unique_ptr<fake::MessageView> viewOf(const CapturedMail& mail, const MismatchSink& sink) {
    try {
        return std::make_unique<fake::MessageView>(mail.bytes);
    } catch (const std::exception& e) {
        sink.add("", mail.label + " parses as a message", e.what());
        return nullptr;
    }
}

std::string subjectsOf(const std::vector<CapturedMail>& mails) {
    std::vector<std::string> subjects;
    for (const auto& mail : mails) {
        try {
            subjects.push_back(mail.label + ": \"" + fake::MessageView(mail.bytes).subject() + "\"");
        } catch (const std::exception&) {
            subjects.push_back(mail.label + ": (unparsable)");
        }
    }
    return joinList(subjects, "\n  ");
}

/// Applies a list of message checks to a list of messages: a check with `select` takes the
/// first unused message it selects, any other takes the message at its own position. `every`
/// applies to all messages; each message is linted once: by its own check when it has one, else
/// by `every`, else with no findings allowed.
void checkMessageList(const std::vector<MessageCheck>& checks, const std::optional<MessageCheck>& every,
                      const std::vector<CapturedMail>& mails, const std::string& key, const KeyLines& lines,
                      std::vector<Mismatch>& out) {
    std::vector<std::unique_ptr<fake::MessageView>> views;
    for (const auto& mail : mails) views.push_back(viewOf(mail, MismatchSink(out, key, 0)));
    std::vector<bool> used(mails.size(), false);
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto& check = checks[i];
        const std::string checkKey = key + "[" + std::to_string(i) + "]";
        const MismatchSink sink(out, checkKey, lines, checkKey, check.where.line);
        std::size_t chosen = mails.size();
        if (check.select) {
            for (std::size_t m = 0; m < mails.size() && chosen == mails.size(); ++m)
                if (!used[m] && views[m] && selects(check, *views[m])) chosen = m;
            if (chosen == mails.size()) {
                sink.add("select", "a message whose " + check.select->first + " matches /" + check.select->second + "/",
                         subjectsOf(mails));
                continue;
            }
        } else if (i < mails.size()) {
            chosen = i;
        } else {
            sink.add("", "a message at position " + std::to_string(i + 1),
                     "only " + std::to_string(mails.size()) + " message(s)");
            continue;
        }
        used[chosen] = true;
        if (views[chosen]) checkMessage(check, mails[chosen], *views[chosen], sink);
    }
    for (std::size_t m = 0; m < mails.size(); ++m) {
        if (!views[m]) continue;
        if (every) {
            checkMessage(*every, mails[m], *views[m], MismatchSink(out, "expect.every (" + mails[m].label + ")", lines, "expect.every", every->where.line),
                         !used[m]);
        } else if (!used[m]) {
            // No entry of the file checked it, so the mismatch names no key of the file.
            checkMessage(MessageCheck{}, mails[m], *views[m],
                         MismatchSink(out, mails[m].label + " (checked by no " + key + " entry, so it must be lint-clean)", 0));
        }
    }
}

} // namespace

void verify(const Scenario& scenario, const RunEvidence& evidence, std::vector<Mismatch>& out) {
    const Expectations& expect = scenario.expect;
    auto lineOf = [&](const std::string& key) {
        const auto it = expect.lines.find("expect." + key);
        return it == expect.lines.end() ? 0 : it->second;
    };
    const std::size_t captured = evidence.captured.size();
    std::optional<std::size_t> count = expect.count;
    if (!count && expect.messages) count = expect.messages->size();
    if (count && *count != captured) {
        out.push_back({"expect.count", lineOf(expect.count ? "count" : "messages"), std::to_string(*count) + " captured message(s)",
                       std::to_string(captured) + " captured message(s)" +
                           (captured ? ":\n  " + subjectsOf(evidence.captured) : std::string())});
    }
    checkMessageList(expect.messages.value_or(std::vector<MessageCheck>{}), expect.every, evidence.captured,
                     "expect.messages", expect.lines, out);
    if (expect.pickup) {
        if (expect.pickup->size() != evidence.pickedUp.size())
            out.push_back({"expect.pickup", lineOf("pickup"), std::to_string(expect.pickup->size()) + " file(s) in the pickup directory",
                           std::to_string(evidence.pickedUp.size()) + " file(s)"});
        checkMessageList(*expect.pickup, std::nullopt, evidence.pickedUp, "expect.pickup", expect.lines, out);
    }
    checkText(expect.transcript, evidence.transcript, MismatchSink(out, "expect.transcript", expect.lines, "expect.transcript"));
    if (expect.sessions && *expect.sessions != evidence.sessions)
        out.push_back({"expect.sessions", lineOf("sessions"), std::to_string(*expect.sessions) + " connection(s)",
                       std::to_string(evidence.sessions) + " connection(s)"});
    if (expect.minSessions && evidence.sessions < *expect.minSessions)
        out.push_back({"expect.min_sessions", lineOf("min_sessions"), "at least " + std::to_string(*expect.minSessions) + " connection(s)",
                       std::to_string(evidence.sessions) + " connection(s)"});
    if (!expect.recipients.empty()) {
        if (evidence.lastResult)
            checkRecipients(expect.recipients, evidence.lastResult->recipients, MismatchSink(out, "expect.recipients", expect.lines, "expect.recipients"));
        else
            out.push_back({"expect.recipients", lineOf("recipients"), "a send result", "no send step returned a result"});
    }
    if (expect.report) {
        if (evidence.lastReport)
            checkReport(*expect.report, *evidence.lastReport, MismatchSink(out, "expect.report", expect.lines, "expect.report"));
        else
            out.push_back({"expect.report", lineOf("report"), "a bulk report", "no bulk step returned a report"});
    }
}

} // namespace mailrig::scenario::detail
