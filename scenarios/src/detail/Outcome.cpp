#include "detail/Outcome.h"

#include "mailrig/client/SmtpException.h"

namespace mailrig::scenario::detail {

namespace {

/// The facts of a thrown error, whatever its type.
struct ErrorFacts {
    std::string what;
    std::string kind = "other"; ///< connection, tls, authentication, ... or `reply`
    bool transient = false;
    int code = 0;
    std::string enhanced;
    std::string command;
};

ErrorFacts factsOf(const std::exception_ptr& error) {
    ErrorFacts facts;
    try {
        std::rethrow_exception(error);
    } catch (const SmtpException& e) {
        facts.what = e.what();
        facts.kind = toString(e.kind());
        facts.transient = e.isTransient();
        facts.code = e.replyCode();
        facts.enhanced = e.enhancedStatus();
        facts.command = e.command();
    } catch (const std::exception& e) {
        facts.what = e.what();
    } catch (...) {
        facts.what = "an unknown exception";
    }
    return facts;
}

std::string describeFacts(const ErrorFacts& f) {
    std::string text = "error (" + f.kind + (f.kind == "reply" ? (f.transient ? ", transient" : ", permanent") : "");
    if (f.code) text += ", code " + std::to_string(f.code);
    if (!f.enhanced.empty()) text += ", " + f.enhanced;
    if (!f.command.empty()) text += ", at " + f.command;
    return text + "): " + f.what;
}

std::string describeExpected(const OutcomeSpec& e) {
    if (e.ok) return "ok";
    std::string text = "error";
    if (!e.errorClass.empty()) text += " class " + e.errorClass;
    if (e.code) text += " code " + std::to_string(*e.code);
    if (!e.enhanced.empty()) text += " " + e.enhanced;
    if (!e.command.empty()) text += " at /" + e.command + "/";
    if (!e.textPattern.empty()) text += " text /" + e.textPattern + "/";
    return text;
}

bool classMatches(const std::string& wanted, const ErrorFacts& f) {
    if (wanted.empty()) return true;
    if (wanted == "transient") return f.transient;
    if (wanted == "permanent") return !f.transient && f.kind != "other";
    return wanted == f.kind;
}

} // namespace

std::string describeOutcome(const StepOutcome& outcome) {
    if (outcome.error) return describeFacts(factsOf(outcome.error));
    if (outcome.report && !outcome.report->allDelivered()) return "report with failures:\n" + outcome.report->summary();
    if (outcome.result && !outcome.result->allAccepted())
        return "ok, but refused: " + joinList(outcome.result->rejectedRecipients());
    return "ok";
}

void checkOutcome(const OutcomeSpec& expected, const StepOutcome& outcome, const MismatchSink& sink) {
    if (expected.ok) {
        // A bulk report with failures is not "ok"; a single send with some refused recipients
        // is (the client's contract), and `recipients:` states which were refused.
        const bool ok = !outcome.error && !(outcome.report && !outcome.report->allDelivered());
        if (!ok) sink.add("", "ok", describeOutcome(outcome));
        return;
    }
    if (!outcome.error) {
        if (outcome.report && !outcome.report->allDelivered() && expected.errorClass.empty() && !expected.code) return;
        sink.add("", describeExpected(expected), describeOutcome(outcome));
        return;
    }
    const ErrorFacts f = factsOf(outcome.error);
    const bool matches = classMatches(expected.errorClass, f) && (!expected.code || *expected.code == f.code) &&
                         (expected.enhanced.empty() || expected.enhanced == f.enhanced) &&
                         (expected.textPattern.empty() || searchRegex(expected.textPattern, f.what)) &&
                         (expected.command.empty() || searchRegex(expected.command, f.command));
    if (!matches) sink.add("", describeExpected(expected), describeFacts(f));
}

void checkRecipients(const std::vector<RecipientReportCheck>& expected, const std::vector<RecipientResult>& actual,
                     const MismatchSink& sink) {
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& want = expected[i];
        const RecipientResult* got = nullptr;
        for (const auto& r : actual)
            if (lowerAscii(r.address) == lowerAscii(want.address)) got = &r;
        const std::string key = "[" + std::to_string(i) + "]";
        if (!got) {
            std::vector<std::string> addresses;
            for (const auto& r : actual) addresses.push_back(r.address);
            sink.add(key, want.address + " in the result", joinList(addresses));
            continue;
        }
        const std::string status = toString(got->status);
        const std::string reply = got->replyCode ? " (" + std::to_string(got->replyCode) + " " + got->replyText + ")" : "";
        if (status != want.status) sink.add(key + ".status", want.address + " " + want.status, want.address + " " + status + reply);
        if (want.code && *want.code != got->replyCode)
            sink.add(key + ".code", want.address + " " + std::to_string(*want.code), want.address + reply);
    }
}

void checkReport(const std::vector<MessageReportCheck>& expected, const SendReport& report, const MismatchSink& sink) {
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& want = expected[i];
        const std::string key = "[" + std::to_string(i) + "]";
        if (want.index > report.messages.size()) {
            sink.add(key + ".message", "message " + std::to_string(want.index),
                     "the report has " + std::to_string(report.messages.size()) + " messages");
            continue;
        }
        const MessageOutcome& got = report.messages[want.index - 1];
        const std::string status = toString(got.status);
        if (status != want.status)
            sink.add(key + ".status", "message " + std::to_string(want.index) + " " + want.status,
                     "message " + std::to_string(want.index) + " " + status + (got.error.empty() ? "" : ": " + got.error));
        if (!want.errorPattern.empty() && !searchRegex(want.errorPattern, got.error))
            sink.add(key + ".error", "/" + want.errorPattern + "/", got.error.empty() ? "(no error)" : got.error);
        checkRecipients(want.recipients, got.recipients, sink.sub(key.substr(0) + ".recipients"));
    }
}

} // namespace mailrig::scenario::detail
