// The shipped suite itself: every file loads, is named after itself, and together they cover
// every mode of the seed, every security option and the faults the client must survive.
#include "mailrig/scenarios/ScenarioLoader.h"
#include "mailrig/scenarios/SuiteLocation.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <set>

using namespace mailrig::scenario;

namespace {

std::vector<Scenario> loadSuite() {
    std::vector<Scenario> scenarios;
    for (const auto& file : findScenarioFiles({defaultSuiteDirectory()})) scenarios.push_back(loadScenario(file));
    return scenarios;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ShippedSuite)

BOOST_AUTO_TEST_CASE(everyFileLoadsAndIsNamedAfterItsFile) {
    for (const auto& s : loadSuite()) {
        BOOST_TEST(s.name == std::filesystem::path(s.file).stem().string(), s.file);
        BOOST_TEST(s.description.size() > 40u, s.file << ": the description should say what it proves");
        BOOST_TEST(!s.covers.empty(), s.file << ": covers is empty");
    }
}

BOOST_AUTO_TEST_CASE(coversEverySeedModeAndSecurityOption) {
    std::set<std::string> covered;
    for (const auto& s : loadSuite()) covered.insert(s.covers.begin(), s.covers.end());
    for (const char* mode : {"send", "send-eml", "plain-text", "html", "alternate-views", "bulk", "multi-connection",
                             "tnef", "meeting-request", "forward", "forward-stream", "security-none",
                             "security-starttls", "security-implicit-tls", "security-auto", "authentication",
                             "pickup", "async", "faults", "verifier"})
        BOOST_TEST(covered.count(mode) == 1u, "no shipped scenario covers " << mode);
}

BOOST_AUTO_TEST_CASE(hasAScenarioForEveryListedFault) {
    std::set<std::string> names;
    for (const auto& s : loadSuite()) names.insert(s.name);
    for (const char* fault : {"fault-greylisting-retry", "fault-one-of-three-rejected", "fault-421-at-greeting",
                              "fault-disconnect-mid-data", "fault-454-to-starttls", "fault-size-exceeded",
                              "fault-no-8bitmime", "fault-no-smtputf8", "verifier-catches-bare-lf",
                              "verifier-catches-bcc-header", "auth-plain", "auth-login", "auth-cram-md5", "auth-xoauth2"})
        BOOST_TEST(names.count(fault) == 1u, "missing shipped scenario " << fault);
}

BOOST_AUTO_TEST_SUITE_END()
