#include "detail/ServerSection.h"

#include "mailrig/fakeserver/ServerConfigYaml.h"

namespace mailrig::scenario::detail {

fake::ServerConfig readServerSection(const YAML::Node& node, const NodePlace& place, const std::string& baseDirectory) {
    if (!node.IsMap()) failAt(node, place, "expected a map of server settings, got " + describeKind(node));
    for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        if (key == "host" || key == "port" || key == "spool")
            failAt(entry.first, {place.file, place.path + "." + key},
                   "not allowed in a scenario: the runner listens on 127.0.0.1 with ephemeral ports and keeps "
                   "messages only with --keep");
    }
    try {
        fake::ServerConfig config = fake::serverConfigFromYaml(node, place.file, baseDirectory);
        if (config.implicitTlsPort) config.implicitTlsPort = 0;
        return config;
    } catch (const fake::YamlConfigError& e) {
        throw ScenarioError(place.file, e.line(), e.column(), e.key().empty() ? place.path : place.path + "." + e.key(),
                            e.cause());
    }
}

} // namespace mailrig::scenario::detail
