#include "support/SmtpClients.h"

#include <chrono>

namespace mailrig::test {

namespace {
constexpr auto kClientBound = std::chrono::seconds(60);
}

ProcessResult swaks(std::uint16_t port, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"swaks", "--server", "127.0.0.1:" + std::to_string(port), "--timeout", "10"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv, {}, kClientBound);
}

ProcessResult curl(const std::string& url, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"curl", "-sS", "--max-time", "20", url};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv, {}, kClientBound);
}

ProcessResult pythonSmtp(const std::string& script, std::uint16_t port, const std::string& caPath,
                         const std::vector<std::string>& extra) {
    const std::string prelude =
        "import smtplib, ssl, sys, base64\n"
        "port = int(sys.argv[1])\n"
        "ca = sys.argv[2]\n"
        "def verifying():\n"
        "    c = ssl.create_default_context(cafile=ca)\n"
        "    return c\n";
    std::vector<std::string> args{std::to_string(port), caPath};
    args.insert(args.end(), extra.begin(), extra.end());
    return runPython(prelude + script, args, {}, kClientBound);
}

} // namespace mailrig::test
