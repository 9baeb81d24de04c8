// `mailrig forward`: redirect an EML file (streamed, any size) to a new envelope.
#include "ClientOptions.h"
#include "Command.h"
#include "InputFile.h"

#include <fstream>
#include <iostream>
#include <stdexcept>

namespace mailrig::cli {

namespace {

const char* kUsage =
    "usage: mailrig forward --host H --port P [options] --from A --to B [--to C]... FILE.eml\n"
    "\n"
    "Redirects FILE.eml (or - for stdin) to new recipients: MAIL FROM A, RCPT TO each --to; the\n"
    "message bytes are streamed as read, but for CRLF line ends and without Bcc, Resent-Bcc and\n"
    "Return-Path, in bounded memory, whatever the size. Before connecting, the start is checked: FILE must begin with a\n"
    "header field (Name: value) and its header block must end with a blank line within the\n"
    "first 1 MiB, else `FILE: not a message: CAUSE` and exit 2. Exit 0 when every recipient\n"
    "accepted it, 1 when any refused, 2 for usage, unreadable or non-message input, and\n"
    "connection errors.\n"
    "\n"
    "  --from A              envelope sender (\"\" for the null sender <>)\n"
    "  --to B                envelope recipient (repeatable)\n"
    "  --resent              prepend Resent-Date/-From/-To/-Message-ID\n";

} // namespace

int runForward(const std::vector<std::string>& given) {
    ClientOptions client;
    std::string from, file;
    bool haveFrom = false;
    std::vector<std::string> to;
    Arguments arguments(given);
    const std::vector<std::string>& args = arguments.list();
    for (std::size_t i = 0; i < args.size(); ++i) {
        arguments.settle(i);
        const std::string& a = args[i];
        if (takeClientOption(args, i, client)) continue;
        if (a == "--help" || a == "-h") {
            std::cout << kUsage << "\n" << clientOptionsUsage();
            return Success;
        }
        if (a == "--from") {
            from = optionValue(args, i);
            haveFrom = true;
        } else if (a == "--to") {
            to.push_back(optionValue(args, i));
        } else if (a.size() > 1 && a[0] == '-') {
            throw std::invalid_argument(unknownOption(a) + " (see mailrig forward --help)");
        } else if (file.empty()) {
            file = a;
        } else {
            throw std::invalid_argument("only one FILE.eml may be given ('" + a + "')");
        }
    }
    checkClientOptions(client);
    if (!haveFrom) throw std::invalid_argument("--from is required");
    if (to.empty()) throw std::invalid_argument("at least one --to is required");
    if (file.empty()) throw std::invalid_argument("the EML file to forward is missing");
    std::ifstream in;
    if (file != "-") openInputFile(in, file);
    SmtpClient smtp = makeClient(client);
    try {
        const SendResult result = smtp.forward(from, to, file == "-" ? std::cin : in);
        if (!client.quiet || !result.allAccepted()) printResult(result);
        return result.allAccepted() ? Success : Failed;
    } catch (const NotAMessageError& e) {
        std::cerr << "mailrig forward: " << (file == "-" ? "<stdin>" : file) << ": " << e.what() << "\n";
        return Invalid;
    } catch (const SmtpException& e) {
        return reportFailure("forward", e);
    }
}

} // namespace mailrig::cli
