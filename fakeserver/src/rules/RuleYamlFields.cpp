#include "rules/RuleYamlFields.h"

#include "mailrig/fakeserver/ServerConfigYaml.h"

#include <set>
#include <strings.h>

namespace mailrig::fake {

YamlConfigError::YamlConfigError(std::string source, int line, int column, std::string key, std::string cause)
    : std::runtime_error(source + (line > 0 ? ":" + std::to_string(line) + ":" + std::to_string(column) : "") +
                         ": " + (key.empty() ? "" : key + ": ") + cause),
      _source(std::move(source)), _line(line), _column(column), _key(std::move(key)), _cause(std::move(cause)) {}

namespace detail {

namespace {

const char* kindName(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Undefined: break;
    }
    return "nothing";
}

} // namespace

void yamlFail(const YAML::Node& node, const std::string& source, const std::string& key, const std::string& cause) {
    int line = 0;
    int column = 0;
    if (node.IsDefined()) {
        const YAML::Mark mark = node.Mark();
        if (mark.line >= 0) {
            line = mark.line + 1;
            column = mark.column + 1;
        }
    }
    throw YamlConfigError(source, line, column, key, cause);
}

std::string yamlText(const YAML::Node& node, const std::string& source, const std::string& key) {
    if (!node.IsScalar()) yamlFail(node, source, key, std::string("expected a value, found ") + kindName(node));
    return node.Scalar();
}

bool yamlBoolean(const YAML::Node& node, const std::string& source, const std::string& key) {
    const std::string value = yamlText(node, source, key);
    for (const char* yes : {"true", "yes", "on"})
        if (strcasecmp(value.c_str(), yes) == 0) return true;
    for (const char* no : {"false", "no", "off"})
        if (strcasecmp(value.c_str(), no) == 0) return false;
    yamlFail(node, source, key, "expected true or false, found `" + value + "`");
}

std::uint64_t yamlNumber(const YAML::Node& node, const std::string& source, const std::string& key,
                         std::uint64_t max) {
    const std::string value = yamlText(node, source, key);
    if (value.empty() || value.size() > 19 || value.find_first_not_of("0123456789") != std::string::npos)
        yamlFail(node, source, key, "expected a whole number 0.." + std::to_string(max) + ", found `" + value + "`");
    const std::uint64_t number = std::stoull(value);
    if (number > max)
        yamlFail(node, source, key, value + " is above the maximum " + std::to_string(max));
    return number;
}

std::vector<std::string> yamlList(const YAML::Node& node, const std::string& source, const std::string& key) {
    if (node.IsScalar()) return {node.Scalar()};
    if (!node.IsSequence()) yamlFail(node, source, key, std::string("expected a list, found ") + kindName(node));
    std::vector<std::string> items;
    for (std::size_t i = 0; i < node.size(); ++i)
        items.push_back(yamlText(node[i], source, key + "[" + std::to_string(i) + "]"));
    return items;
}

YamlFields::YamlFields(const YAML::Node& node, std::string source, std::string path,
                       std::initializer_list<const char*> allowed)
    : _node(node), _source(std::move(source)), _path(std::move(path)) {
    if (!_node.IsMap()) yamlFail(_node, _source, _path, std::string("expected a mapping, found ") + kindName(_node));
    std::set<std::string> seen;
    for (const auto& entry : _node) {
        const std::string name = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
        bool known = false;
        for (const char* a : allowed) known = known || name == a;
        if (!known) {
            std::string list;
            for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            yamlFail(entry.first, _source, _path.empty() ? name : _path + "." + name,
                     "unknown key (expected one of: " + list + ")");
        }
        if (!seen.insert(name).second)
            yamlFail(entry.first, _source, _path.empty() ? name : _path + "." + name, "given twice");
    }
}

std::string YamlFields::path(const char* key) const { return _path.empty() ? key : _path + "." + key; }

std::string YamlFields::text(const char* key) const { return yamlText(_node[key], _source, path(key)); }

bool YamlFields::boolean(const char* key) const { return yamlBoolean(_node[key], _source, path(key)); }

std::uint64_t YamlFields::number(const char* key, std::uint64_t max) const {
    return yamlNumber(_node[key], _source, path(key), max);
}

std::vector<std::string> YamlFields::list(const char* key) const { return yamlList(_node[key], _source, path(key)); }

void YamlFields::fail(const char* key, const std::string& cause) const {
    const YAML::Node value = _node[key];
    yamlFail(value.IsDefined() ? value : _node, _source, path(key), cause);
}

} // namespace detail
} // namespace mailrig::fake
