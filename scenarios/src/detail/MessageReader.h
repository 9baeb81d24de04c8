#pragma once
// Reading the message of a `send`, `send_async`, `pickup`, `forward` or `bulk` entry.

#include "detail/ReadContext.h"
#include "mailrig/scenarios/Scenario.h"

namespace mailrig::scenario::detail {

/// Reads an inline message (from, to, subject, text, ...) or `{eml: fixture}`. Throws
/// ScenarioError for unknown keys, wrong types, missing fixtures, a message without `from`
/// or without any recipient (unless `needRecipients` is false: forwards set their own).
MessageSpec readMessage(const YAML::Node& node, const NodePlace& place, const ReadContext& context,
                        bool needRecipients = true);

} // namespace mailrig::scenario::detail
