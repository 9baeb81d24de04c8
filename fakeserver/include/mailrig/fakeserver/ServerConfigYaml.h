#pragma once
/// YAML → the same `Rule` and `ServerConfig` values C++ fills. Used for `mailrig serve --script`
/// and for the `server:` section of scenario files. The format is documented in docs/serve.md.
///
/// ```yaml
/// hostname: mx.test
/// tls: {self_signed: valid}
/// users: {alice: secret}
/// capabilities: {chunking: false, auth: [PLAIN, LOGIN]}
/// limits: {message_size: 1048576, command_timeout_ms: 2000}
/// rules:
///   - {on: RCPT, match: x@example.com, times: 1, scope: global, reply: "451 4.7.1 Greylisted"}
///   - {on: DATA, nth: 2, abort_after_bytes: 100}
/// ```

#include "mailrig/fakeserver/Rule.h"
#include "mailrig/fakeserver/ServerConfig.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace YAML {
class Exception;
class Node;
}

namespace mailrig::fake {

/// A YAML document that does not describe a valid rule or server configuration: unknown key,
/// wrong type, bad value (e.g. a reply code outside 200..599), or a YAML syntax error.
/// `what()` reads `<source>:<line>:<column>: <key>: <cause>`.
class YamlConfigError : public std::runtime_error {
public:
    /// `line` and `column` are 1-based (0 when unknown).
    YamlConfigError(std::string source, int line, int column, std::string key, std::string cause);
    const std::string& source() const { return _source; } ///< file name or the caller's label
    int line() const { return _line; }                    ///< 1-based line, 0 when unknown
    int column() const { return _column; }                ///< 1-based column, 0 when unknown
    const std::string& key() const { return _key; }       ///< dotted path, e.g. `rules[2].reply`
    const std::string& cause() const { return _cause; }   ///< what is wrong, without the place

private:
    std::string _source;
    int _line;
    int _column;
    std::string _key;
    std::string _cause;
};

/// One rule from a mapping with the keys `on` (required), `match`, `nth`, `times`, `scope`
/// (`session`|`global`), `reply` (`"451 4.7.1 text"`, a code, or `{code, text}` where text may be
/// a list of lines), `delay_ms`, `tarpit_ms`, `disconnect`, `close421`, `abort_after_bytes`,
/// `fail_tls`, `ehlo` (list of capability lines). `key` is the path used in errors (e.g.
/// `rules[0]`). Runs `Rule::validate()`. Throws YamlConfigError.
Rule ruleFromYaml(const YAML::Node& node, const std::string& source, const std::string& key = "rule");

/// A sequence of rule mappings, in order. Throws YamlConfigError.
std::vector<Rule> rulesFromYaml(const YAML::Node& node, const std::string& source,
                                const std::string& key = "rules");

/// Overlays the keys present in the mapping `node` onto `config` (absent keys keep their
/// values; `rules` are appended): `host`, `port`, `implicit_tls_port`, `hostname`, `tls`
/// (`{cert, key}` | `{self_signed: valid|expired|wrong_host}` | `self_signed`/`true` | `false`), `users` (name →
/// password), `allow_insecure_auth`, `require_auth`, `require_starttls`, `capabilities`
/// (`all` | `none` | a mapping of EHLO keywords to booleans, `auth: [mechanisms]`, `extra:
/// [lines]`), `limits` (snake_case `Limits` fields, times as `*_ms`), `rules`, `smuggling`
/// (`flag`|`reject`), `record_transcript`, `spool` (directory), `threading` (`event-loop` |
/// `thread-per-connection`). Relative paths (`tls.cert`,
/// `tls.key`, `spool`) are resolved against `baseDirectory` when it is not empty. Does not run
/// `ServerConfig::validate()` (rules are validated). Throws YamlConfigError.
void applyServerConfigYaml(ServerConfig& config, const YAML::Node& node, const std::string& source,
                           const std::string& baseDirectory = {});

/// `ServerConfig::plain()` with `node` applied, then validated (a failure is reported at
/// `node`'s position). Throws YamlConfigError.
ServerConfig serverConfigFromYaml(const YAML::Node& node, const std::string& source,
                                  const std::string& baseDirectory = {});

/// Reads and parses a YAML file; a missing file or a syntax error throws YamlConfigError with
/// the file name (and line).
YAML::Node loadYamlFile(const std::string& path);

/// What went wrong, in words, for an error yaml-cpp threw while reading a document: its message,
/// except for nesting deeper than yaml-cpp reads (where its own message is only "bad file"):
/// `nested more than N levels deep`. For errors that carry their own position (`error.mark`).
std::string yamlErrorCause(const YAML::Exception& error);

/// Applies a server configuration file to `config`: a mapping as in `applyServerConfigYaml`
/// (relative paths resolved against the file's directory), or a bare sequence of rules.
/// Does not validate the result. Throws YamlConfigError.
void applyServerConfigFile(ServerConfig& config, const std::string& path);

/// `ServerConfig::plain()` with the file applied, then validated. Throws YamlConfigError.
ServerConfig loadServerConfigFile(const std::string& path);

} // namespace mailrig::fake
