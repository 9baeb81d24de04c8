#include "mailrig/scenarios/ScenarioLoader.h"

#include "detail/AddressReader.h"
#include "detail/ExpectationReader.h"
#include "detail/MessageReader.h"
#include "detail/ReadContext.h"
#include "detail/ServerSection.h"
#include "mailrig/fakeserver/ServerConfigYaml.h"
#include "mailrig/fakeserver/InputFile.h"
#include "mailrig/scenarios/SuiteLocation.h"

#include <algorithm>
#include <filesystem>

namespace mailrig::scenario {

namespace fs = std::filesystem;
using detail::failAt;
using detail::MapReader;
using detail::NodePlace;
using detail::ReadContext;

std::string toString(StepKind kind) {
    switch (kind) {
    case StepKind::Send: return "send";
    case StepKind::SendEml: return "send_eml";
    case StepKind::Bulk: return "bulk";
    case StepKind::Forward: return "forward";
    case StepKind::ForwardStream: return "forward_stream";
    case StepKind::SendAsync: return "send_async";
    case StepKind::Pickup: return "pickup";
    case StepKind::Wait: return "wait";
    case StepKind::SendRaw: return "send_raw";
    }
    return "?";
}

namespace {

const std::vector<std::pair<std::string, StepKind>> kStepNames = {
    {"send", StepKind::Send},       {"send_eml", StepKind::SendEml},
    {"bulk", StepKind::Bulk},       {"forward", StepKind::Forward},
    {"forward_stream", StepKind::ForwardStream}, {"send_async", StepKind::SendAsync},
    {"pickup", StepKind::Pickup},   {"wait", StepKind::Wait},
    {"send_raw", StepKind::SendRaw},
};

ClientSpec readClient(const YAML::Node& node, const NodePlace& place) {
    MapReader map(node, place);
    ClientSpec client;
    client.security = map.choice("security", {"none", "starttls", "tls", "auto"}).value_or("none");
    client.user = map.text("user").value_or("");
    client.password = map.text("password").value_or("");
    client.authMechanisms = map.list("auth_mechanisms");
    for (const auto& mechanism : client.authMechanisms)
        if (mechanism != "PLAIN" && mechanism != "LOGIN" && mechanism != "CRAM-MD5" && mechanism != "XOAUTH2")
            failAt(node, map.child("auth_mechanisms"), "unknown mechanism '" + mechanism +
                                                           "' (PLAIN, LOGIN, CRAM-MD5, XOAUTH2)");
    client.verifyCertificate = map.flag("verify_certificate").value_or(true);
    client.allowPlaintextFallback = map.flag("allow_plaintext").value_or(false);
    client.connections = static_cast<int>(map.integer("connections", 1, 64).value_or(1));
    client.tnef = map.flag("tnef").value_or(false);
    client.stopOnFirstFailure = map.flag("stop_on_first_failure").value_or(false);
    client.chunking = map.flag("chunking").value_or(false);
    client.pipelining = map.flag("pipelining").value_or(true);
    client.resentHeaders = map.flag("resent_headers").value_or(false);
    client.timeoutMs = static_cast<int>(map.integer("timeout_ms", 1, 600000).value_or(5000));
    client.greetingTimeoutMs = static_cast<int>(map.integer("greeting_timeout_ms", 1, 600000).value_or(5000));
    client.ehloName = map.text("ehlo_name").value_or("");
    auto [retry, retryPlace] = map.take("retry");
    if (retry.IsDefined()) {
        MapReader r(retry, retryPlace);
        client.retry.attempts = static_cast<int>(r.integer("attempts", 1, 100).value_or(1));
        client.retry.delayMs = static_cast<int>(r.integer("delay_ms", 0, 60000).value_or(10));
        r.finish();
    }
    auto [dsn, dsnPlace] = map.take("dsn");
    if (dsn.IsDefined()) {
        MapReader d(dsn, dsnPlace);
        client.dsn.ret = d.choice("ret", {"full", "headers"}).value_or("");
        client.dsn.envelopeId = d.text("envid").value_or("");
        const std::string& envid = client.dsn.envelopeId;
        if (envid.size() > 100 ||
            std::any_of(envid.begin(), envid.end(), [](unsigned char c) { return c < 0x20 || c > 0x7E; }))
            failAt(dsn, d.child("envid"), "an envelope id is 1 to 100 printable US-ASCII characters (RFC 3461 4.4)");
        client.dsn.notify = d.list("notify");
        client.dsn.orcpt = d.flag("orcpt").value_or(false);
        for (const auto& value : client.dsn.notify)
            if (value != "success" && value != "failure" && value != "delay" && value != "never")
                failAt(dsn, d.child("notify"), "unknown NOTIFY value '" + value + "' (success, failure, delay, never)");
        const bool never = std::find(client.dsn.notify.begin(), client.dsn.notify.end(), "never") != client.dsn.notify.end();
        if (never && client.dsn.notify.size() > 1)
            failAt(dsn, d.child("notify"), "`never` excludes success, failure and delay (RFC 3461 4.1)");
        d.finish();
    }
    client.port = map.choice("port", {"plain", "tls"});
    map.finish();
    if (!client.password.empty() && client.user.empty())
        failAt(node, map.child("user"), "`password` is given without `user`");
    return client;
}

Step readStep(const YAML::Node& node, const NodePlace& place, const ReadContext& context) {
    MapReader map(node, place);
    Step step;
    step.where = detail::sourceLine(node, place);
    std::string kindName;
    for (const auto& [name, kind] : kStepNames) {
        if (!map.has(name)) continue;
        if (!kindName.empty()) failAt(node, place, "a step holds one action, found both `" + kindName + "` and `" + name + "`");
        kindName = name;
        step.kind = kind;
    }
    if (kindName.empty()) {
        for (const auto& [name, kind] : kStepNames) map.take(name);
        map.take("expect");
        map.finish();
        failAt(node, place, "a step needs an action: send, send_eml, bulk, forward, forward_stream, send_async, pickup, wait or send_raw");
    }
    auto [body, bodyPlace] = map.take(kindName);
    auto [expect, expectPlace] = map.take("expect");
    if (expect.IsDefined()) step.expect = detail::readOutcome(expect, expectPlace);
    map.finish();
    step.where.key = bodyPlace.path;

    switch (step.kind) {
    case StepKind::Send:
    case StepKind::SendAsync:
    case StepKind::Pickup:
        if (step.kind == StepKind::SendAsync && body.IsMap() && body["cancel"]) {
            // `cancel` sits beside the message keys; read it on a copy without that key.
            YAML::Node copy = YAML::Clone(body);
            step.cancel = detail::scalarBool(copy["cancel"], {bodyPlace.file, bodyPlace.path + ".cancel"});
            copy.remove("cancel");
            step.message = detail::readMessage(copy, bodyPlace, context);
        } else {
            step.message = detail::readMessage(body, bodyPlace, context);
        }
        break;
    case StepKind::SendEml: {
        if (body.IsScalar()) {
            step.message.eml = context.fixture(body, bodyPlace, body.Scalar());
            step.message.where = detail::sourceLine(body, bodyPlace);
        } else {
            step.message = detail::readMessage(body, bodyPlace, context);
            if (step.message.eml.empty()) failAt(body, bodyPlace, "send_eml takes a fixture path or `{eml: FILE}`");
        }
        break;
    }
    case StepKind::Bulk: {
        MapReader b(body, bodyPlace);
        auto [messages, messagesPlace] = b.take("messages");
        if (!messages.IsDefined()) failAt(body, messagesPlace, "this key is required");
        for (const auto& [item, itemPlace] : detail::listItems(messages, messagesPlace))
            step.messages.push_back(detail::readMessage(item, itemPlace, context));
        if (step.messages.empty()) failAt(messages, messagesPlace, "a bulk step needs at least one message");
        b.finish();
        break;
    }
    case StepKind::Forward:
    case StepKind::ForwardStream:
    case StepKind::SendRaw: {
        MapReader f(body, bodyPlace);
        step.sender = detail::envelopeAddress(f, "from");
        step.recipients = detail::envelopeAddressList(f, "to");
        if (step.recipients.empty()) failAt(body, f.child("to"), "a forward needs at least one recipient in `to`");
        if (step.kind == StepKind::ForwardStream || step.kind == StepKind::SendRaw) {
            if (!f.has("eml")) failAt(body, f.child("eml"), "this key is required (the fixture to stream)");
            step.file = context.fixtureKey(f, "eml");
        } else {
            const bool hasEml = f.has("eml"), hasMessage = f.has("message");
            if (hasEml == hasMessage) failAt(body, bodyPlace, "a forward takes either `eml: FILE` or `message: {...}`");
            step.message.eml = context.fixtureKey(f, "eml");
            auto [message, messagePlace] = f.take("message");
            if (message.IsDefined()) step.message = detail::readMessage(message, messagePlace, context);
        }
        f.finish();
        break;
    }
    case StepKind::Wait: {
        MapReader w(body, bodyPlace);
        auto count = w.integer("count", 0, 1000000);
        if (!count) failAt(body, w.child("count"), "this key is required");
        step.waitCount = static_cast<std::size_t>(*count);
        step.waitTimeoutMs = static_cast<int>(w.integer("timeout_ms", 1, 600000).value_or(5000));
        w.finish();
        break;
    }
    }
    return step;
}

Scenario readScenario(const YAML::Node& root, const ReadContext& context) {
    NodePlace rootPlace{context.file, ""};
    if (!root.IsDefined() || root.IsNull()) throw ScenarioError(context.file, 0, 0, "", "the file is empty");
    MapReader map(root, rootPlace);
    Scenario scenario;
    scenario.file = context.file;
    scenario.directory = context.baseDirectory;
    scenario.name = map.requiredText("name");
    const YAML::Node nameNode = root["name"];
    if (nameNode.Mark().line >= 0) {
        scenario.nameLine = nameNode.Mark().line + 1;
        scenario.nameColumn = nameNode.Mark().column + 1;
    }
    scenario.description = map.requiredText("description");
    scenario.covers = map.list("covers");
    scenario.tags = map.list("tags");
    auto [server, serverPlace] = map.take("server");
    bool implicitTlsListener = false;
    if (server.IsDefined()) {
        implicitTlsListener = detail::readServerSection(server, serverPlace, context.baseDirectory).implicitTlsPort.has_value();
        scenario.server = server;
    }
    auto [client, clientPlace] = map.take("client");
    if (client.IsDefined()) {
        scenario.client = readClient(client, clientPlace);
        const bool implicit = scenario.client.port ? *scenario.client.port == "tls" : scenario.client.security == "tls";
        if (implicit && !implicitTlsListener) {
            const std::string key = scenario.client.port ? "port" : "security";
            failAt(client[key], {context.file, clientPlace.path + "." + key},
                   "implicit TLS needs an implicit-TLS listener in `server:` (implicit_tls_port)");
        }
    }
    auto [steps, stepsPlace] = map.take("steps");
    if (!steps.IsDefined()) failAt(root, stepsPlace, "this key is required");
    for (const auto& [item, itemPlace] : detail::listItems(steps, stepsPlace))
        scenario.steps.push_back(readStep(item, itemPlace, context));
    if (scenario.steps.empty()) failAt(steps, stepsPlace, "a scenario needs at least one step");
    auto [expect, expectPlace] = map.take("expect");
    if (expect.IsDefined()) scenario.expect = detail::readExpectations(expect, expectPlace, context);
    map.finish();
    return scenario;
}

/// The encoding a byte order mark at the start of `text` announces, other than UTF-8
/// (`UTF-16 text (byte order mark FF FE)`); empty when there is none.
std::string foreignByteOrderMark(const std::string& text) {
    static const std::vector<std::pair<std::string, std::string>> kMarks = {
        // UTF-32 LE starts like UTF-16 LE: test it first.
        {std::string("\xFF\xFE\0\0", 4), "UTF-32 text (byte order mark FF FE 00 00)"},
        {std::string("\0\0\xFE\xFF", 4), "UTF-32 text (byte order mark 00 00 FE FF)"},
        {"\xFF\xFE", "UTF-16 text (byte order mark FF FE)"},
        {"\xFE\xFF", "UTF-16 text (byte order mark FE FF)"},
    };
    for (const auto& [mark, description] : kMarks)
        if (text.compare(0, mark.size(), mark) == 0) return description;
    return {};
}

} // namespace

Scenario parseScenario(const std::string& yaml, const std::string& name, const std::string& baseDirectory,
                       const std::string& fixturesDirectory) {
    ReadContext context{name, baseDirectory,
                        fixturesDirectory.empty() ? defaultFixturesDirectory() : fixturesDirectory};
    const std::string foreign = foreignByteOrderMark(yaml);
    if (!foreign.empty()) throw ScenarioError(name, 0, 0, "", foreign + "; scenario files are UTF-8");
    YAML::Node root;
    try {
        const bool utf8Mark = yaml.compare(0, 3, "\xEF\xBB\xBF") == 0;
        root = YAML::Load(utf8Mark ? yaml.substr(3) : yaml);
    } catch (const YAML::Exception& e) {
        throw ScenarioError(name, e.mark.line + 1, e.mark.column + 1, "", "not valid YAML: " + fake::yamlErrorCause(e));
    }
    try {
        return readScenario(root, context);
    } catch (const YAML::Exception& e) {
        throw ScenarioError(name, e.mark.line + 1, e.mark.column + 1, "", e.msg);
    }
}

Scenario loadScenario(const std::string& path, const std::string& fixturesDirectory) {
    std::string text;
    try {
        text = fake::readInputFile(path, fake::kMaxTextInput);
    } catch (const fake::InputFileError& e) {
        throw ScenarioError(path, 0, 0, "", "cannot read the file: " + e.cause());
    }
    const std::string base = fs::absolute(fs::path(path)).parent_path().string();
    return parseScenario(text, path, base, fixturesDirectory);
}

std::vector<std::string> findScenarioFiles(const std::vector<std::string>& paths) {
    std::vector<std::string> files;
    for (const auto& path : paths) {
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            std::vector<std::string> found;
            for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
                const auto extension = it->path().extension().string();
                if (extension != ".yaml" && extension != ".yml") continue;
                std::error_code statusError;
                const auto status = it->status(statusError);
                if (fs::is_directory(status)) continue;
                // A broken link is listed (loading it then says why); a pipe or a device in a
                // folder of scenarios would block or never end, so it is named instead.
                if (!fs::is_regular_file(status) && fs::exists(status))
                    throw ScenarioError(it->path().string(), 0, 0, "",
                                        "not a regular file (a pipe, socket or device) in a folder of scenarios");
                found.push_back(it->path().string());
            }
            if (ec) throw ScenarioError(path, 0, 0, "", "cannot list the directory: " + ec.message());
            if (found.empty()) throw ScenarioError(path, 0, 0, "", "the directory holds no *.yaml scenario");
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(path, ec)) {
            files.push_back(path); // a file, or a pipe such as <(generate-scenario): read bounded
        } else {
            throw ScenarioError(path, 0, 0, "", "no such file or directory");
        }
    }
    return files;
}

} // namespace mailrig::scenario
