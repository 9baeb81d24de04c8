#include "mailrig/scenarios/Report.h"

#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <sstream>

using namespace mailrig::scenario;

namespace {

std::vector<ScenarioResult> sampleResults() {
    ScenarioResult passed;
    passed.file = "suite/ok.yaml";
    passed.name = "ok";
    passed.verdict = Verdict::Passed;
    passed.duration = std::chrono::milliseconds(12);

    ScenarioResult failed;
    failed.file = "suite/bad.yaml";
    failed.name = "bad <&> \"quoted\"";
    failed.verdict = Verdict::Failed;
    failed.duration = std::chrono::milliseconds(1500);
    failed.mismatches.push_back({"expect.messages[0].headers.equal.Subject", 9, "Hello", "Goodbye\nsecond line"});
    failed.transcript = "S: 220 ready\nC: EHLO x\x01";
    failed.keptFiles = {"/tmp/keep/bad/000001.eml"};

    ScenarioResult error;
    error.file = "suite/broken.yaml";
    error.name = "broken";
    error.verdict = Verdict::Error;
    error.error = "suite/broken.yaml:3:1: steps: this key is required";
    return {passed, failed, error};
}

} // namespace

BOOST_AUTO_TEST_SUITE(Report)

BOOST_AUTO_TEST_CASE(summaryHasOneRowPerScenarioAndTotals) {
    std::ostringstream out;
    writeSummary(out, sampleResults());
    const std::string text = out.str();
    BOOST_TEST(text.find("pass      0.012s  ok") != std::string::npos);
    BOOST_TEST(text.find("FAIL      1.500s  bad") != std::string::npos);
    BOOST_TEST(text.find("ERROR") != std::string::npos);
    BOOST_TEST(text.find("3 scenario(s): 1 passed, 1 failed, 1 error(s)") != std::string::npos);

    std::ostringstream problems;
    writeSummary(problems, sampleResults(), true);
    BOOST_TEST(problems.str().find("  ok  ") == std::string::npos);
    BOOST_TEST(problems.str().find("3 scenario(s)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(failureDetailsShowFileLineExpectedCapturedAndKeptFiles) {
    std::ostringstream out;
    writeFailureDetails(out, sampleResults());
    const std::string text = out.str();
    BOOST_TEST(text.find("suite/bad.yaml:9: expect.messages[0].headers.equal.Subject\n"
                         "    expected: Hello\n"
                         "    captured: Goodbye\n"
                         "              second line\n") != std::string::npos);
    BOOST_TEST(text.find("/tmp/keep/bad/000001.eml") != std::string::npos);
    BOOST_TEST(text.find("error: suite/broken.yaml:3:1") != std::string::npos);
    BOOST_TEST(text.find("=== ") == text.find("=== FAIL: bad")); // nothing for the passed one
}

BOOST_AUTO_TEST_CASE(junitIsWellFormedXmlThatCountsFailuresAndErrors) {
    std::ostringstream out;
    writeJUnit(out, sampleResults(), "mailrig");
    // An independent XML parser reads it back.
    const auto parsed = mailrig::test::runPython(R"(
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
suite = root.find('testsuite')
print(suite.get('tests'), suite.get('failures'), suite.get('errors'))
for case in suite.findall('testcase'):
    kind = 'failure' if case.find('failure') is not None else 'error' if case.find('error') is not None else 'pass'
    print(case.get('name'), case.get('time'), kind)
print(suite.find('testcase[2]/failure').text.splitlines()[0])
)",
                                                 {}, out.str());
    BOOST_TEST(parsed.exitCode == 0, parsed.err);
    BOOST_TEST(parsed.out == "3 1 1\n"
                             "ok 0.012 pass\n"
                             "bad <&> \"quoted\" 1.500 failure\n"
                             "broken 0.000 error\n"
                             "suite/bad.yaml:9: expect.messages[0].headers.equal.Subject\n");
}

BOOST_AUTO_TEST_CASE(junitClassnameIsTheDirectoryNameAlsoForAFileInTheCurrentDirectory) {
    mailrig::test::TempDir dir;
    const std::string before = std::filesystem::current_path().string();
    std::filesystem::current_path(dir.path());
    ScenarioResult result;
    result.file = "hello.yaml";
    result.name = "hello";
    result.verdict = Verdict::Passed;
    std::ostringstream out;
    writeJUnit(out, {result}, "mailrig");
    std::filesystem::current_path(before);
    const std::string directory = std::filesystem::path(dir.path()).filename().string();
    BOOST_TEST(out.str().find("<testcase classname=\"" + directory + "\" name=\"hello\" file=\"hello.yaml\"") !=
                   std::string::npos,
               out.str());
}

BOOST_AUTO_TEST_CASE(junitStaysWellFormedWithBytesThatAreNotUtf8) {
    auto results = sampleResults();
    // A Latin-1 body and a truncated UTF-8 sequence, as captured from a misbehaving client.
    results[1].mismatches.push_back({"expect.messages[0].text", 12, "K\xC3\xA4se", "K\xE4se \xC3"});
    results[1].transcript += "\nC: MAIL FROM:<j\xFCrgen@example.org>\n";
    mailrig::test::TempDir dir;
    std::ostringstream out;
    writeJUnit(out, results, "mailrig");
    mailrig::test::writeFile(dir.file("junit.xml"), out.str());
    const auto parsed = mailrig::test::runProcess(
        {"/usr/bin/python3", "-c", "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])", dir.file("junit.xml")});
    BOOST_TEST(parsed.exitCode == 0, parsed.err);
    BOOST_TEST(out.str().find("K\xC3\xA4se") != std::string::npos); // valid UTF-8 is kept
    BOOST_TEST(out.str().find("K\xEF\xBF\xBDse \xEF\xBF\xBD") != std::string::npos); // other bytes: U+FFFD
}

BOOST_AUTO_TEST_SUITE_END()
