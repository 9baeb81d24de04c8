#include "ServeOptions.h"

#include "mailrig/fakeserver/ServerConfigYaml.h"

namespace mailrig::cli {

namespace {

/// The plain listener's port when neither --listen nor the script names one (a common
/// unprivileged stand-in for port 25).
constexpr std::uint16_t kDefaultPort = 2525;

ListenAddress parseListen(const std::string& option, const std::string& value) {
    std::string host;
    std::string port;
    if (!value.empty() && value.front() == '[') {
        const auto close = value.find("]:");
        if (close == std::string::npos) throw UsageError(option + ": expected [IPv6]:PORT, got '" + value + "'");
        host = value.substr(1, close - 1);
        port = value.substr(close + 2);
    } else {
        const auto colon = value.rfind(':');
        if (colon == std::string::npos || value.find(':') != colon)
            throw UsageError(option + ": expected HOST:PORT (e.g. 127.0.0.1:2525), got '" + value + "'");
        host = value.substr(0, colon);
        port = value.substr(colon + 1);
    }
    if (host.empty()) throw UsageError(option + ": missing host in '" + value + "' (use 127.0.0.1:PORT)");
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) > 65535)
        throw UsageError(option + ": port must be 0..65535, got '" + port + "'");
    return {host, static_cast<std::uint16_t>(std::stoul(port))};
}

std::size_t parseCount(const std::string& option, const std::string& value) {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos ||
        value.find_first_not_of('0') == std::string::npos)
        throw UsageError(option + ": expected a positive whole number, got '" + value + "'");
    if (value.size() > 9) throw UsageError(option + ": at most 999999999, got '" + value + "'");
    return std::stoul(value);
}

} // namespace

const char* serveUsage() {
    return "usage: mailrig serve [options]\n"
           "\n"
           "Runs the capturing fake SMTP server until SIGINT/SIGTERM (or --exit-after N messages).\n"
           "The first line printed is `listening on HOST:PORT`; with --tls-listen the second is\n"
           "`listening on HOST:PORT (implicit TLS)`; with --self-signed one more says\n"
           "`ca certificate PATH`. Then one line per captured message (unless --quiet).\n"
           "\n"
           "options:\n"
           "  --listen HOST:PORT      plain SMTP listener (default: the script's, else 127.0.0.1:2525;\n"
           "                          port 0 = any free port)\n"
           "  --tls-listen HOST:PORT  second listener speaking TLS from the first byte (like port 465)\n"
           "  --starttls              offer STARTTLS on the plain listener\n"
           "  --cert FILE --key FILE  PEM certificate (chain) and unencrypted private key for TLS\n"
           "  --self-signed           use a test CA and certificate for localhost/127.0.0.1 generated now\n"
           "  --auth USER:PASS        accept this account for AUTH (repeatable)\n"
           "  --allow-insecure-auth   offer AUTH before TLS too\n"
           "  --script FILE.yaml      server configuration and fault rules (see docs/serve.md)\n"
           "  --out DIR               spool each message as DIR/NNNNNN.eml + DIR/NNNNNN.json\n"
           "                          (atomic renames: a crash of mailrig never leaves a partial\n"
           "                          file; no fsync, so a crash of the machine may lose the newest)\n"
           "  --fsync                 with --out, fsync each file and the directory before the\n"
           "                          client gets its 250 (survives power loss; slow on real disks;\n"
           "                          each connection then gets its own thread)\n"
           "  --keep-in-memory        with --out, also hold every message in memory (default: a\n"
           "                          spooled message is dropped from memory once written)\n"
           "  --event-loops N         threads that accept and serve plain sessions (default: one\n"
           "                          per CPU, at most 2; 1 = every session on one thread)\n"
           "  --exit-after N          stop after N captured messages (for CI)\n"
           "  --quiet                 do not print a line per message\n"
           "  --help                  this text\n"
           "\n"
           "exit status: 0 stopped cleanly, 2 bad options or the server could not start\n";
}

