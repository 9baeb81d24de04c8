// `mailrig run`: load scenario files, run them in parallel, print a summary, diffs and JUnit.
#include "Command.h"
#include "StopSignals.h"

#include "mailrig/scenarios/Report.h"
#include "mailrig/scenarios/Runner.h"
#include "mailrig/scenarios/ScenarioLoader.h"
#include "mailrig/scenarios/SuiteLocation.h"

#include <fcntl.h>
#include <unistd.h>

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace mailrig::cli {

namespace {

const char* const kRunUsage = R"(usage: mailrig run [PATH]... [-j N] [--junit FILE] [--keep DIR] [--filter PATTERN]
                   [--tag TAG] [--list]

Runs scenario files (YAML, see docs/scenarios.md). Each scenario gets its own fake SMTP server
on 127.0.0.1 with ephemeral ports; the client sends what the steps say; the captured messages
are checked against the expectations.

  PATH               a scenario file, or a directory searched recursively for *.yaml / *.yml;
                     default: the shipped suite ()" "SUITE" R"(;
                     $MAILRIG_SUITE overrides it)
  -j, --jobs N       run N scenarios at a time (default: the number of CPU cores)
  --junit FILE       also write the results as JUnit XML to FILE
  --keep DIR         keep every captured message as DIR/<scenario>/NNNNNN.eml + .json
                     (inspect them with `mailrig inspect FILE.eml`); in <scenario> other
                     bytes than A-Z a-z 0-9 - _ and dots are written %XX (a leading dot too)
  --filter PATTERN   run only scenarios whose name or file name matches PATTERN (a shell glob
                     such as 'tls-*'; without wildcards, a substring); repeatable
  --tag TAG          run only scenarios whose `tags` hold TAG; repeatable (any of them);
                     with --filter, a scenario must match both
  --fixtures DIR     resolve fixture paths against DIR after the scenario's own directory
                     (default: $MAILRIG_FIXTURES, else the source tree's fixtures/)
  --list             list the selected scenarios (name, file, description, covers, tags) and
                     exit
  -q, --quiet        print only failures and the totals line
  -h, --help         show this help

Exit status: 0 every scenario passed, 1 a scenario failed (or could not run), 2 invalid input:
bad options, a PATH that does not exist, nothing selected, or a --keep directory or --junit
file that cannot be written (checked before anything runs), or an unreadable or invalid
scenario file or a duplicate scenario name (reported at its line; the other scenarios still
run), 130 (143) after SIGINT (SIGTERM): the scenarios running finish, the rest are reported as
not run, the reports are written; a second signal quits at once.
)";

struct RunArguments {
    std::vector<std::string> paths;
    unsigned jobs = 0;
    std::string junit;
    std::string keep;
    std::vector<std::string> filters;
    std::vector<std::string> tags;
    std::string fixtures;
    bool list = false;
    bool quiet = false;
};

/// Parses the arguments; throws std::invalid_argument with a message for people.
std::optional<RunArguments> parseArguments(const std::vector<std::string>& given) {
    RunArguments parsed;
    Arguments arguments(given);
    const std::vector<std::string>& args = arguments.list();
    for (std::size_t i = 0; i < args.size(); ++i) {
        arguments.settle(i);
        const std::string& a = args[i];
        auto value = [&](const std::string& option) -> std::string {
            if (i + 1 >= args.size()) throw std::invalid_argument(option + " needs a value");
            if (args[i + 1].empty()) throw std::invalid_argument(option + " needs a value, not an empty one");
            return args[++i];
        };
        if (a == "-h" || a == "--help") return std::nullopt;
        if (a == "-j" || a == "--jobs") {
            const std::string text = value(a);
            std::size_t used = 0;
            unsigned long jobs = 0;
            try {
                jobs = std::stoul(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != text.size() || jobs == 0 || jobs > 256)
                throw std::invalid_argument("-j expects a number from 1 to 256, got '" + text + "'");
            parsed.jobs = static_cast<unsigned>(jobs);
        } else if (a.rfind("-j", 0) == 0 && a.size() > 2 && a[2] != '-') {
            return parseArguments([&] {
                std::vector<std::string> rewritten(args.begin(), args.begin() + static_cast<long>(i));
                rewritten.push_back("-j");
                rewritten.push_back(a.substr(2));
                rewritten.insert(rewritten.end(), args.begin() + static_cast<long>(i) + 1, args.end());
                return rewritten;
            }());
        } else if (a == "--junit") {
            parsed.junit = value(a);
        } else if (a == "--keep") {
            parsed.keep = value(a);
        } else if (a == "--filter") {
            parsed.filters.push_back(value(a));
        } else if (a == "--tag") {
            parsed.tags.push_back(value(a));
        } else if (a == "--fixtures") {
            parsed.fixtures = value(a);
        } else if (a == "--list") {
            parsed.list = true;
        } else if (a == "-q" || a == "--quiet") {
            parsed.quiet = true;
        } else if (!a.empty() && a[0] == '-') {
            throw std::invalid_argument(unknownOption(a));
        } else {
            parsed.paths.push_back(a);
        }
    }
    if (parsed.paths.empty()) parsed.paths.push_back(scenario::defaultSuiteDirectory());
    return parsed;
}

bool matchesFilter(const std::string& pattern, const scenario::Scenario& s) {
    const bool glob = pattern.find_first_of("*?[") != std::string::npos;
    const std::string base = s.file.substr(s.file.find_last_of('/') + 1);
    for (const std::string& candidate : {s.name, base}) {
        if (glob ? fnmatch(pattern.c_str(), candidate.c_str(), 0) == 0 : candidate.find(pattern) != std::string::npos)
            return true;
    }
    return false;
}

/// Whether `s` is selected: it matches one --filter pattern (when any is given) and carries one
/// --tag (when any is given).
bool isSelected(const RunArguments& arguments, const scenario::Scenario& s) {
    const auto matchesOne = [&](const std::vector<std::string>& wanted, auto&& matches) {
        return wanted.empty() || std::any_of(wanted.begin(), wanted.end(), matches);
    };
    return matchesOne(arguments.filters, [&](const std::string& f) { return matchesFilter(f, s); }) &&
           matchesOne(arguments.tags, [&](const std::string& t) {
               return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end();
           });
}

/// Checks, before anything runs, that `--keep` can hold the captured messages (creating the
/// directory) and that `--junit` can be written, without touching an existing report (it is
/// replaced only once the run is over); throws std::invalid_argument naming the option, the
/// path and the system's reason.
void checkOutputs(const RunArguments& arguments) {
    namespace fs = std::filesystem;
    if (!arguments.keep.empty()) {
        std::error_code ec;
        fs::create_directories(arguments.keep, ec);
        if (!ec && !fs::is_directory(arguments.keep, ec))
            ec = std::make_error_code(std::errc::not_a_directory);
        if (ec) throw std::invalid_argument("--keep " + arguments.keep + ": cannot create the directory: " + ec.message());
        if (access(arguments.keep.c_str(), W_OK | X_OK) != 0)
            throw std::invalid_argument("--keep " + arguments.keep + ": " + std::strerror(errno));
    }
    if (arguments.junit.empty()) return;
    std::error_code ec;
    const std::string where = "--junit " + arguments.junit + ": cannot write the file: ";
    if (fs::is_directory(arguments.junit, ec)) throw std::invalid_argument(where + std::strerror(EISDIR));
    // Opened as the report will be (following a symbolic link, creating a missing file), without
    // changing what is there; a file that did not exist is removed again.
    const bool existed = fs::exists(fs::symlink_status(arguments.junit, ec));
    const int fd = ::open(arguments.junit.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw std::invalid_argument(where + std::strerror(errno));
    ::close(fd);
    if (!existed) ::unlink(arguments.junit.c_str());
}

void printList(const std::vector<scenario::Scenario>& scenarios) {
    for (const auto& s : scenarios) {
        std::string description = s.description; // a folded `>` scalar ends with a line break
        while (!description.empty() && (description.back() == '\n' || description.back() == ' ')) description.pop_back();
        std::cout << s.name << "  (" << s.file << ")\n    " << description << "\n";
        for (const auto& [label, words] : {std::pair{"covers", &s.covers}, std::pair{"tags", &s.tags}}) {
            if (words->empty()) continue;
            std::cout << "    " << label << ":";
            for (const auto& w : *words) std::cout << " " << w;
            std::cout << "\n";
        }
    }
    std::cout << scenarios.size() << " scenario(s)\n";
}

} // namespace

int runRun(const std::vector<std::string>& args) {
    std::optional<RunArguments> parsed;
    try {
        parsed = parseArguments(args);
    } catch (const std::invalid_argument& e) {
        std::cerr << "mailrig run: " << e.what() << " (see mailrig run --help)\n";
        return Invalid;
    }
    if (!parsed) {
        std::string usage = kRunUsage;
        usage.replace(usage.find("SUITE"), 5, scenario::defaultSuiteDirectory());
        std::cout << usage;
        return Success;
    }

    std::vector<std::string> files;
    try {
        files = scenario::findScenarioFiles(parsed->paths);
    } catch (const scenario::ScenarioError& e) {
        std::cerr << "mailrig run: " << e.what() << "\n";
        return Invalid;
    }

    // Load everything first: an invalid file is reported with its place before anything runs.
    std::vector<scenario::Scenario> scenarios;
    std::vector<std::string> invalid, duplicates;
    for (const auto& file : files) {
        try {
            scenarios.push_back(scenario::loadScenario(file, parsed->fixtures));
        } catch (const scenario::ScenarioError& e) {
            invalid.push_back(e.what());
        }
    }
    // Names key the --keep directories and the JUnit test cases: they must be unique.
    std::map<std::string, const scenario::Scenario*> firstByName;
    std::vector<scenario::Scenario> unique;
    for (auto& s : scenarios) {
        const auto [previous, fresh] = firstByName.emplace(s.name, &s);
        if (fresh) continue;
        const scenario::Scenario& first = *previous->second;
        duplicates.push_back(scenario::ScenarioError(s.file, s.nameLine, s.nameColumn, "name",
                                                     "'" + s.name + "' is already the name of " + first.file +
                                                         (first.nameLine ? ":" + std::to_string(first.nameLine) : ""))
                                 .what());
    }
    for (auto& s : scenarios)
        if (firstByName.at(s.name) == &s) unique.push_back(std::move(s));
    scenarios = std::move(unique);
    for (const auto& message : invalid) std::cerr << "mailrig run: " << message << "\n";
    for (const auto& message : duplicates) std::cerr << "mailrig run: " << message << "\n";
    const bool inputProblems = !invalid.empty() || !duplicates.empty();
    const bool selecting = !parsed->filters.empty() || !parsed->tags.empty();
    if (selecting) {
        std::vector<scenario::Scenario> selected;
        for (auto& s : scenarios)
            if (isSelected(*parsed, s)) selected.push_back(std::move(s));
        scenarios = std::move(selected);
    }
    if (scenarios.empty()) {
        std::string by;
        if (!parsed->filters.empty()) by = " by --filter";
        if (!parsed->tags.empty()) by += by.empty() ? " by --tag" : " and --tag";
        if (!inputProblems || selecting) std::cerr << "mailrig run: no scenario selected" << by << "\n";
        return Invalid;
    }
    if (parsed->list) {
        printList(scenarios);
        return inputProblems ? Invalid : Success;
    }
    try {
        checkOutputs(*parsed);
    } catch (const std::invalid_argument& e) {
        std::cerr << "mailrig run: " << e.what() << "\n";
        return Invalid;
    }

    const bool terminal = isatty(STDERR_FILENO) == 1;
    std::size_t failedSoFar = 0;
    scenario::RunOptions options;
    options.keepDirectory = parsed->keep;
    options.fixturesDirectory = parsed->fixtures;
    auto progress = [&](const scenario::ScenarioResult& r, std::size_t finished, std::size_t total) {
        failedSoFar += r.verdict != scenario::Verdict::Passed;
        if (!terminal) return;
        std::cerr << "\r\033[K[" << finished << "/" << total << "] " << failedSoFar << " failed  "
                  << scenario::toString(r.verdict) << " " << r.name << std::flush;
        if (finished == total) std::cerr << "\r\033[K" << std::flush;
    };
    const unsigned jobs = parsed->jobs ? parsed->jobs : std::max(1u, std::thread::hardware_concurrency());
    // SIGINT or SIGTERM: the scenarios running finish (their servers stop, their scratch files
    // and the test certificates are removed), the rest is not started, the reports are written.
    // A second signal ends the process at once.
    const BlockedStopSignals signals;
    std::atomic<bool> stop{false}, finished{false};
    int stopSignal = 0;
    std::thread watcher([&] {
        while (!finished.load()) {
            const int signal = signals.wait(std::chrono::milliseconds(100));
            if (!signal) continue;
            if (stop.exchange(true)) std::_Exit(128 + signal);
            stopSignal = signal;
            std::cerr << (terminal ? "\r\033[K" : "") << "mailrig run: " << strsignal(signal)
                      << ", finishing the scenarios already running (again to quit at once)\n";
        }
    });
    auto endWatcher = [&] {
        finished = true;
        if (watcher.joinable()) watcher.join();
    };
    options.stop = &stop;
    const auto started = std::chrono::steady_clock::now();
    std::vector<scenario::ScenarioResult> results;
    try {
        results = scenario::runScenarios(scenarios, jobs, options, progress);
    } catch (...) {
        endWatcher(); // never a joinable thread left behind (std::terminate)
        throw;
    }
    const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    endWatcher(); // every signal is accounted for before the reports are written

    scenario::writeSummary(std::cout, results, parsed->quiet);
    const std::size_t used = std::min<std::size_t>(jobs, scenarios.size()); // what ran at once
    std::cout << "wall time " << wall.count() / 1000 << "." << (wall.count() % 1000) / 100 << " s with -j " << used << "\n";
    scenario::writeFailureDetails(std::cout, results);
    if (!parsed->keep.empty()) std::cout << "captured messages kept under " << parsed->keep << "\n";

    bool anyInvalid = inputProblems, anyFailed = false;
    for (const auto& r : results) {
        anyInvalid = anyInvalid || r.invalid;
        anyFailed = anyFailed || r.verdict != scenario::Verdict::Passed;
    }
    if (!parsed->junit.empty()) {
        errno = 0;
        std::ofstream junit(parsed->junit, std::ios::binary | std::ios::trunc);
        if (junit) scenario::writeJUnit(junit, results);
        junit.flush();
        if (!junit) {
            std::cerr << "mailrig run: cannot write the JUnit report to " << parsed->junit << ": "
                      << (errno ? std::strerror(errno) : "write failed") << "\n";
            return Invalid;
        }
        std::cout << "JUnit report written to " << parsed->junit << "\n";
    }
    if (!invalid.empty()) std::cout << invalid.size() << " scenario file(s) could not be read (see above)\n";
    if (!duplicates.empty())
        std::cout << duplicates.size() << " scenario file(s) not run: their name is already taken (see above)\n";
    if (stopSignal) {
        std::cerr << "mailrig run: " << strsignal(stopSignal) << ", stopped\n";
        return 128 + stopSignal;
    }
    if (anyInvalid) return Invalid;
    return anyFailed ? Failed : Success;
}

} // namespace mailrig::cli
