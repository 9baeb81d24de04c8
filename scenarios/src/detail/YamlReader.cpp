#include "detail/YamlReader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace mailrig::scenario::detail {

void failAt(const YAML::Node& node, const NodePlace& place, const std::string& message) {
    int line = 0, column = 0;
    if (node.IsDefined() && node.Mark().line >= 0) {
        line = node.Mark().line + 1;
        column = node.Mark().column + 1;
    }
    throw ScenarioError(place.file, line, column, place.path, message);
}

std::string describeKind(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull()) return "nothing";
    if (node.IsMap()) return "a map";
    if (node.IsSequence()) return "a list";
    return "'" + node.Scalar() + "'";
}

std::string scalarText(const YAML::Node& node, const NodePlace& place) {
    if (!node.IsScalar()) failAt(node, place, "expected text, got " + describeKind(node));
    return node.Scalar();
}

long long scalarInteger(const YAML::Node& node, const NodePlace& place, long long minimum,
                        long long maximum) {
    const std::string text = scalarText(node, place);
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE)
        failAt(node, place, "expected a whole number, got '" + text + "'");
    if (value < minimum || value > maximum)
        failAt(node, place, "expected a number from " + std::to_string(minimum) + " to " +
                                std::to_string(maximum) + ", got " + text);
    return value;
}

bool scalarBool(const YAML::Node& node, const NodePlace& place) {
    const std::string text = scalarText(node, place);
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
    failAt(node, place, "expected true or false, got '" + text + "'");
}

std::vector<std::string> scalarList(const YAML::Node& node, const NodePlace& place) {
    std::vector<std::string> values;
    if (!node.IsDefined() || node.IsNull()) return values;
    if (node.IsScalar()) return {node.Scalar()};
    for (const auto& [item, itemPlace] : listItems(node, place)) values.push_back(scalarText(item, itemPlace));
    return values;
}

std::vector<std::pair<YAML::Node, NodePlace>> listItems(const YAML::Node& node, const NodePlace& place) {
    if (!node.IsSequence()) failAt(node, place, "expected a list, got " + describeKind(node));
    std::vector<std::pair<YAML::Node, NodePlace>> items;
    for (std::size_t i = 0; i < node.size(); ++i)
        items.emplace_back(node[i], NodePlace{place.file, place.path + "[" + std::to_string(i) + "]"});
    return items;
}

MapReader::MapReader(YAML::Node node, NodePlace place) : _node(std::move(node)), _place(std::move(place)) {
    if (!_node.IsMap()) failAt(_node, _place, "expected a map of keys, got " + describeKind(_node));
    std::set<std::string> seen;
    for (const auto& entry : _node) {
        const std::string key = entry.first.Scalar();
        if (!seen.insert(key).second)
            failAt(entry.first, child(key), "the key appears twice");
    }
}

NodePlace MapReader::child(const std::string& key) const {
    return {_place.file, _place.path.empty() ? key : _place.path + "." + key};
}

bool MapReader::has(const std::string& key) const {
    for (const auto& entry : _node)
        if (entry.first.Scalar() == key) return true;
    return false;
}

std::pair<YAML::Node, NodePlace> MapReader::take(const std::string& key) {
    _consumed.insert(key);
    for (const auto& entry : _node)
        if (entry.first.Scalar() == key) return {entry.second, child(key)};
    return {YAML::Node(YAML::NodeType::Undefined), child(key)};
}

std::optional<std::string> MapReader::text(const std::string& key) {
    auto [value, place] = take(key);
    if (!value.IsDefined()) return std::nullopt;
    if (value.IsNull()) failAt(value, place, "expected text, got nothing");
    return scalarText(value, place);
}

std::string MapReader::requiredText(const std::string& key) {
    if (!has(key)) failAt(_node, child(key), "this key is required");
    auto value = text(key);
    if (value->empty()) failAt(_node, child(key), "must not be empty");
    return *value;
}

std::optional<long long> MapReader::integer(const std::string& key, long long minimum, long long maximum) {
    auto [value, place] = take(key);
    if (!value.IsDefined()) return std::nullopt;
    return scalarInteger(value, place, minimum, maximum);
}

std::optional<bool> MapReader::flag(const std::string& key) {
    auto [value, place] = take(key);
    if (!value.IsDefined()) return std::nullopt;
    return scalarBool(value, place);
}

std::optional<std::string> MapReader::choice(const std::string& key,
                                            const std::vector<std::string>& allowed) {
    auto [node, place] = take(key);
    if (!node.IsDefined()) return std::nullopt;
    const std::string value = scalarText(node, place);
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    failAt(node, place, "'" + value + "' is not one of: " + list);
}

std::string MapReader::requiredChoice(const std::string& key, const std::vector<std::string>& allowed) {
    if (!has(key)) failAt(_node, child(key), "this key is required");
    return *choice(key, allowed);
}

long long MapReader::requiredInteger(const std::string& key, long long minimum, long long maximum,
                                     const std::string& hint) {
    if (!has(key)) failAt(_node, child(key), "this key is required" + (hint.empty() ? "" : " (" + hint + ")"));
    return *integer(key, minimum, maximum);
}

std::vector<std::string> MapReader::list(const std::string& key) {
    auto [value, place] = take(key);
    return scalarList(value, place);
}

std::vector<std::pair<std::string, std::string>> MapReader::textMap(const std::string& key) {
    auto [value, place] = take(key);
    std::vector<std::pair<std::string, std::string>> entries;
    if (!value.IsDefined()) return entries;
    if (!value.IsMap()) failAt(value, place, "expected a map of name: value, got " + describeKind(value));
    for (const auto& entry : value) {
        const std::string name = entry.first.Scalar();
        entries.emplace_back(name, scalarText(entry.second, NodePlace{place.file, place.path + "." + name}));
    }
    return entries;
}

std::vector<std::string> MapReader::keys() const {
    std::vector<std::string> names;
    for (const auto& entry : _node) names.push_back(entry.first.Scalar());
    return names;
}

void MapReader::finish() const {
    for (const auto& entry : _node) {
        const std::string key = entry.first.Scalar();
        if (_consumed.count(key)) continue;
        std::string message = "unknown key";
        if (!_consumed.empty()) {
            message += " (known keys here:";
            for (const auto& name : _consumed) message += " " + name;
            message += ")";
        }
        failAt(entry.first, child(key), message);
    }
}

} // namespace mailrig::scenario::detail
