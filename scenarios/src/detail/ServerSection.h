#pragma once
// The `server:` section of a scenario: the fake server's own configuration syntax (the same as
// `mailrig serve --script`), read by the fake server's YAML reader so that both always agree.

#include "detail/YamlReader.h"

#include "mailrig/fakeserver/ServerConfig.h"

#include <string>

namespace mailrig::scenario::detail {

/// Reads the section into a validated server configuration. `host`, `port` and `spool` are
/// refused (the runner binds 127.0.0.1 on ephemeral ports and spools only for `--keep`);
/// `implicit_tls_port` asks for an implicit-TLS listener (its value is ignored: ephemeral).
/// Relative paths (TLS files) are resolved against `baseDirectory`. Throws ScenarioError naming
/// the file, line and key (prefixed `server.`) of the first problem.
fake::ServerConfig readServerSection(const YAML::Node& node, const NodePlace& place, const std::string& baseDirectory);

} // namespace mailrig::scenario::detail
