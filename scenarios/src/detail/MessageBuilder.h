#pragma once
// Turning a scenario's message description into a mailrig::MailMessage.

#include "mailrig/scenarios/Scenario.h"

#include "mailrig/client/MailMessage.h"

namespace mailrig::scenario::detail {

/// Loads the fixture EML (`spec.eml`) or composes the inline message: addresses, subject,
/// bodies, alternate views, attachments, linked resources, headers, priority, Message-ID and
/// the appointment. Throws ScenarioError at `spec.where` when a value is rejected by the
/// message model (an address without `@`, a structural header, an appointment the calendar
/// writer refuses) or a fixture cannot be read.
MailMessage buildMessage(const MessageSpec& spec);

} // namespace mailrig::scenario::detail
