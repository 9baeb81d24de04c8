// The mailrig command: one table of subcommands, the only dispatch.
#include "Command.h"

#include "mailrig/client/Version.h"

#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <vector>

namespace {

using mailrig::cli::Command;

// Add a row here when a subcommand lands; its implementation lives in <Name>Command.cpp.
const std::vector<Command> commands = {
    {"serve", "run the capturing fake SMTP server (scriptable faults, TLS, AUTH, spool)", mailrig::cli::runServe},
    {"inspect", "show the headers, MIME tree and lint findings of an EML file", mailrig::cli::runInspect},
    {"send", "send a composed message or EML files (bulk, parallel connections) over SMTP", mailrig::cli::runSend},
    {"forward", "redirect an EML file to a new envelope, streamed in bounded memory", mailrig::cli::runForward},
    {"run", "run scenario files (default: the shipped suite) and report pass/fail, JUnit", mailrig::cli::runRun},
};

void printUsage(std::ostream& out) {
    out << "usage: mailrig <command> [options]\n\ncommands:\n";
    for (const auto& c : commands) out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
    out << "\n`mailrig <command> --help` describes a command's options; `mailrig --version` prints the\n"
           "version.\n";
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        printUsage(std::cerr);
        return mailrig::cli::Invalid;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        printUsage(std::cout);
        return mailrig::cli::Success;
    }
    if (name == "--version") {
        std::cout << "mailrig " << mailrig::version() << "\n";
        return mailrig::cli::Success;
    }
    for (const auto& c : commands) {
        if (name != c.name) continue;
        try {
            return c.run(std::vector<std::string>(argv + 2, argv + argc));
        } catch (const std::bad_alloc&) {
            std::cerr << "mailrig " << name << ": out of memory (an input too large to hold, or one that never "
                      << "ends, such as a device)\n";
            return mailrig::cli::Invalid;
        } catch (const std::exception& e) {
            std::cerr << "mailrig " << name << ": " << e.what() << "\n";
            return mailrig::cli::Invalid;
        }
    }
    std::cerr << "mailrig: unknown command '" << name << "'\n";
    printUsage(std::cerr);
    return mailrig::cli::Invalid;
}
