#pragma once
// Typed, position-aware access to YAML mappings for the rule and server-config readers.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace mailrig::fake::detail {

/// Throws YamlConfigError at `node`'s position.
[[noreturn]] void yamlFail(const YAML::Node& node, const std::string& source, const std::string& key,
                           const std::string& cause);

/// One YAML mapping being read: remembers where it came from so every error names the file,
/// line and dotted key. Construction fails when `node` is not a mapping; unknown and repeated
/// keys are errors.
class YamlFields {
public:
    YamlFields(const YAML::Node& node, std::string source, std::string path,
               std::initializer_list<const char*> allowed);

    bool has(const char* key) const { return static_cast<bool>(_node[key]); }
    YAML::Node node(const char* key) const { return _node[key]; }
    const YAML::Node& self() const { return _node; }
    const std::string& source() const { return _source; }
    /// `path.key`.
    std::string path(const char* key) const;

    /// A scalar as text (numbers too); a map, a list or a missing value is an error.
    std::string text(const char* key) const;
    /// true/false/yes/no/on/off.
    bool boolean(const char* key) const;
    /// A non-negative integer up to `max`.
    std::uint64_t number(const char* key, std::uint64_t max) const;
    /// A list of scalars (a single scalar counts as a one-element list).
    std::vector<std::string> list(const char* key) const;

    [[noreturn]] void fail(const char* key, const std::string& cause) const;

private:
    YAML::Node _node;
    std::string _source;
    std::string _path;
};

/// The same conversions for a node that is not inside a YamlFields mapping.
std::string yamlText(const YAML::Node& node, const std::string& source, const std::string& key);
bool yamlBoolean(const YAML::Node& node, const std::string& source, const std::string& key);
std::uint64_t yamlNumber(const YAML::Node& node, const std::string& source, const std::string& key,
                         std::uint64_t max);
std::vector<std::string> yamlList(const YAML::Node& node, const std::string& source, const std::string& key);

} // namespace mailrig::fake::detail
