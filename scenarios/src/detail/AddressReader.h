#pragma once
// Reading addresses from scenario files: every mailbox and envelope address is checked when the
// file is loaded, so that a bad one is reported at its own line and column before anything runs.

#include "detail/YamlReader.h"

#include <optional>
#include <string>
#include <vector>

namespace mailrig::scenario::detail {

/// `key` of `map` as a mailbox (`Name <a@b>` or `a@b`); nullopt when absent. Throws
/// ScenarioError at the value when it is not text or holds no single `local@domain` mailbox.
std::optional<std::string> mailbox(MapReader& map, const std::string& key);
/// An envelope sender at `key` (absent: nullopt): `local@domain`, or "" for the null sender.
std::optional<std::string> envelopeSender(MapReader& map, const std::string& key);
/// A mailbox or a list of them (empty when absent), each checked like mailbox() at its own item.
std::vector<std::string> mailboxList(MapReader& map, const std::string& key);
/// One mailbox given as `node` at `place`; throws ScenarioError like mailbox().
std::string mailboxAt(const YAML::Node& node, const NodePlace& place);

/// A required envelope address (`local@domain`, without display name or angle brackets).
/// Throws ScenarioError when `key` is absent or its value is not such an address.
std::string envelopeAddress(MapReader& map, const std::string& key);
/// An envelope address or a list of them (empty when absent), each checked like envelopeAddress().
std::vector<std::string> envelopeAddressList(MapReader& map, const std::string& key);

} // namespace mailrig::scenario::detail
