#include "mailrig/scenarios/ScenarioLoader.h"

#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

using namespace mailrig::scenario;
using mailrig::test::TempDir;
using mailrig::test::writeFile;

namespace {

/// Parses `yaml` as `case.yaml` with fixtures resolved in `dir` and returns the error it raises.
ScenarioError errorOf(const std::string& yaml, const TempDir& dir) {
    try {
        parseScenario(yaml, "case.yaml", dir.path(), dir.path());
    } catch (const ScenarioError& e) {
        return e;
    }
    BOOST_FAIL("expected a ScenarioError for:\n" + yaml);
    throw; // unreachable
}

const std::string kHeader = "name: t\ndescription: d\n";

} // namespace

BOOST_AUTO_TEST_SUITE(ScenarioLoader)

BOOST_AUTO_TEST_CASE(readsEveryPartOfAFullScenario) {
    TempDir dir;
    writeFile(dir.file("logo.png"), "PNG");
    writeFile(dir.file("golden.eml"), "Subject: x\r\n\r\nbody\r\n");
    const std::string yaml = kHeader + R"(covers: [send, html]
tags: fast
client:
  security: starttls
  user: alice
  password: secret
  retry: {attempts: 3, delay_ms: 5}
  connections: 2
steps:
  - send:
      from: Alice <alice@example.org>
      to: [bob@example.com, carol@example.com]
      bcc: dave@example.com
      subject: Hi
      html: "<img src='cid:logo'>"
      resources: [{file: logo.png, content_id: logo}]
      attachments: [{content: "a,b", name: data.csv, type: text/csv}]
      headers: {X-Test: one}
    expect: {error: {code: 550, class: permanent, text: "User.*unknown"}}
  - wait: {count: 1, timeout_ms: 100}
expect:
  count: 1
  messages:
    - envelope: {from: alice@example.org, to: [bob@example.com]}
      headers: {equal: {Subject: Hi}, absent: [Bcc]}
      mime: [{path: "", type: multipart/related}]
      text: {contains: [Hi]}
      attachments: [{name: data.csv, size: 3}]
      flags: {bare_lf: false}
      golden: golden.eml
  transcript: {contains: ["250 "]}
)";
    const Scenario s = parseScenario(yaml, "case.yaml", dir.path(), dir.path());
    BOOST_TEST(s.name == "t");
    BOOST_TEST(s.covers.size() == 2u);
    BOOST_TEST(s.tags.size() == 1u);
    BOOST_TEST(s.client.security == "starttls");
    BOOST_TEST(s.client.retry.attempts == 3);
    BOOST_TEST(s.client.connections == 2);
    BOOST_REQUIRE(s.steps.size() == 2u);
    BOOST_TEST(s.steps[0].message.to.size() == 2u);
    BOOST_TEST(s.steps[0].message.bcc.size() == 1u);
    BOOST_TEST(s.steps[0].message.resources.at(0).file == dir.file("logo.png"));
    BOOST_TEST(s.steps[0].message.headers.at(0).second == "one");
    BOOST_REQUIRE(s.steps[0].expect.has_value());
    BOOST_TEST(!s.steps[0].expect->ok);
    BOOST_TEST(*s.steps[0].expect->code == 550);
    BOOST_TEST(s.steps[0].where.line == 12);
    BOOST_TEST(s.steps[1].waitCount == 1u);
    BOOST_REQUIRE(s.expect.messages.has_value());
    const MessageCheck& m = s.expect.messages->at(0);
    BOOST_TEST(*m.envelopeFrom == "alice@example.org");
    BOOST_TEST(m.headersAbsent.at(0) == "Bcc");
    BOOST_TEST(m.golden == dir.file("golden.eml"));
    BOOST_TEST(m.flags.at(0).first == "bare_lf");
    BOOST_TEST(s.expect.transcript.contains.at(0) == "250 ");
}

BOOST_AUTO_TEST_CASE(unknownKeyNamesFileLineAndKeyPath) {
    TempDir dir;
    const auto e = errorOf(kHeader + "steps:\n  - send:\n      from: a@b.c\n      to: b@c.d\n      subjet: typo\n", dir);
    BOOST_TEST(e.file() == "case.yaml");
    BOOST_TEST(e.line() == 7);
    BOOST_TEST(e.key() == "steps[0].send.subjet");
    BOOST_TEST(std::string(e.what()).find("case.yaml:7:7: steps[0].send.subjet: unknown key") == 0);
    BOOST_TEST(std::string(e.what()).find("subject") != std::string::npos); // lists the known keys
}

