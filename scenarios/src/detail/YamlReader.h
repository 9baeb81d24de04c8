#pragma once
// Strict reading of YAML mappings for scenario files: every value is checked for its type,
// every key that is not read is an error, and every error names the file, line, column and the
// key path (`expect.messages[0].mime`).

#include "mailrig/scenarios/ScenarioError.h"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mailrig::scenario::detail {

/// Where a node sits: the file it came from and its key path from the document root.
struct NodePlace {
    std::string file;
    std::string path; ///< e.g. `steps[2].send.to`; empty for the document root
};

/// Throws ScenarioError at `node`'s line and column for `place`.
[[noreturn]] void failAt(const YAML::Node& node, const NodePlace& place, const std::string& message);

/// `map`, `list`, `text` or `nothing`, for error messages.
std::string describeKind(const YAML::Node& node);

/// A scalar as text; throws ScenarioError when `node` is a list or map.
std::string scalarText(const YAML::Node& node, const NodePlace& place);
/// A scalar as a whole number in [minimum, maximum]; throws ScenarioError otherwise.
long long scalarInteger(const YAML::Node& node, const NodePlace& place, long long minimum,
                        long long maximum);
/// A scalar `true`/`false` (also yes/no/on/off); throws ScenarioError otherwise.
bool scalarBool(const YAML::Node& node, const NodePlace& place);
/// A list of scalars; a single scalar counts as a list of one.
std::vector<std::string> scalarList(const YAML::Node& node, const NodePlace& place);
/// Each element of a list with its place (`path[i]`); throws ScenarioError when not a list.
std::vector<std::pair<YAML::Node, NodePlace>> listItems(const YAML::Node& node, const NodePlace& place);

/// Reads every element of a list with `read(node, place)` (a function returning T).
template <class Read>
auto readEach(const YAML::Node& node, const NodePlace& place, Read read) {
    std::vector<decltype(read(node, place))> values;
    for (const auto& [item, itemPlace] : listItems(node, place)) values.push_back(read(item, itemPlace));
    return values;
}

/// A YAML mapping whose keys are consumed one by one; finish() rejects every key not consumed.
/// Reading a key with the wrong type throws ScenarioError naming the key.
class MapReader {
public:
    /// Throws ScenarioError when `node` is not a mapping.
    MapReader(YAML::Node node, NodePlace place);

    /// True when the key is present (does not consume it).
    bool has(const std::string& key) const;
    /// The raw value (null node when absent) and its place; consumes the key.
    std::pair<YAML::Node, NodePlace> take(const std::string& key);
    std::optional<std::string> text(const std::string& key);
    std::string requiredText(const std::string& key);
    std::optional<long long> integer(const std::string& key, long long minimum, long long maximum);
    std::optional<bool> flag(const std::string& key);
    /// text() restricted to one of `allowed`; throws ScenarioError listing them otherwise.
    std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& allowed);
    /// choice() for a required key; throws ScenarioError when it is absent.
    std::string requiredChoice(const std::string& key, const std::vector<std::string>& allowed);
    /// integer() for a required key; throws ScenarioError with `hint` when it is absent.
    long long requiredInteger(const std::string& key, long long minimum, long long maximum,
                              const std::string& hint = {});
    /// A list of scalars (a scalar counts as a list of one); empty when absent.
    std::vector<std::string> list(const std::string& key);
    /// The entries of a nested mapping `key: {name: value, ...}` in file order, values as text.
    std::vector<std::pair<std::string, std::string>> textMap(const std::string& key);
    /// Throws ScenarioError naming the first key that was not consumed, listing the keys that
    /// were asked for (read every known key, present or not, before calling this).
    void finish() const;
    /// Keys in file order.
    std::vector<std::string> keys() const;

    const YAML::Node& node() const { return _node; }
    const NodePlace& place() const { return _place; }
    /// The place of a child key.
    NodePlace child(const std::string& key) const;

private:
    YAML::Node _node;
    NodePlace _place;
    std::set<std::string> _consumed;
};

} // namespace mailrig::scenario::detail
