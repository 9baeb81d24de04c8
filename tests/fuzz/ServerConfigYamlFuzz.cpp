// Fuzz target: any bytes as a `mailrig serve --script` file (a server configuration mapping or
// a bare list of fault rules), read as applyServerConfigFile reads one, then validated. A bad
// file must throw YamlConfigError naming its place; a crash or any other exception is a finding.
#include "mailrig/fakeserver/ServerConfig.h"
#include "mailrig/fakeserver/ServerConfigYaml.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <stdexcept>
#include <string>

using namespace mailrig::fake;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception&) {
        return 0; // yaml-cpp's own reading: loadYamlFile turns this into YamlConfigError
    }
    try {
        if (root.IsSequence()) {
            (void)rulesFromYaml(root, "fuzz.yaml");
        } else {
            ServerConfig config = serverConfigFromYaml(root, "fuzz.yaml", "/nonexistent");
            (void)config.loopCount();
        }
    } catch (const YamlConfigError&) {
    }
    return 0;
}