BOOST_AUTO_TEST_CASE(wrongTypeNamesTheKey) {
    TempDir dir;
    const auto e = errorOf(kHeader + "client:\n  connections: many\nsteps: [{wait: {count: 0}}]\n", dir);
    BOOST_TEST(e.line() == 4);
    BOOST_TEST(e.key() == "client.connections");
    BOOST_TEST(e.cause().find("whole number") != std::string::npos);

    const auto list = errorOf(kHeader + "steps:\n  wait: {count: 1}\n", dir);
    BOOST_TEST(list.key() == "steps");
    BOOST_TEST(list.cause().find("expected a list") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dsnRequestsAreReadAndCheckedAtTheirKey) {
    TempDir dir;
    const auto scenario = parseScenario(kHeader + "client:\n  dsn: {ret: headers, envid: q1, notify: [success, delay]}\n"
                                                  "steps: [{wait: {count: 0}}]\n",
                                        "case.yaml", dir.path(), dir.path());
    BOOST_TEST(scenario.client.dsn.ret == "headers");
    BOOST_TEST(scenario.client.dsn.envelopeId == "q1");
    BOOST_TEST(scenario.client.dsn.notify == (std::vector<std::string>{"success", "delay"}));

    const auto unknown = errorOf(kHeader + "client:\n  dsn: {notify: [always]}\nsteps: [{wait: {count: 0}}]\n", dir);
    BOOST_TEST(unknown.key() == "client.dsn.notify");
    BOOST_TEST(unknown.cause().find("always") != std::string::npos);
    const auto never = errorOf(kHeader + "client:\n  dsn: {notify: [never, failure]}\nsteps: [{wait: {count: 0}}]\n", dir);
    BOOST_TEST(never.key() == "client.dsn.notify");
    const auto ret = errorOf(kHeader + "client:\n  dsn: {ret: body}\nsteps: [{wait: {count: 0}}]\n", dir);
    BOOST_TEST(ret.key() == "client.dsn.ret");
}

BOOST_AUTO_TEST_CASE(missingRequiredKeysAreErrors) {
    TempDir dir;
    BOOST_TEST(errorOf("name: t\nsteps: [{wait: {count: 0}}]\n", dir).key() == "description");
    BOOST_TEST(errorOf(kHeader, dir).key() == "steps");
    BOOST_TEST(errorOf(kHeader + "steps: [{send: {to: a@b.c}}]\n", dir).key() == "steps[0].send.from");
    BOOST_TEST(errorOf(kHeader + "steps: [{send: {from: a@b.c}}]\n", dir).key() == "steps[0].send.to");
    BOOST_TEST(errorOf(kHeader + "steps: [{nothing: 1}]\n", dir).key() == "steps[0].nothing");
}

BOOST_AUTO_TEST_CASE(missingFixtureIsAnErrorAtItsLine) {
    TempDir dir;
    const auto e = errorOf(kHeader + "steps:\n  - send_eml: eml/does-not-exist.eml\n", dir);
    BOOST_TEST(e.line() == 4);
    BOOST_TEST(e.key() == "steps[0].send_eml");
    BOOST_TEST(e.cause().find("does-not-exist.eml") != std::string::npos);
    BOOST_TEST(e.cause().find("not found") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(badValuesAreRejectedAtLoadTime) {
    TempDir dir;
    BOOST_TEST(errorOf(kHeader + "client: {security: ssl}\nsteps: [{wait: {count: 0}}]\n", dir).cause().find("none, starttls, tls, auto") != std::string::npos);
    BOOST_TEST(errorOf(kHeader + "steps: [{wait: {count: 0}}]\nexpect: {transcript: {matches: \"(\"}}\n", dir).cause().find("invalid regular expression") != std::string::npos);
    BOOST_TEST(errorOf(kHeader + "steps: [{wait: {count: 0}}]\nexpect: {client: maybe}\n", dir).key() == "expect.client");
    BOOST_TEST(errorOf(kHeader + "name: twice\nsteps: [{wait: {count: 0}}]\n", dir).cause() == "the key appears twice");
    BOOST_TEST(errorOf(kHeader + "steps: [{wait: {count: 0}, send_eml: x}]\n", dir).cause().find("one action") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(serverSectionErrorsComeFromTheServerReaderWithThePlace) {
    TempDir dir;
    const auto rule = errorOf(kHeader + "server:\n  rules:\n    - {on: RCPT, reply: \"999 nope\"}\nsteps: [{wait: {count: 0}}]\n", dir);
    BOOST_TEST(rule.file() == "case.yaml");
    BOOST_TEST(rule.line() == 5);
    BOOST_TEST(rule.key().find("server.rules[0]") == 0);

    const auto unknown = errorOf(kHeader + "server:\n  capabilities: {chunkin: false}\nsteps: [{wait: {count: 0}}]\n", dir);
    BOOST_TEST(unknown.line() == 4);
    BOOST_TEST(unknown.key().find("server.capabilities") == 0);

    const auto port = errorOf(kHeader + "server:\n  port: 2525\nsteps: [{wait: {count: 0}}]\n", dir);
    BOOST_TEST(port.key() == "server.port");
    BOOST_TEST(port.cause().find("ephemeral") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(yamlSyntaxErrorsCarryTheirLine) {
    TempDir dir;
    const auto e = errorOf(kHeader + "steps: [\n  {wait: {count: 1}\n", dir);
    BOOST_TEST(e.line() >= 3);
    BOOST_TEST(e.cause().find("not valid YAML") == 0);
}

BOOST_AUTO_TEST_CASE(nestingDeeperThanTheYamlReaderGoesIsALoadErrorSayingSo) {
    TempDir dir;
    const auto e = errorOf(kHeader + "steps: " + std::string(5000, '[') + std::string(5000, ']') + "\n", dir);
    BOOST_TEST(e.line() == 3);
    BOOST_TEST(e.cause().find("not valid YAML: nested more than ") == 0, e.what());
    BOOST_TEST(e.cause().find("levels deep") != std::string::npos, e.what());
}

BOOST_AUTO_TEST_CASE(anAppointmentTimeOutsideTheClocksYearsIsALoadErrorAtItsValue) {
    TempDir dir;
    const auto e = errorOf(kHeader + "steps:\n  - send:\n      from: a@b.c\n      to: b@c.d\n      appointment:\n"
                                     "        summary: s\n        organizer: a@b.c\n"
                                     "        start: 6561-12-01T09:00:00Z\n        end: 6561-12-01T10:00:00Z\n",
                           dir);
    BOOST_TEST(e.line() == 10);
    BOOST_TEST(e.cause().find("in the years 1678 to 2261, got '6561-12-01T09:00:00Z'") != std::string::npos, e.what());
}

BOOST_AUTO_TEST_CASE(aFixtureThatIsNotARegularFileIsALoadErrorSayingSo) {
    TempDir dir;
    for (const std::string& path : {std::string("/dev/zero"), dir.path()}) {
        const auto e = errorOf(kHeader + "steps:\n  - send: {eml: " + path + "}\n", dir);
        BOOST_TEST(e.line() == 4);
        BOOST_TEST(e.cause() == "fixture '" + path + "' is not a regular file (" + path + ")", e.what());
    }
}

BOOST_AUTO_TEST_CASE(anEnvelopeIdRfc3461ForbidsIsALoadErrorAtItsValue) {
    TempDir dir;
    const auto e = errorOf(kHeader + "client:\n  dsn: {envid: \"" + std::string(101, 'x') + "\"}\n" +
                               "steps:\n  - send: {from: a@b.c, to: d@e.f}\n",
                           dir);
    BOOST_TEST(e.key() == "client.dsn.envid");
    BOOST_TEST(e.cause().find("RFC 3461") != std::string::npos, e.cause());
}

BOOST_AUTO_TEST_CASE(badAddressesAreLoadErrorsAtTheirValue) {
    TempDir dir;
    const auto from = errorOf(kHeader + "steps:\n  - send: {from: \"not an address\", to: [bob@example.com]}\n", dir);
    BOOST_TEST(std::string(from.what()).find("case.yaml:4:18: steps[0].send.from: no mailbox address") == 0, from.what());

    const auto to = errorOf(kHeader + "steps:\n  - send:\n      from: a@b.c\n      to: [bob@example.com, nobody]\n", dir);
    BOOST_TEST(to.line() == 6);
    BOOST_TEST(to.column() == 29);
    BOOST_TEST(to.key() == "steps[0].send.to[1]");

    BOOST_TEST(errorOf(kHeader + "steps:\n  - send: {from: a@b.c, bcc: x}\n", dir).key() == "steps[0].send.bcc");
    const auto stray = errorOf(kHeader + "steps:\n  - send: {from: a@b.c, to: \"c@d.example>\"}\n", dir);
    BOOST_TEST(stray.key() == "steps[0].send.to");
    BOOST_TEST(stray.cause().find("not an address of the form a@b or Name <a@b>") != std::string::npos, stray.cause());
    BOOST_TEST(errorOf(kHeader + "steps:\n  - send: {from: a@b.c, to: a@b.c, reply_to: [x]}\n", dir).key() == "steps[0].send.reply_to[0]");
    BOOST_TEST(errorOf(kHeader + "steps:\n  - bulk: {messages: [{from: a@b.c, cc: \"@x\"}]}\n", dir).key() == "steps[0].bulk.messages[0].cc");

    const auto envelope = errorOf(kHeader + "steps:\n  - forward: {from: \"Relay <r@b.c>\", to: [x@y.z], eml: x}\n", dir);
    BOOST_TEST(envelope.key() == "steps[0].forward.from");
    BOOST_TEST(envelope.cause().find("not an envelope address") != std::string::npos);
    BOOST_TEST(errorOf(kHeader + "steps:\n  - send_raw: {from: r@b.c, to: [x], eml: x}\n", dir).key() == "steps[0].send_raw.to[0]");
}

BOOST_AUTO_TEST_CASE(implicitTlsWithoutItsListenerIsALoadError) {
    TempDir dir;
    const auto e = errorOf(kHeader + "client: {security: tls}\nsteps: [{wait: {count: 0}}]\n", dir);
    BOOST_TEST(e.key() == "client.security");
    BOOST_TEST(e.line() == 3);
    BOOST_TEST(e.cause().find("implicit-TLS listener") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(utf16And32FilesAreNamedByTheirByteOrderMark) {
    TempDir dir;
    const std::string yaml = kHeader + "steps: [{wait: {count: 0}}]\n";
    const std::vector<std::pair<std::string, std::string>> marks = {
        {"\xFF\xFE", "UTF-16 text (byte order mark FF FE)"},
        {"\xFE\xFF", "UTF-16 text (byte order mark FE FF)"},
        {std::string("\xFF\xFE\0\0", 4), "UTF-32 text (byte order mark FF FE 00 00)"},
        {std::string("\0\0\xFE\xFF", 4), "UTF-32 text (byte order mark 00 00 FE FF)"},
    };
    for (const auto& [mark, description] : marks)
        BOOST_TEST(std::string(errorOf(mark + yaml, dir).what()) == "case.yaml: " + description + "; scenario files are UTF-8");
    BOOST_TEST(parseScenario("\xEF\xBB\xBF" + yaml, "case.yaml", dir.path(), dir.path()).name == "t");
}

BOOST_AUTO_TEST_CASE(unreadableFileIsAnError) {
    TempDir dir;
    BOOST_CHECK_THROW(loadScenario(dir.file("absent.yaml")), ScenarioError);
}

BOOST_AUTO_TEST_CASE(aControlCharacterInAValueIsShownInTheErrorNotCuttingItShort) {
    TempDir dir;
    const auto e = errorOf(kHeader + "steps:\n  - send: {from: \"\\0 <a@b.c>\", to: [b@c.d]}\n", dir);
    const std::string what = e.what();
    BOOST_TEST(what.find("\\x00 <a@b.c>") != std::string::npos, what);
    BOOST_TEST(what.find('\0') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(findScenarioFilesExpandsDirectoriesSorted) {
    TempDir dir;
    writeFile(dir.file("b.yaml"), "");
    writeFile(dir.file("a.yml"), "");
    writeFile(dir.file("notes.txt"), "");
    const auto files = findScenarioFiles({dir.path()});
    BOOST_REQUIRE(files.size() == 2u);
    BOOST_TEST(files[0] == dir.file("a.yml"));
    BOOST_TEST(files[1] == dir.file("b.yaml"));
    BOOST_CHECK_THROW(findScenarioFiles({dir.file("missing")}), ScenarioError);
    // A broken link is listed, so that loading it says what is wrong; a pipe is named at once.
    std::filesystem::create_symlink(dir.file("gone.yaml"), dir.file("c.yaml"));
    BOOST_TEST(findScenarioFiles({dir.path()}).size() == 3u);
    BOOST_CHECK_THROW(loadScenario(dir.file("c.yaml")), ScenarioError);
    BOOST_REQUIRE(::mkfifo(dir.file("d.yaml").c_str(), 0600) == 0);
    try {
        findScenarioFiles({dir.path()});
        BOOST_FAIL("no error");
    } catch (const ScenarioError& e) {
        BOOST_TEST(e.file() == dir.file("d.yaml"));
        BOOST_TEST(e.cause().find("not a regular file") == 0u, e.cause());
    }
}

BOOST_AUTO_TEST_CASE(aScenarioFromAPipeIsReadAndOneThatNeverEndsStopsAtTheLimit) {
    BOOST_TEST(findScenarioFiles({"/dev/zero"}) == std::vector<std::string>{"/dev/zero"}, boost::test_tools::per_element());
    try {
        loadScenario("/dev/zero");
        BOOST_FAIL("no error");
    } catch (const ScenarioError& e) {
        BOOST_TEST(e.cause() == "cannot read the file: larger than 64 MiB, the most read into memory", e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()
