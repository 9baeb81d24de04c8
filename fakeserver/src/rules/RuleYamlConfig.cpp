// applyServerConfigYaml and the file loaders: YAML mapping → ServerConfig.
#include "mailrig/fakeserver/ServerConfigYaml.h"
#include "mailrig/fakeserver/InputFile.h"
#include "rules/RuleYamlFields.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>

#include <filesystem>
#include <string_view>

namespace mailrig::fake {

namespace {

using detail::YamlFields;
using detail::yamlFail;

constexpr std::uint64_t kMaxSize = 1ULL << 40;
constexpr std::uint64_t kMaxMillis = 7ULL * 24 * 60 * 60 * 1000;

std::string resolve(const std::string& path, const std::string& baseDirectory) {
    if (baseDirectory.empty() || path.empty() || path.front() == '/') return path;
    return (std::filesystem::path(baseDirectory) / path).lexically_normal().string();
}

void applyTls(ServerConfig& config, const YamlFields& parent, const std::string& baseDirectory) {
    const YAML::Node node = parent.node("tls");
    const std::string key = parent.path("tls");
    if (node.IsScalar()) {
        // `tls: false` switches TLS off; `tls: self_signed` is the shorthand for the valid test certificate.
        const std::string value = node.Scalar();
        if (value == "self_signed" || value == "self-signed") {
            config.tls = TlsMaterial::selfSigned();
            return;
        }
        if (detail::yamlBoolean(node, parent.source(), key)) {
            config.tls = TlsMaterial::selfSigned();
            return;
        }
        config.tls.reset();
        return;
    }
    YamlFields tls(node, parent.source(), key, {"cert", "key", "self_signed"});
    if (tls.has("self_signed")) {
        if (tls.has("cert") || tls.has("key")) tls.fail("self_signed", "give either self_signed or cert and key");
        const std::string kind = tls.text("self_signed");
        if (kind == "valid" || kind == "true") config.tls = TlsMaterial::selfSigned(ServerCertificate::Valid);
        else if (kind == "expired") config.tls = TlsMaterial::selfSigned(ServerCertificate::Expired);
        else if (kind == "wrong_host") config.tls = TlsMaterial::selfSigned(ServerCertificate::WrongHost);
        else tls.fail("self_signed", "expected valid, expired or wrong_host, found `" + kind + "`");
        return;
    }
    if (!tls.has("cert") || !tls.has("key")) {
        yamlFail(node, parent.source(), key, "give both cert and key (PEM files), or self_signed");
    }
    config.tls = TlsMaterial::files(resolve(tls.text("cert"), baseDirectory), resolve(tls.text("key"), baseDirectory));
}

void applyUsers(ServerConfig& config, const YAML::Node& node, const std::string& source, const std::string& key) {
    if (!node.IsMap()) yamlFail(node, source, key, "expected a mapping of user name to password");
    for (const auto& entry : node) {
        const std::string user = detail::yamlText(entry.first, source, key);
        if (user.empty()) yamlFail(entry.first, source, key, "empty user name");
        config.users[user] = detail::yamlText(entry.second, source, key + "." + user);
    }
}

void applyCapabilities(Capabilities& caps, const YamlFields& parent) {
    const YAML::Node node = parent.node("capabilities");
    const std::string key = parent.path("capabilities");
    if (node.IsScalar()) {
        const std::string preset = node.Scalar();
        if (preset == "all") caps = Capabilities::all();
        else if (preset == "none") caps = Capabilities::none();
        else yamlFail(node, parent.source(), key, "expected all, none or a mapping, found `" + preset + "`");
        return;
    }
    YamlFields f(node, parent.source(), key,
                 {"pipelining", "size", "8bitmime", "smtputf8", "chunking", "binarymime", "dsn",
                  "enhancedstatuscodes", "starttls", "auth", "requiretls", "vrfy", "help", "extra"});
    const std::pair<const char*, bool*> switches[] = {
        {"pipelining", &caps.pipelining}, {"size", &caps.size},     {"8bitmime", &caps.eightBitMime},
        {"smtputf8", &caps.smtpUtf8},     {"chunking", &caps.chunking}, {"binarymime", &caps.binaryMime},
        {"dsn", &caps.dsn}, {"enhancedstatuscodes", &caps.enhancedStatusCodes}, {"starttls", &caps.startTls},
        {"requiretls", &caps.requireTls}, {"vrfy", &caps.vrfy},     {"help", &caps.help},
    };
    for (const auto& [name, flag] : switches)
        if (f.has(name)) *flag = f.boolean(name);
    if (f.has("auth")) {
        const YAML::Node auth = f.node("auth");
        if (auth.IsScalar() && (auth.Scalar() == "false" || auth.Scalar() == "no" || auth.Scalar() == "off")) {
            caps.authMechanisms.clear();
        } else {
            caps.authMechanisms.clear();
            for (std::string mechanism : f.list("auth")) {
                for (auto& c : mechanism) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                if (mechanism != "PLAIN" && mechanism != "LOGIN" && mechanism != "CRAM-MD5" && mechanism != "XOAUTH2")
                    f.fail("auth", "unknown SASL mechanism `" + mechanism + "` (known: PLAIN, LOGIN, CRAM-MD5, XOAUTH2)");
                caps.authMechanisms.push_back(mechanism);
            }
        }
    }
    if (f.has("extra")) {
        caps.extra = f.list("extra");
        for (const auto& line : caps.extra)
            if (line.empty() || line.find_first_of("\r\n") != std::string::npos)
                f.fail("extra", "each capability line must be non-empty and on one line");
    }
}

void applyLimits(Limits& limits, const YamlFields& parent) {
    YamlFields f(parent.node("limits"), parent.source(), parent.path("limits"),
                 {"command_line_length", "parameter_allowance", "auth_line_length", "text_line_length",
                  "reject_overlong_lines", "message_size", "oversize_discard", "recipients_per_message",
                  "messages_per_session",
                  "command_timeout_ms", "data_block_timeout_ms", "idle_timeout_ms", "max_connections",
                  "max_bad_commands", "max_auth_failures"});
    const std::pair<const char*, std::size_t*> sizes[] = {
        {"command_line_length", &limits.commandLineLength}, {"parameter_allowance", &limits.parameterAllowance},
        {"auth_line_length", &limits.authLineLength},       {"text_line_length", &limits.textLineLength},
        {"message_size", &limits.messageSize},              {"oversize_discard", &limits.oversizeDiscard},
        {"recipients_per_message", &limits.recipientsPerMessage},
        {"messages_per_session", &limits.messagesPerSession}, {"max_connections", &limits.maxConnections},
        {"max_bad_commands", &limits.maxBadCommands},       {"max_auth_failures", &limits.maxAuthFailures},
    };
    // The smallest values ServerConfig::validate() accepts, checked here at their key.
    const std::pair<const char*, std::size_t> minimums[] = {{"command_line_length", Limits::kMinCommandLineLength},
                                                            {"auth_line_length", Limits::kMinCommandLineLength},
                                                            {"text_line_length", Limits::kMinTextLineLength},
                                                            {"max_connections", Limits::kMinMaxConnections}};
    for (const auto& [name, field] : sizes) {
        if (!f.has(name)) continue;
        *field = static_cast<std::size_t>(f.number(name, kMaxSize));
        for (const auto& [limited, minimum] : minimums)
            if (std::string_view(name) == limited && *field < minimum)
                f.fail(name, "must be at least " + std::to_string(minimum));
    }
    const std::pair<const char*, std::chrono::milliseconds*> times[] = {
        {"command_timeout_ms", &limits.commandTimeout},
        {"data_block_timeout_ms", &limits.dataBlockTimeout},
        {"idle_timeout_ms", &limits.idleTimeout},
    };
    for (const auto& [name, field] : times)
        if (f.has(name)) {
            *field = std::chrono::milliseconds(f.number(name, kMaxMillis));
            if (field->count() == 0) f.fail(name, "must be at least 1 millisecond");
        }
    if (f.has("reject_overlong_lines")) limits.rejectOverlongLines = f.boolean("reject_overlong_lines");
}

} // namespace

void applyServerConfigYaml(ServerConfig& config, const YAML::Node& node, const std::string& source,
                           const std::string& baseDirectory) {
    YamlFields f(node, source, "",
                 {"host", "port", "implicit_tls_port", "hostname", "tls", "users", "allow_insecure_auth",
                  "require_auth", "require_starttls", "capabilities", "limits", "rules", "smuggling",
                  "record_transcript", "spool", "threading", "event_loops"});
    if (f.has("host")) config.host = f.text("host");
    if (f.has("port")) config.port = static_cast<std::uint16_t>(f.number("port", 65535));
    if (f.has("implicit_tls_port"))
        config.implicitTlsPort = static_cast<std::uint16_t>(f.number("implicit_tls_port", 65535));
    if (f.has("hostname")) {
        config.hostname = f.text("hostname");
        if (config.hostname.empty() || config.hostname.find_first_of(" \t\r\n") != std::string::npos)
            f.fail("hostname", "must be one word without spaces");
    }
    if (f.has("tls")) applyTls(config, f, baseDirectory);
    if (f.has("users")) applyUsers(config, f.node("users"), source, "users");
    if (f.has("allow_insecure_auth")) config.allowInsecureAuth = f.boolean("allow_insecure_auth");
    if (f.has("require_auth")) config.requireAuth = f.boolean("require_auth");
    if (f.has("require_starttls")) config.requireStartTls = f.boolean("require_starttls");
    if (f.has("capabilities")) applyCapabilities(config.capabilities, f);
    if (f.has("limits")) applyLimits(config.limits, f);
    if (f.has("rules"))
        for (auto& rule : rulesFromYaml(f.node("rules"), source, "rules")) config.rules.push_back(std::move(rule));
    if (f.has("smuggling")) {
        const std::string policy = f.text("smuggling");
        if (policy == "flag") config.smuggling = SmugglingPolicy::Flag;
        else if (policy == "reject") config.smuggling = SmugglingPolicy::Reject;
        else f.fail("smuggling", "expected flag or reject, found `" + policy + "`");
    }
    if (f.has("threading")) {
        const std::string threading = f.text("threading");
        if (threading == "event-loop") config.threading = Threading::EventLoop;
        else if (threading == "thread-per-connection") config.threading = Threading::ThreadPerConnection;
        else f.fail("threading", "expected event-loop or thread-per-connection, found `" + threading + "`");
    }
    if (f.has("event_loops")) config.eventLoops = static_cast<std::size_t>(f.number("event_loops", 64));
    if (f.has("record_transcript")) config.recordTranscript = f.boolean("record_transcript");
    if (f.has("spool")) {
        const std::string spool = f.text("spool");
        if (spool.empty()) f.fail("spool", "needs a directory, not an empty text");
        config.spoolDirectory = resolve(spool, baseDirectory);
    }
}

ServerConfig serverConfigFromYaml(const YAML::Node& node, const std::string& source, const std::string& baseDirectory) {
    ServerConfig config = ServerConfig::plain();
    applyServerConfigYaml(config, node, source, baseDirectory);
    try {
        config.validate();
    } catch (const std::invalid_argument& e) {
        yamlFail(node, source, "", e.what());
    }
    return config;
}

YAML::Node loadYamlFile(const std::string& path) {
    std::string text;
    try {
        text = readInputFile(path, kMaxTextInput);
    } catch (const InputFileError& e) {
        throw YamlConfigError(path, 0, 0, "", "cannot read: " + e.cause());
    }
    try {
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw YamlConfigError(path, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.column >= 0 ? e.mark.column + 1 : 0,
                              "", "YAML syntax: " + yamlErrorCause(e));
    }
}

std::string yamlErrorCause(const YAML::Exception& error) {
    if (const auto* deep = dynamic_cast<const YAML::DeepRecursion*>(&error))
        return "nested more than " + std::to_string(deep->depth() - 1) + " levels deep";
    return error.msg;
}

void applyServerConfigFile(ServerConfig& config, const std::string& path) {
    const YAML::Node root = loadYamlFile(path);
    // Absolute, so that a path resolved against it still says where it points in messages
    // (`nope.pem` of a script given as `s.yaml` is `/where/it/is/nope.pem`).
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(path, error);
    if (error) absolute = path;
    const std::string base = absolute.parent_path().string();
    if (root.IsSequence()) {
        for (auto& rule : rulesFromYaml(root, path, "rules")) config.rules.push_back(std::move(rule));
        return;
    }
    if (root.IsNull()) return; // an empty file changes nothing
    applyServerConfigYaml(config, root, path, base.empty() ? "." : base);
}

ServerConfig loadServerConfigFile(const std::string& path) {
    ServerConfig config = ServerConfig::plain();
    applyServerConfigFile(config, path);
    try {
        config.validate();
    } catch (const std::invalid_argument& e) {
        throw YamlConfigError(path, 0, 0, "", e.what());
    }
    return config;
}

} // namespace mailrig::fake
