#include "mailrig/scenarios/Runner.h"
#include "mailrig/scenarios/ScenarioLoader.h"

#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <string>

using namespace mailrig::scenario;
using mailrig::test::TempDir;
using mailrig::test::readFile;
using mailrig::test::writeFile;

namespace {

ScenarioResult runYaml(const std::string& yaml, const RunOptions& options = {}) {
    return runScenario(parseScenario(yaml, "case.yaml", MAILRIG_FIXTURES_DIR, MAILRIG_FIXTURES_DIR), options);
}

std::string allMismatches(const ScenarioResult& r) {
    std::string text = r.error;
    for (const auto& m : r.mismatches) text += "\n" + m.check + ": expected " + m.expected + " / captured " + m.actual;
    return text;
}

const std::string kSend = R"(name: t
description: d
steps:
  - send: {from: alice@example.org, to: [bob@example.com], subject: Hello, text: Hi Bob}
)";

} // namespace

BOOST_AUTO_TEST_SUITE(Runner)

BOOST_AUTO_TEST_CASE(passingScenarioHasNoMismatches) {
    const auto r = runYaml(kSend + R"(expect:
  messages:
    - envelope: {from: alice@example.org, to: [bob@example.com]}
      headers: {equal: {Subject: Hello}}
      mime: [{path: "", type: text/plain}]
      text: {equals: Hi Bob}
)");
    BOOST_TEST((r.verdict == Verdict::Passed), allMismatches(r));
    BOOST_TEST(r.transcript.find("C: MAIL FROM:<alice@example.org>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(theGreylistingSketchRunsAsWritten) {
    // The example from the scenario runner's specification, verbatim.
    const auto r = runYaml(R"(name: greylisting-retry
description: The first RCPT for carol gets 451; the client retries and the message arrives once.
covers: [send, faults]
server:
  rules:
    - on: RCPT
      match: "carol@example.com"
      nth: 1
      reply: "451 4.7.1 Greylisted, try again later"
client:
  security: none
  retry: {attempts: 2, delay_ms: 10}
steps:
  - send:
      from: Alice <alice@example.org>
      to: [carol@example.com]
      subject: Hello
      text: Hi Carol
expect:
  client: ok
  messages:
    - envelope: {from: alice@example.org, to: [carol@example.com]}
      mime: [{path: "", type: text/plain}]
      text: {contains: Hi Carol}
  transcript: {contains: ["451 4.7.1"]}
)");
    BOOST_TEST((r.verdict == Verdict::Passed), allMismatches(r));
}

BOOST_AUTO_TEST_CASE(recipientParametersAreCheckedOnEveryRcpt) {
    const auto r = runYaml(R"(name: t
description: d
client:
  dsn: {notify: [failure]}
steps:
  - send: {from: alice@example.org, to: [bob@example.com, carol@example.com], subject: Hello, text: Hi}
expect:
  messages:
    - envelope: {rcpt_params: {NOTIFY: DELAY}, no_rcpt_params: [ORCPT]}
)");
    BOOST_TEST((r.verdict == Verdict::Failed));
    BOOST_REQUIRE(r.mismatches.size() == 2u);
    BOOST_TEST(r.mismatches[0].check == "expect.messages[0].envelope.rcpt_params.NOTIFY");
    BOOST_TEST(r.mismatches[0].actual == "bob@example.com: NOTIFY=FAILURE");
    BOOST_TEST(r.mismatches[1].actual == "carol@example.com: NOTIFY=FAILURE");
}

BOOST_AUTO_TEST_CASE(failedExpectationNamesKeyLineExpectedAndCaptured) {
    const auto r = runYaml(kSend + R"(expect:
  messages:
    - headers: {equal: {Subject: Goodbye}}
      text: {contains: [nowhere]}
)");
    BOOST_TEST((r.verdict == Verdict::Failed));
    BOOST_REQUIRE(r.mismatches.size() == 2u);
    BOOST_TEST(r.mismatches[0].check == "expect.messages[0].headers.equal.Subject");
    BOOST_TEST(r.mismatches[0].line == 7);
    BOOST_TEST(r.mismatches[0].expected == "Goodbye");
    BOOST_TEST(r.mismatches[0].actual == "Hello");
    BOOST_TEST(r.mismatches[1].check == "expect.messages[0].text.contains");
}

BOOST_AUTO_TEST_CASE(countMismatchListsTheCapturedMessages) {
    const auto r = runYaml(kSend + "expect: {count: 2}\n");
    BOOST_REQUIRE(r.mismatches.size() == 1u);
    BOOST_TEST(r.mismatches[0].check == "expect.count");
    BOOST_TEST(r.mismatches[0].actual.find("\"Hello\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stepErrorIsMatchedByCodeAndClass) {
    const std::string yaml = R"(name: t
description: d
server:
  rules: [{on: MAIL, reply: "550 5.7.1 Go away"}]
steps:
  - send: {from: alice@example.org, to: [bob@example.com], subject: Hello, text: Hi}
    expect: {error: {code: 550, class: permanent, text: "Go away"}}
expect: {count: 0}
)";
    const auto r = runYaml(yaml);
    BOOST_TEST((r.verdict == Verdict::Passed), allMismatches(r));

    std::string wrong = yaml;
    wrong.replace(wrong.find("code: 550"), 9, "code: 451");
    const auto w = runYaml(wrong);
    BOOST_REQUIRE(w.mismatches.size() == 1u);
    BOOST_TEST(w.mismatches[0].check == "steps[0].send");
    BOOST_TEST(w.mismatches[0].actual.find("550") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unexpectedLintFindingFailsTheScenario) {
    const auto r = runYaml(R"(name: t
description: d
steps:
  - send_raw: {from: a@example.org, to: [b@example.net], eml: eml/bare-lf.eml}
expect: {count: 1}
)");
    BOOST_TEST((r.verdict == Verdict::Failed));
    BOOST_REQUIRE(!r.mismatches.empty());
    BOOST_TEST(r.mismatches[0].actual.find("bare-lf") == 0);
}

BOOST_AUTO_TEST_CASE(eachMessageIsLintedOnceByItsOwnCheck) {
    const std::string yaml = R"(name: t
description: d
steps:
  - send_raw: {from: a@example.org, to: [b@example.net], eml: eml/bcc-header-present.eml}
  - send: {from: a@example.org, to: [b@example.net], subject: clean, text: x}
expect:
  count: 2
  messages:
    - lint: ["^bcc-present"]
  every:
    envelope: {from: a@example.org}
)";
    const auto r = runYaml(yaml);
    BOOST_TEST((r.verdict == Verdict::Passed), allMismatches(r));

    std::string unexpected = yaml;
    unexpected.replace(unexpected.find("    - lint: [\"^bcc-present\"]"), 28, "    - {}");
    const auto u = runYaml(unexpected);
    BOOST_REQUIRE(u.mismatches.size() == 1u);
    BOOST_TEST(u.mismatches[0].check == "expect.messages[0].lint");
}

BOOST_AUTO_TEST_CASE(goldenDifferenceShowsTheFirstDifferingLine) {
    const auto r = runYaml(R"(name: t
description: d
steps:
  - send_eml: eml/plain-text.eml
expect:
  messages: [{golden: eml/html-only.eml}]
)");
    BOOST_TEST((r.verdict == Verdict::Failed));
    BOOST_REQUIRE(r.mismatches.size() == 1u);
    BOOST_TEST(r.mismatches[0].check == "expect.messages[0].golden");
    BOOST_TEST(r.mismatches[0].expected.find("first difference at line") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(eachMismatchPointsAtTheLineOfItsOwnKey) {
    const auto r = runYaml(R"(name: t
description: d
steps:
  - send: {from: alice@example.org, to: [bob@example.com], subject: Hello, text: Hi Bob, html: "<p>Hi</p>"}
expect:
  messages:
    - envelope: {from: alice@example.org}
      mime:
        - {path: "", type: multipart/alternative}
        - path: "1"
          type: text/html
        - {path: "2", type: text/html}
      headers:
        equal:
          Subject: Other
      text: Hi Carol
)");
    BOOST_TEST((r.verdict == Verdict::Failed));
    std::map<std::string, int> lines;
    for (const auto& m : r.mismatches) lines[m.check] = m.line;
    BOOST_TEST(lines["expect.messages[0].mime[1].type"] == 11, allMismatches(r));
    BOOST_TEST(lines["expect.messages[0].headers.equal.Subject"] == 15, allMismatches(r));
    BOOST_TEST(lines["expect.messages[0].text.equals"] == 16, allMismatches(r));
}

BOOST_AUTO_TEST_CASE(aProblemFoundWhileRunningIsAnErrorNotInvalidInput) {
    // Loading checks addresses; one that slips past it (a Scenario built in code) stops the run.
    Scenario scenario = parseScenario(kSend, "case.yaml", MAILRIG_FIXTURES_DIR, MAILRIG_FIXTURES_DIR);
    scenario.steps[0].message.from = "no-at-sign";
    const auto r = runScenario(scenario);
    BOOST_TEST((r.verdict == Verdict::Error));
    BOOST_TEST(!r.invalid);
    BOOST_TEST(r.error.find("case.yaml:4:") == 0, r.error);
}

BOOST_AUTO_TEST_CASE(keepWritesEmlAndJsonPerCapturedMessage) {
    TempDir keep;
    RunOptions options;
    options.keepDirectory = keep.path();
    const auto r = runYaml(kSend, options);
    BOOST_TEST((r.verdict == Verdict::Passed), allMismatches(r));
    BOOST_REQUIRE(r.keptFiles.size() == 2u);
    BOOST_TEST(r.keptFiles[0] == keep.file("t/000001.eml"));
    BOOST_TEST(readFile(keep.file("t/000001.eml")).find("Subject: Hello\r\n") != std::string::npos);
    const auto json = mailrig::test::runPython(
        "import json,sys; d=json.load(open(sys.argv[1])); print(d['mailFrom']['address'])", {keep.file("t/000001.json")});
    BOOST_TEST(json.out == "alice@example.org\n");
}

BOOST_AUTO_TEST_CASE(keepNeverReachesOutsideItsDirectoryAndRemovesOnlyWhatItKept) {
    TempDir base;
    writeFile(base.file("precious.txt"), "mine");
    RunOptions options;
    options.keepDirectory = base.file("keep");
    const std::string body = kSend.substr(kSend.find('\n') + 1);
    std::map<std::string, std::string> directories = {
        {"..", "%2E."}, {".", "%2E"}, {"x/y", "x%2Fy"}, {"x y", "x%20y"}, {"x_y", "x_y"}};
    for (const auto& [name, directory] : directories) {
        const auto r = runYaml("name: \"" + name + "\"\n" + body, options);
        BOOST_TEST((r.verdict == Verdict::Passed), allMismatches(r));
        BOOST_REQUIRE(r.keptFiles.size() == 2u);
        BOOST_TEST(r.keptFiles[0] == base.file("keep/" + directory + "/000001.eml"));
    }
    for (const auto& [name, directory] : directories)
        BOOST_TEST(std::filesystem::exists(base.file("keep/" + directory + "/000001.eml")), directory);
    BOOST_TEST(readFile(base.file("precious.txt")) == "mine");
    // A rerun replaces what was kept and leaves other files alone.
    writeFile(base.file("keep/x_y/notes.txt"), "also mine");
    writeFile(base.file("keep/x_y/000007.eml"), "old");
    const auto again = runYaml("name: x_y\n" + body, options);
    BOOST_TEST(again.keptFiles.size() == 2u);
    BOOST_TEST(!std::filesystem::exists(base.file("keep/x_y/000007.eml")));
    BOOST_TEST(readFile(base.file("keep/x_y/notes.txt")) == "also mine");
    // A file where the scenario's directory would go is an error, and stays.
    writeFile(base.file("keep/t"), "a file");
    const auto blocked = runYaml(kSend, options);
    BOOST_TEST((blocked.verdict == Verdict::Error));
    BOOST_TEST(blocked.error.find("it exists and is not a directory") != std::string::npos, blocked.error);
    BOOST_TEST(readFile(base.file("keep/t")) == "a file");
}

BOOST_AUTO_TEST_CASE(filesRunInParallelAndComeBackInOrder) {
    TempDir dir;
    std::vector<std::string> files;
    for (int i = 0; i < 4; ++i) {
        files.push_back(dir.file("s" + std::to_string(i) + ".yaml"));
        std::string yaml = kSend;
        yaml.replace(yaml.find("name: t"), 7, "name: s" + std::to_string(i));
        writeFile(files.back(), yaml);
    }
    writeFile(dir.file("broken.yaml"), "name: broken\n");
    files.push_back(dir.file("broken.yaml"));
    std::size_t calls = 0;
    const auto results = runScenarioFiles(files, 3, {}, [&](const ScenarioResult&, std::size_t finished, std::size_t total) {
        ++calls;
        BOOST_TEST(finished <= total);
    });
    BOOST_REQUIRE(results.size() == 5u);
    BOOST_TEST(calls == 5u);
    for (int i = 0; i < 4; ++i) {
        BOOST_TEST(results[static_cast<std::size_t>(i)].name == "s" + std::to_string(i));
        BOOST_TEST((results[static_cast<std::size_t>(i)].verdict == Verdict::Passed));
    }
    BOOST_TEST((results[4].verdict == Verdict::Error));
    BOOST_TEST(results[4].invalid);
    BOOST_TEST(results[4].error.find("description") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
