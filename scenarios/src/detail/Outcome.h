#pragma once
// What a step returned or threw, and its comparison with the expected outcome.

#include "detail/TextMatch.h"

#include "mailrig/client/SendReport.h"
#include "mailrig/client/SendResult.h"

#include <exception>
#include <optional>
#include <string>

namespace mailrig::scenario::detail {

/// The result of one step.
struct StepOutcome {
    bool ok = true;
    std::exception_ptr error;            ///< what the step threw
    std::optional<SendResult> result;    ///< send, forward, send_async, pickup
    std::optional<SendReport> report;    ///< bulk
};

/// `ok`, or the error as `class code enhanced: text` for reports.
std::string describeOutcome(const StepOutcome& outcome);

/// Compares an outcome with the expectation; a bulk step is ok when its report says every
/// message was delivered to every recipient, else it counts as an error of class `report`.
void checkOutcome(const OutcomeSpec& expected, const StepOutcome& outcome, const MismatchSink& sink);

/// Compares a send result's recipients with the expectations.
void checkRecipients(const std::vector<RecipientReportCheck>& expected, const std::vector<RecipientResult>& actual,
                     const MismatchSink& sink);

/// Compares a bulk report with the per-message expectations.
void checkReport(const std::vector<MessageReportCheck>& expected, const SendReport& report, const MismatchSink& sink);

} // namespace mailrig::scenario::detail