ServeOptions parseServeOptions(const std::vector<std::string>& args) {
    ServeOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        std::optional<std::string> inlineValue;
        if (name.rfind("--", 0) == 0) {
            const auto equals = name.find('=');
            if (equals != std::string::npos) {
                inlineValue = name.substr(equals + 1);
                name = name.substr(0, equals);
            }
        }
        auto value = [&]() -> std::string {
            if (!inlineValue && i + 1 >= args.size()) throw UsageError(name + ": missing value");
            const std::string given = inlineValue ? *inlineValue : args[++i];
            if (given.empty()) throw UsageError(name + ": needs a value, not an empty one");
            return given;
        };
        auto flag = [&]() {
            if (inlineValue) throw UsageError(name + ": takes no value");
            return true;
        };
        if (name == "--help" || name == "-h") options.help = flag();
        else if (name == "--listen") options.listen = parseListen(name, value());
        else if (name == "--tls-listen") options.tlsListen = parseListen(name, value());
        else if (name == "--starttls") options.startTls = flag();
        else if (name == "--cert") options.certificateFile = value();
        else if (name == "--key") options.privateKeyFile = value();
        else if (name == "--self-signed") options.selfSigned = flag();
        else if (name == "--auth") {
            const std::string account = value();
            const auto colon = account.find(':');
            if (colon == std::string::npos || colon == 0)
                throw UsageError("--auth: expected USER:PASS, got '" + account + "'");
            options.users.emplace_back(account.substr(0, colon), account.substr(colon + 1));
        } else if (name == "--allow-insecure-auth") options.allowInsecureAuth = flag();
        else if (name == "--script") options.script = value();
        else if (name == "--out") options.outDirectory = value();
        else if (name == "--keep-in-memory") options.keepInMemory = flag();
        else if (name == "--fsync") options.fsync = flag();
        else if (name == "--exit-after") options.exitAfter = parseCount(name, value());
        else if (name == "--event-loops") {
            options.eventLoops = parseCount(name, value());
            if (*options.eventLoops > 64) throw UsageError("--event-loops: at most 64, got " + std::to_string(*options.eventLoops));
        }
        else if (name == "--quiet" || name == "-q") options.quiet = flag();
        else throw UsageError("unknown option '" + args[i] + "' (see mailrig serve --help)");
    }
    if (options.certificateFile.empty() != options.privateKeyFile.empty())
        throw UsageError(options.certificateFile.empty() ? "--key needs --cert" : "--cert needs --key");
    if (options.selfSigned && !options.certificateFile.empty())
        throw UsageError("give either --cert/--key or --self-signed, not both");
    if (options.script.empty() && !options.selfSigned && options.certificateFile.empty()) {
        if (options.startTls) throw UsageError("--starttls needs --cert and --key, or --self-signed");
        if (options.tlsListen) throw UsageError("--tls-listen needs --cert and --key, or --self-signed");
    }
    return options;
}

fake::ServerConfig buildServeConfig(ServeOptions& options) {
    fake::ServerConfig config = fake::ServerConfig::plain();
    config.port = kDefaultPort;
    if (!options.script.empty()) fake::applyServerConfigFile(config, options.script);
    if (options.listen) {
        config.host = options.listen->host;
        config.port = options.listen->port;
    }
    if (options.tlsListen) {
        if (options.tlsListen->host != config.host)
            throw UsageError("--tls-listen must use the same host as the plain listener (" + config.host + ")");
        config.implicitTlsPort = options.tlsListen->port;
    }
    const bool tlsFromCommandLine = options.selfSigned || !options.certificateFile.empty();
    if (options.selfSigned) config.tls = fake::TlsMaterial::selfSigned();
    if (!options.certificateFile.empty())
        config.tls = fake::TlsMaterial::files(options.certificateFile, options.privateKeyFile);
    // TLS material from the command line offers STARTTLS only when asked; a script decides itself.
    if (tlsFromCommandLine || options.startTls) config.capabilities.startTls = options.startTls;
    if ((options.startTls || options.tlsListen) && !config.tls)
        throw UsageError(std::string(options.startTls ? "--starttls" : "--tls-listen") +
                         " needs --cert and --key, --self-signed, or `tls:` in the script");
    for (const auto& [user, password] : options.users) config.users[user] = password;
    if (options.allowInsecureAuth) config.allowInsecureAuth = true;
    if (options.eventLoops) config.eventLoops = *options.eventLoops;
    if (options.outDirectory.empty()) options.outDirectory = config.spoolDirectory;
    config.spoolDirectory.clear();
    if (options.fsync && options.outDirectory.empty())
        throw UsageError("--fsync needs --out DIR (or `spool:` in the script): there is nothing to fsync");
    if (options.keepInMemory && options.outDirectory.empty())
        throw UsageError("--keep-in-memory needs --out DIR (or `spool:` in the script): without a spool every "
                         "message is held in memory already");
    // Each fsync waits for the disk; on the shared event loop that wait would hold up every
    // other session, on a thread of its own only the session whose message it is.
    if (options.fsync) config.threading = fake::Threading::ThreadPerConnection;
    return config;
}

} // namespace mailrig::cli
