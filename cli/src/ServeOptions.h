#pragma once
// `mailrig serve` options: parsed from the command line, then turned into a ServerConfig.

#include "mailrig/fakeserver/ServerConfig.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mailrig::cli {

/// A command-line mistake: the message says which option and why (exit status 2).
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A listen address as given: `HOST:PORT` or `[IPv6]:PORT`.
struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;
};

/// Everything `mailrig serve` was asked to do.
struct ServeOptions {
    bool help = false;
    std::optional<ListenAddress> listen; ///< default: the script's host/port, else 127.0.0.1:2525
    std::optional<ListenAddress> tlsListen;
    bool startTls = false;
    std::string certificateFile;
    std::string privateKeyFile;
    bool selfSigned = false;
    std::vector<std::pair<std::string, std::string>> users;
    bool allowInsecureAuth = false;
    std::string script;
    std::string outDirectory;
    /// With a spool (`--out` or the script's `spool:`), still hold every message in the store;
    /// otherwise a spooled message is dropped once written (`fake::Retention::KeepNone`).
    bool keepInMemory = false;
    /// `--fsync`: the spool fsyncs each file and the directory before the `250`
    /// (`fake::SpoolDurability::Fsync`); otherwise it only renames (`RenameOnly`).
    bool fsync = false;
    std::size_t exitAfter = 0; ///< 0 = run until a signal
    /// `--event-loops N` (1..64): `ServerConfig::eventLoops`; unset = the script's, else automatic.
    std::optional<std::size_t> eventLoops;
    bool quiet = false;
};

/// Parses the arguments after `serve`. Throws UsageError naming the option.
ServeOptions parseServeOptions(const std::vector<std::string>& args);

/// Builds the server configuration: the default listener 127.0.0.1:2525, then `--script` (if
/// given), then the command-line options on top. The spool directory is left empty: the caller spools `outDirectory` itself (the
/// script's `spool:` moves into `options.outDirectory` when `--out` is absent). Throws
/// UsageError for contradictory options (`--fsync` without a spool among
/// them) and YamlConfigError for a bad script.
fake::ServerConfig buildServeConfig(ServeOptions& options);

/// The `--help` text.
const char* serveUsage();

} // namespace mailrig::cli
