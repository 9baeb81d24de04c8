// YAML → Rule / ServerConfig: the same values C++ fills, and errors that name file, line and key.
#include "mailrig/fakeserver/ServerConfigYaml.h"
#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <yaml-cpp/yaml.h>

using namespace mailrig::fake;
using mailrig::test::TempDir;
using mailrig::test::writeFile;

namespace {

// Parses `text` as a server config and returns the error; fails the test when none is thrown.
YamlConfigError configError(const std::string& text) {
    try {
        serverConfigFromYaml(YAML::Load(text), "script.yaml");
    } catch (const YamlConfigError& e) {
        return e;
    }
    BOOST_FAIL("no error for:\n" << text);
    throw std::logic_error("unreachable");
}

void checkError(const std::string& text, int line, const std::string& key, const std::string& causePart) {
    const YamlConfigError e = configError(text);
    BOOST_TEST_CONTEXT(e.what()) {
        BOOST_TEST(e.source() == "script.yaml");
        BOOST_TEST(e.line() == line);
        BOOST_TEST(e.key() == key);
        BOOST_TEST(e.cause().find(causePart) != std::string::npos);
        BOOST_TEST(std::string(e.what()).rfind("script.yaml:" + std::to_string(line) + ":", 0) == 0u);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(RuleYamlTest)

BOOST_AUTO_TEST_CASE(nthWithoutTimesFiresOnThatOccurrenceOnly) {
    BOOST_TEST(ruleFromYaml(YAML::Load("{on: RCPT, nth: 2, reply: 550}"), "x").times == 1u);
    BOOST_TEST(ruleFromYaml(YAML::Load("{on: RCPT, nth: 2, times: 0, reply: 550}"), "x").times == 0u);
    BOOST_TEST(ruleFromYaml(YAML::Load("{on: RCPT, nth: 1, times: 3, reply: 550}"), "x").times == 3u);
    BOOST_TEST(ruleFromYaml(YAML::Load("{on: RCPT, reply: 550}"), "x").times == 0u); // every occurrence
}

BOOST_AUTO_TEST_CASE(greylistRuleReadsLikeTheCppValue) {
    Rule rule = ruleFromYaml(YAML::Load("{on: rcpt, match: x@example.com, nth: 1, times: 1, scope: global,"
                                        " reply: '451 4.7.1 Greylisted, try again'}"),
                             "inline");
    BOOST_TEST((rule.on == Phase::Rcpt));
    BOOST_TEST(rule.match == "x@example.com");
    BOOST_TEST(rule.nth == 1u);
    BOOST_TEST(rule.times == 1u);
    BOOST_TEST((rule.scope == Scope::Global));
    BOOST_REQUIRE(rule.action.reply.has_value());
    BOOST_TEST(rule.action.reply->code == 451);
    BOOST_TEST(rule.action.reply->text == "4.7.1 Greylisted, try again");
    BOOST_TEST(!rule.action.disconnect);
}

BOOST_AUTO_TEST_CASE(everyActionKeyFillsItsField) {
    Rule data = ruleFromYaml(YAML::Load("{on: DATA, nth: 2, abort_after_bytes: 100, delay_ms: 50, tarpit_ms: 20}"), "x");
    BOOST_TEST((data.on == Phase::Data));
    BOOST_TEST(data.nth == 2u);
    BOOST_TEST(*data.action.abortAfterBytes == 100u);
    BOOST_TEST(data.action.delay.count() == 50);
    BOOST_TEST(data.action.tarpit.count() == 20);

    Rule tls = ruleFromYaml(YAML::Load("{on: STARTTLS, fail_tls: true}"), "x");
    BOOST_TEST(tls.action.failTls);
    Rule greeting = ruleFromYaml(YAML::Load("{on: CONNECT, close421: yes}"), "x");
    BOOST_TEST(greeting.action.close421);
    Rule drop = ruleFromYaml(YAML::Load("{on: data-end, disconnect: true}"), "x");
    BOOST_TEST((drop.on == Phase::DataEnd));
    BOOST_TEST(drop.action.disconnect);
    Rule ehlo = ruleFromYaml(YAML::Load("{on: EHLO, ehlo: [SIZE 1000, 8BITMIME]}"), "x");
    BOOST_TEST(*ehlo.action.ehlo == (std::vector<std::string>{"SIZE 1000", "8BITMIME"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(replyAcceptsTextCodeAndMultiLineForms) {
    Rule byCode = ruleFromYaml(YAML::Load("{on: MAIL, reply: 550}"), "x");
    BOOST_TEST(byCode.action.reply->code == 550);
    BOOST_TEST(byCode.action.reply->text.empty());
    Rule lines = ruleFromYaml(YAML::Load("on: RCPT\nreply:\n  code: 550\n  text: [5.1.1 No such user, try another]\n"), "x");
    BOOST_TEST(lines.action.reply->text == "5.1.1 No such user\ntry another");
    Rule block = ruleFromYaml(YAML::Load("on: HELP\nreply: |\n  214 first line\n  second line\n"), "x");
    BOOST_TEST(block.action.reply->code == 214);
    BOOST_TEST(block.action.reply->text == "first line\nsecond line");
}

BOOST_AUTO_TEST_CASE(unknownRuleKeyNamesLineAndKey) {
    checkError("hostname: mx.test\nrules:\n  - on: RCPT\n    replay: 451 4.7.1 no\n", 4, "rules[0].replay", "unknown key");
}

BOOST_AUTO_TEST_CASE(wrongTypesAreErrors) {
    checkError("rules:\n  - {on: RCPT, nth: two, reply: 550}\n", 2, "rules[0].nth", "whole number");
    checkError("rules:\n  - {on: RCPT, disconnect: maybe}\n", 2, "rules[0].disconnect", "true or false");
    checkError("rules:\n  - on: RCPT\n    reply: 550\n    match: [a, b]\n", 4, "rules[0].match", "found a list");
    checkError("limits: {message_size: -5}\n", 1, "limits.message_size", "whole number");
    checkError("spool: \"\"\n", 1, "spool", "not an empty text");
    checkError("limits:\n  max_connections: 0\n", 2, "limits.max_connections", "must be at least 1");
    checkError("limits: {command_line_length: 10}\n", 1, "limits.command_line_length", "must be at least 64");
    checkError("port: 70000\n", 1, "port", "above the maximum");
    checkError("rules: {on: RCPT}\n", 1, "rules", "list of rules");
}

BOOST_AUTO_TEST_CASE(badReplyCodesAreErrors) {
    checkError("rules:\n  - {on: RCPT, reply: 45 too short}\n", 2, "rules[0].reply", "bad reply code `45`");
    checkError("rules:\n  - {on: RCPT, reply: 600 too high}\n", 2, "rules[0].reply", "200..599");
    checkError("rules:\n  - on: RCPT\n    reply: {code: 199}\n", 3, "rules[0].reply.code", "bad reply code");
    checkError("rules:\n  - on: RCPT\n    reply: {text: no code}\n", 3, "rules[0].reply.code", "missing");
}

BOOST_AUTO_TEST_CASE(unknownPhaseAndMissingOnAreErrors) {
    checkError("rules:\n  - {on: SEND, reply: 550}\n", 2, "rules[0].on", "unknown phase `SEND`");
    checkError("rules:\n  - {reply: 550}\n", 2, "rules[0].on", "missing");
}

BOOST_AUTO_TEST_CASE(ruleThatFailsValidationIsReportedAtTheRule) {
    checkError("rules:\n  - {on: RCPT}\n", 2, "rules[0]", "does nothing");
    checkError("rules:\n  - {on: RCPT, ehlo: [SIZE]}\n", 2, "rules[0]", "ehlo applies only to EHLO");
    checkError("rules:\n  - {on: MAIL, nth: 0, reply: 550}\n", 2, "rules[0].nth", "counts from 1");
}

BOOST_AUTO_TEST_CASE(unknownAndRepeatedServerKeysAreErrors) {
    checkError("hostname: a\ncapabilites: none\n", 2, "capabilites", "unknown key");
    checkError("capabilities: {chunking: false, bogus: true}\n", 1, "capabilities.bogus", "unknown key");
    checkError("limits:\n  message_size: 10\n  message_size: 20\n", 3, "limits.message_size", "given twice");
    checkError("capabilities: {auth: [PLAIN, NTLM]}\n", 1, "capabilities.auth", "unknown SASL mechanism `NTLM`");
    checkError("smuggling: ignore\n", 1, "smuggling", "flag or reject");
    checkError("threading: many\n", 1, "threading", "expected event-loop or thread-per-connection");
    checkError("event_loops: 65\n", 1, "event_loops", "65 is above the maximum 64");
    checkError("event_loops: two\n", 1, "event_loops", "expected a whole number 0..64");
    checkError("tls: {self_signed: stale}\n", 1, "tls.self_signed", "expected valid, expired or wrong_host");
    checkError("tls: {cert: a.pem}\n", 1, "tls", "both cert and key");
}

BOOST_AUTO_TEST_CASE(serverConfigFillsEveryField) {
    ServerConfig config = serverConfigFromYaml(YAML::Load(R"(
host: 127.0.0.1
port: 2526
implicit_tls_port: 4650
hostname: mx.test
tls: {self_signed: expired}
users: {alice: secret, bob: "pa:ss"}
allow_insecure_auth: true
require_auth: true
require_starttls: false
capabilities: {pipelining: false, chunking: off, 8bitmime: no, auth: [plain, cram-md5], extra: [X-TEST]}
limits: {message_size: 1000, oversize_discard: 5000, recipients_per_message: 3, command_timeout_ms: 1500, reject_overlong_lines: true}
smuggling: reject
record_transcript: false
threading: thread-per-connection
event_loops: 3
rules:
  - {on: CONNECT, reply: 421 4.3.2 Not today}
  - {on: STARTTLS, reply: 454 4.7.0 TLS not available}
)"), "inline", "/base");
    BOOST_TEST(config.port == 2526);
    BOOST_TEST(*config.implicitTlsPort == 4650);
    BOOST_TEST(config.hostname == "mx.test");
    BOOST_REQUIRE(config.tls.has_value());
    BOOST_TEST((config.tls->testCertificate == ServerCertificate::Expired));
    BOOST_TEST(config.users.at("bob") == "pa:ss");
    BOOST_TEST(config.allowInsecureAuth);
    BOOST_TEST(config.requireAuth);
    BOOST_TEST(!config.capabilities.pipelining);
    BOOST_TEST(!config.capabilities.chunking);
    BOOST_TEST(!config.capabilities.eightBitMime);
    BOOST_TEST(config.capabilities.smtpUtf8);
    BOOST_TEST(config.capabilities.authMechanisms == (std::vector<std::string>{"PLAIN", "CRAM-MD5"}),
               boost::test_tools::per_element());
    BOOST_TEST(config.capabilities.extra == std::vector<std::string>{"X-TEST"}, boost::test_tools::per_element());
    BOOST_TEST(config.limits.messageSize == 1000u);
    BOOST_TEST(config.limits.oversizeDiscard == 5000u);
    BOOST_TEST(config.limits.recipientsPerMessage == 3u);
    BOOST_TEST(config.limits.commandTimeout.count() == 1500);
    BOOST_TEST(config.limits.rejectOverlongLines);
    BOOST_TEST(config.limits.textLineLength == Limits{}.textLineLength);
    BOOST_TEST((config.smuggling == SmugglingPolicy::Reject));
    BOOST_TEST(!config.recordTranscript);
    BOOST_TEST((config.threading == Threading::ThreadPerConnection));
    BOOST_TEST(config.eventLoops == 3u);
    BOOST_REQUIRE(config.rules.size() == 2u);
    BOOST_TEST((config.rules[1].on == Phase::StartTls));
    BOOST_TEST(config.rules[1].action.reply->code == 454);
}

BOOST_AUTO_TEST_CASE(capabilityPresetNoneSwitchesEverythingOff) {
    ServerConfig config = serverConfigFromYaml(YAML::Load("capabilities: none\n"), "x");
    BOOST_TEST(!config.capabilities.pipelining);
    BOOST_TEST(config.capabilities.authMechanisms.empty());
}

BOOST_AUTO_TEST_CASE(filePathsResolveAgainstTheFilesDirectory) {
    TempDir dir;
    writeFile(dir.file("server.yaml"), "tls: {cert: certs/c.pem, key: /abs/k.pem}\nspool: out\n");
    ServerConfig config = loadServerConfigFile(dir.file("server.yaml"));
    BOOST_TEST(config.tls->certificateFile == dir.file("certs/c.pem"));
    BOOST_TEST(config.tls->privateKeyFile == "/abs/k.pem");
    BOOST_TEST(config.spoolDirectory == dir.file("out"));
}

BOOST_AUTO_TEST_CASE(aScriptNamedRelativelyResolvesItsPathsToAbsoluteOnes) {
    TempDir dir;
    writeFile(dir.file("server.yaml"), "tls: {cert: nope.pem, key: nope-key.pem}\n");
    const std::filesystem::path before = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    ServerConfig config;
    try {
        config = loadServerConfigFile("server.yaml");
    } catch (...) {
        std::filesystem::current_path(before);
        throw;
    }
    std::filesystem::current_path(before);
    BOOST_TEST(config.tls->certificateFile == dir.file("nope.pem"));
    BOOST_TEST(config.tls->privateKeyFile == dir.file("nope-key.pem"));
}

BOOST_AUTO_TEST_CASE(fileWithABareListHoldsRulesOnly) {
    TempDir dir;
    writeFile(dir.file("rules.yaml"), "- {on: RCPT, match: '*@bad.example', reply: 550 5.1.1 No}\n");
    ServerConfig config = loadServerConfigFile(dir.file("rules.yaml"));
    BOOST_REQUIRE(config.rules.size() == 1u);
    BOOST_TEST(config.rules[0].match == "*@bad.example");
}

BOOST_AUTO_TEST_CASE(syntaxErrorsAndMissingFilesNameTheFile) {
    TempDir dir;
    writeFile(dir.file("broken.yaml"), "rules:\n  - {on: RCPT\n");
    try {
        loadServerConfigFile(dir.file("broken.yaml"));
        BOOST_FAIL("no error");
    } catch (const YamlConfigError& e) {
        BOOST_TEST(e.source() == dir.file("broken.yaml"));
        BOOST_TEST(e.line() >= 2);
        BOOST_TEST(e.cause().find("YAML syntax") != std::string::npos, e.what());
    }
    BOOST_CHECK_EXCEPTION(loadServerConfigFile(dir.file("missing.yaml")), YamlConfigError,
                          [&](const YamlConfigError& e) {
                              return std::string(e.what()).find("missing.yaml: cannot read") != std::string::npos;
                          });
}

BOOST_AUTO_TEST_CASE(nestingDeeperThanTheYamlReaderGoesNamesTheFileAndTheCause) {
    TempDir dir;
    std::string deep = "- on: MAIL\n  match: ";
    for (int i = 0; i < 3000; ++i) deep += "{a: ";
    writeFile(dir.file("deep.yaml"), deep + "\n");
    try {
        loadServerConfigFile(dir.file("deep.yaml"));
        BOOST_FAIL("no error");
    } catch (const YamlConfigError& e) {
        BOOST_TEST(e.source() == dir.file("deep.yaml"));
        BOOST_TEST(e.line() == 2);
        BOOST_TEST(e.cause().find("YAML syntax: nested more than ") == 0, e.what());
    }
}

BOOST_AUTO_TEST_CASE(applyKeepsWhatTheYamlDoesNotMention) {
    ServerConfig config = ServerConfig::withAuth("carol", "pw");
    config.rules.push_back(ruleFromYaml(YAML::Load("{on: QUIT, delay_ms: 5}"), "x"));
    applyServerConfigYaml(config, YAML::Load("rules: [{on: NOOP, reply: 250 fine}]"), "x");
    BOOST_TEST(config.users.at("carol") == "pw");
    BOOST_TEST(config.tls.has_value());
    BOOST_REQUIRE(config.rules.size() == 2u);
    BOOST_TEST((config.rules[1].on == Phase::Noop));
}

BOOST_AUTO_TEST_CASE(tlsShorthandsSwitchTheTestCertificateOnAndOff) {
    ServerConfig on = serverConfigFromYaml(YAML::Load("tls: self_signed\n"), "x");
    BOOST_REQUIRE(on.tls.has_value());
    BOOST_TEST((on.tls->testCertificate == ServerCertificate::Valid));
    BOOST_TEST(on.tls->certificateFile.empty());
    BOOST_TEST(serverConfigFromYaml(YAML::Load("tls: true\n"), "x").tls.has_value());
    ServerConfig off = ServerConfig::withStartTls();
    applyServerConfigYaml(off, YAML::Load("tls: false\n"), "x");
    BOOST_TEST(!off.tls.has_value());
    checkError("tls: maybe\n", 1, "tls", "true or false");
}

BOOST_AUTO_TEST_SUITE_END()
