// `mailrig run` as a user calls it: exit codes, selection, listing, JUnit and kept files.
#include "support/BackgroundProcess.h"
#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

using mailrig::test::runMailrig;
using mailrig::test::TempDir;
using mailrig::test::writeFile;

namespace {

const std::string kPassing = R"(name: NAME
description: A plain message arrives.
covers: [send]
steps:
  - send: {from: alice@example.org, to: [bob@example.com], subject: Hello, text: Hi}
expect:
  messages: [{headers: {equal: {Subject: Hello}}}]
)";

std::string named(std::string yaml, const std::string& name) {
    yaml.replace(yaml.find("NAME"), 4, name);
    return yaml;
}

/// A directory with two passing scenarios and, if asked, a failing one.
void writeSuite(const TempDir& dir, bool withFailure) {
    writeFile(dir.file("alpha.yaml"), named(kPassing, "alpha"));
    writeFile(dir.file("beta.yaml"), named(kPassing, "beta"));
    if (withFailure) {
        std::string failing = named(kPassing, "gamma");
        failing.replace(failing.find("Subject: Hello}"), 15, "Subject: Other}");
        writeFile(dir.file("gamma.yaml"), failing);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(RunCommand)

BOOST_AUTO_TEST_CASE(allPassingExitsZeroWithSummary) {
    TempDir dir;
    writeSuite(dir, false);
    const auto r = runMailrig({"run", dir.path()});
    BOOST_TEST(r.exitCode == 0, r.out + r.err);
    BOOST_TEST(r.out.find("2 scenario(s): 2 passed, 0 failed, 0 error(s)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(failureExitsOneAndPrintsTheDiffAndJUnit) {
    TempDir dir, out;
    writeSuite(dir, true);
    const auto r = runMailrig({"run", dir.path(), "-j", "2", "--junit", out.file("junit.xml"), "--keep", out.file("kept")});
    BOOST_TEST(r.exitCode == 1, r.out + r.err);
    BOOST_TEST(r.out.find("gamma.yaml:7: expect.messages[0].headers.equal.Subject") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("    expected: Other\n    captured: Hello\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find(out.file("kept/gamma/000001.eml")) != std::string::npos, r.out);
    BOOST_TEST(std::filesystem::exists(out.file("kept/alpha/000001.json")));
    const auto junit = mailrig::test::runPython(
        "import sys, xml.etree.ElementTree as ET; s = ET.parse(sys.argv[1]).getroot().find('testsuite');"
        "print(s.get('tests'), s.get('failures'), s.get('errors'))",
        {out.file("junit.xml")});
    BOOST_TEST(junit.out == "3 1 0\n", junit.err);
    // The kept EML is what `mailrig inspect` reads.
    const auto inspect = runMailrig({"inspect", out.file("kept/gamma/000001.eml")});
    BOOST_TEST(inspect.exitCode == 0, inspect.out + inspect.err);
}

BOOST_AUTO_TEST_CASE(invalidScenarioExitsTwoNamingFileAndLine) {
    TempDir dir;
    writeSuite(dir, false);
    writeFile(dir.file("broken.yaml"), "name: broken\ndescription: d\nsteps:\n  - send: {from: a@b.c, to: x@y.z, colour: red}\n");
    const auto r = runMailrig({"run", dir.path()});
    BOOST_TEST(r.exitCode == 2, r.out + r.err);
    BOOST_TEST(r.err.find(dir.file("broken.yaml") + ":4:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("steps[0].send.colour: unknown key") != std::string::npos, r.err);
    BOOST_TEST(r.out.find("2 passed") != std::string::npos); // the valid ones still ran
}

BOOST_AUTO_TEST_CASE(duplicateNamesAreInvalidInputAtTheirLine) {
    TempDir dir;
    writeSuite(dir, false);
    writeFile(dir.file("copy.yaml"), "# a copy\n" + named(kPassing, "alpha"));
    const auto r = runMailrig({"run", dir.path()});
    BOOST_TEST(r.exitCode == 2, r.out + r.err);
    BOOST_TEST(r.err.find(dir.file("copy.yaml") + ":2:7: name: 'alpha' is already the name of " + dir.file("alpha.yaml") +
                          ":1") != std::string::npos,
               r.err);
    BOOST_TEST(r.out.find("could not be read") == std::string::npos, r.out);
    BOOST_TEST(r.out.find("1 scenario file(s) not run: their name is already taken") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(badAddressIsInvalidInputFoundBeforeAnythingRuns) {
    TempDir dir;
    writeFile(dir.file("badaddr.yaml"), "name: badaddr\ndescription: d\nsteps:\n  - send: {from: \"not an address\", to: [bob@example.com]}\n");
    const auto r = runMailrig({"run", dir.file("badaddr.yaml")});
    BOOST_TEST(r.exitCode == 2, r.out + r.err);
    BOOST_TEST(r.err.find(dir.file("badaddr.yaml") + ":4:18: steps[0].send.from: no mailbox address") != std::string::npos, r.err);
    BOOST_TEST(r.out.find("ERROR") == std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(unusableKeepDirectoryIsAUsageErrorBeforeAnythingRuns) {
    TempDir dir;
    writeSuite(dir, false);
    writeFile(dir.file("plain-file"), "");
    const std::string keep = dir.file("plain-file/kept");
    const auto r = runMailrig({"run", dir.path(), "--keep", keep});
    BOOST_TEST(r.exitCode == 2, r.out + r.err);
    BOOST_TEST(r.err.find("mailrig run: --keep " + keep + ": cannot create the directory: Not a directory") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(r.out.empty(), r.out);
}

BOOST_AUTO_TEST_CASE(unwritableJUnitFileIsAUsageErrorBeforeAnythingRuns) {
    TempDir dir;
    writeSuite(dir, false);
    const std::string junit = dir.file("missing-dir/j.xml");
    const auto r = runMailrig({"run", dir.path(), "--junit", junit});
    BOOST_TEST(r.exitCode == 2, r.out + r.err);
    BOOST_TEST(r.err.find("mailrig run: --junit " + junit + ": cannot write the file: No such file or directory") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(r.out.empty(), r.out);
    // Symbolic links are followed as the report will be: one into a missing folder, or a loop.
    std::filesystem::create_symlink(dir.file("missing-dir/target.xml"), dir.file("dangling.xml"));
    std::filesystem::create_symlink(dir.file("loop.xml"), dir.file("loop.xml"));
    for (const std::string& link : {dir.file("dangling.xml"), dir.file("loop.xml")}) {
        const auto linked = runMailrig({"run", dir.path(), "--junit", link});
        BOOST_TEST(linked.exitCode == 2, linked.out + linked.err);
        BOOST_TEST(linked.err.find("mailrig run: --junit " + link + ": cannot write the file: ") != std::string::npos,
                   linked.err);
        BOOST_TEST(linked.out.empty(), linked.out);
    }
}

BOOST_AUTO_TEST_CASE(listWithNothingSelectedExitsTwo) {
    TempDir dir;
    writeSuite(dir, false);
    const auto r = runMailrig({"run", dir.path(), "--filter", "nothing-matches", "--list"});
    BOOST_TEST(r.exitCode == 2, r.out + r.err);
    BOOST_TEST(r.err == "mailrig run: no scenario selected by --filter\n");
    BOOST_TEST(r.out.empty(), r.out);
}

BOOST_AUTO_TEST_CASE(optionErrorsAreOneLineNamingTheOption) {
    const auto unknown = runMailrig({"run", "--frobnicate"});
    BOOST_TEST(unknown.exitCode == 2);
    BOOST_TEST(unknown.err == "mailrig run: unknown option '--frobnicate' (see mailrig run --help)\n");
    const auto flagValue = runMailrig({"run", "--list=yes"});
    BOOST_TEST(flagValue.exitCode == 2);
    BOOST_TEST(flagValue.err == "mailrig run: --list takes no value (see mailrig run --help)\n");
    const auto badEquals = runMailrig({"run", "--jobs=zero"});
    BOOST_TEST(badEquals.err == "mailrig run: -j expects a number from 1 to 256, got 'zero' (see mailrig run --help)\n");
    const auto jobs = runMailrig({"run", "-j", "zero"});
    BOOST_TEST(jobs.err == "mailrig run: -j expects a number from 1 to 256, got 'zero' (see mailrig run --help)\n");
    const auto missing = runMailrig({"run", "--junit"});
    BOOST_TEST(missing.err == "mailrig run: --junit needs a value (see mailrig run --help)\n");
    // An unset variable in a CI script must not silently turn the report off.
    for (const std::string option : {"--junit", "--keep", "--fixtures", "--filter"}) {
        const auto empty = runMailrig({"run", option, ""});
        BOOST_TEST(empty.exitCode == 2);
        BOOST_TEST(empty.err == "mailrig run: " + option + " needs a value, not an empty one (see mailrig run --help)\n");
    }
}

BOOST_AUTO_TEST_CASE(filterAndListSelectByNameOrGlob) {
    TempDir dir;
    writeSuite(dir, true);
    const auto list = runMailrig({"run", dir.path(), "--list", "--filter", "al*"});
    BOOST_TEST(list.exitCode == 0, list.err);
    BOOST_TEST(list.out.find("alpha") != std::string::npos);
    BOOST_TEST(list.out.find("beta") == std::string::npos);
    BOOST_TEST(list.out.find("covers: send") != std::string::npos);
    BOOST_TEST(list.out.find("1 scenario(s)") != std::string::npos);

    const auto run = runMailrig({"run", dir.path(), "--filter", "bet"});
    BOOST_TEST(run.exitCode == 0, run.out + run.err);
    BOOST_TEST(run.out.find("1 scenario(s): 1 passed") != std::string::npos);
    const auto equals = runMailrig({"run", dir.path(), "--filter=bet", "--jobs=1"}); // the `=` form too
    BOOST_TEST(equals.exitCode == 0, equals.out + equals.err);
    BOOST_TEST(equals.out.find("1 scenario(s): 1 passed") != std::string::npos);

    const auto none = runMailrig({"run", dir.path(), "--filter", "nothing-matches"});
    BOOST_TEST(none.exitCode == 2);
    BOOST_TEST(none.err.find("no scenario selected") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tagSelectsScenariosCarryingItAndListShowsTags) {
    TempDir dir;
    writeSuite(dir, false);
    std::string tagged = named(kPassing, "tagged");
    tagged.insert(tagged.find("covers:"), "tags: [smoke, nightly]\n");
    std::string folded = named(kPassing, "folded");
    folded.replace(folded.find("description: A plain message arrives."), 37,
                   "description: >\n  A plain message\n  arrives.\ntags: [nightly]");
    writeFile(dir.file("tagged.yaml"), tagged);
    writeFile(dir.file("folded.yaml"), folded);

    const auto list = runMailrig({"run", dir.path(), "--list", "--tag", "smoke"});
    BOOST_TEST(list.exitCode == 0, list.err);
    BOOST_TEST(list.out.find("tagged  (") == 0u, list.out);
    BOOST_TEST(list.out.find("    tags: smoke nightly\n") != std::string::npos, list.out);
    BOOST_TEST(list.out.find("1 scenario(s)") != std::string::npos);

    const auto both = runMailrig({"run", dir.path(), "--list", "--tag", "nightly", "--tag", "other"});
    BOOST_TEST(both.out.find("2 scenario(s)") != std::string::npos, both.out);
    // A folded description ends with its text, not with an empty line.
    BOOST_TEST(both.out.find("    A plain message arrives.\n    covers: send\n    tags: nightly\n") != std::string::npos,
               both.out);

    const auto run = runMailrig({"run", dir.path(), "--tag", "nightly", "--filter", "fold*"});
    BOOST_TEST(run.exitCode == 0, run.out + run.err);
    BOOST_TEST(run.out.find("1 scenario(s): 1 passed") != std::string::npos, run.out);

    const auto none = runMailrig({"run", dir.path(), "--tag", "smoke", "--filter", "fold*"});
    BOOST_TEST(none.exitCode == 2);
    BOOST_TEST(none.err == "mailrig run: no scenario selected by --filter and --tag\n");
}

BOOST_AUTO_TEST_CASE(badOptionsAndMissingPathsExitTwo) {
    BOOST_TEST(runMailrig({"run", "--jobs", "zero"}).exitCode == 2);
    BOOST_TEST(runMailrig({"run", "--frobnicate"}).exitCode == 2);
    const auto missing = runMailrig({"run", "/nonexistent/suite"});
    BOOST_TEST(missing.exitCode == 2);
    BOOST_TEST(missing.err.find("/nonexistent/suite") != std::string::npos);
    const auto help = runMailrig({"run", "--help"});
    BOOST_TEST(help.exitCode == 0);
    BOOST_TEST(help.out.find("--junit FILE") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(withoutArgumentsTheShippedSuiteIsListed) {
    const auto r = runMailrig({"run", "--list"});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_TEST(r.out.find("send-plain-text") != std::string::npos);
    BOOST_TEST(r.out.find("fault-greylisting-retry") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(anInterruptFinishesTheRunningScenarioSkipsTheRestAndStillReports) {
    TempDir dir;
    const std::string slow = "description: waits for messages that never come\n"
                             "steps:\n"
                             "  - send: {from: a@example.org, to: b@example.com, subject: s, text: t}\n"
                             "  - wait: {count: 5, timeout_ms: 1500}\n";
    writeFile(dir.file("a.yaml"), "name: a-slow\n" + slow);
    writeFile(dir.file("b.yaml"), "name: b-next\n" + slow);
    mailrig::test::BackgroundProcess run(
        {MAILRIG_BINARY, "run", "-j", "1", dir.path(), "--junit", dir.file("junit.xml")});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    run.signal(SIGINT);
    const auto r = run.wait(std::chrono::seconds(20));
    BOOST_TEST(r.exitCode == 130, r.out + r.err);
    BOOST_TEST(r.err.find("mailrig run: Interrupt, finishing the scenarios already running") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("mailrig run: Interrupt, stopped\n") != std::string::npos, r.err);
    BOOST_TEST(r.out.find("FAIL ") != std::string::npos, r.out); // a-slow ran to its end
    BOOST_TEST(r.out.find("error: not run: the run was stopped") != std::string::npos, r.out);
    BOOST_TEST(std::filesystem::exists(dir.file("junit.xml")));
}

BOOST_AUTO_TEST_SUITE_END()
