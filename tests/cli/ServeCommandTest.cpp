// `mailrig serve` as a separate process: the listening lines, one line per message, the spool,
// --exit-after, clean stops on SIGINT/SIGTERM, the script, and exit status 2 for bad options.
#include "support/BackgroundProcess.h"
#include "support/Process.h"
#include "support/SmtpClients.h"
#include "support/SmtpWire.h"

#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>

using namespace mailrig::test;

namespace {

constexpr auto kStartup = std::chrono::seconds(30);
constexpr auto kStop = std::chrono::seconds(20);

const std::string kMessage = "From: a@example.com\r\nTo: b@example.com\r\nSubject: serve\r\n\r\nbody\r\n";

/// `mailrig serve --listen 127.0.0.1:0 args...`, with the ports and CA path read from its first lines.
struct Serve {
    Serve(std::vector<std::string> args, bool implicitTls = false, bool selfSigned = false)
        : process(command(std::move(args))) {
        port = portOf(expectLine("listening on 127.0.0.1:", ""));
        if (implicitTls) tlsPort = portOf(expectLine("listening on 127.0.0.1:", " (implicit TLS)"));
        if (selfSigned) ca = expectLine("ca certificate ", "").substr(15);
    }
    static std::vector<std::string> command(std::vector<std::string> args) {
        std::vector<std::string> argv{MAILRIG_BINARY, "serve", "--listen", "127.0.0.1:0"};
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }
    std::string expectLine(const std::string& prefix, const std::string& suffix) {
        auto line = process.readLine(kStartup);
        if (!line) BOOST_FAIL("mailrig serve printed no line; stderr: " << process.wait(kStop).err);
        BOOST_REQUIRE_MESSAGE(line->rfind(prefix, 0) == 0 && line->size() >= suffix.size() &&
                                  line->compare(line->size() - suffix.size(), suffix.size(), suffix) == 0,
                              "unexpected line: " << *line);
        return *line;
    }
    static std::uint16_t portOf(const std::string& line) {
        std::smatch m;
        BOOST_REQUIRE(std::regex_search(line, m, std::regex(":([0-9]+)")));
        return static_cast<std::uint16_t>(std::stoi(m[1]));
    }
    BackgroundProcess process;
    std::uint16_t port = 0;
    std::uint16_t tlsPort = 0;
    std::string ca;
};

/// The peak resident set (`VmHWM`) of a running process in KiB, from /proc; 0 when unreadable.
std::size_t peakResidentKiB(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stoul(line.substr(6));
    return 0;
}

std::string said(const ProcessResult& r) { return "exit " + std::to_string(r.exitCode) + "\n" + r.out + r.err; }

void checkUsageError(const std::vector<std::string>& args, const std::string& expected) {
    std::vector<std::string> argv{"serve"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = runMailrig(argv, {}, std::chrono::seconds(30));
    BOOST_TEST_CONTEXT(args.front()) {
        BOOST_TEST(r.exitCode == 2, said(r));
        BOOST_TEST(r.err.find(expected) != std::string::npos, said(r));
        BOOST_TEST(r.out.empty());
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(ServeCommandTest)

BOOST_AUTO_TEST_CASE(helpDescribesEveryOption) {
    auto r = runMailrig({"serve", "--help"}, {}, std::chrono::seconds(30));
    BOOST_TEST(r.exitCode == 0);
    for (const char* option : {"--listen", "--tls-listen", "--starttls", "--cert", "--key", "--self-signed", "--auth",
                               "--allow-insecure-auth", "--script", "--out", "--fsync", "--keep-in-memory", "--exit-after", "--quiet",
                               "--event-loops"})
        BOOST_TEST(r.out.find(option) != std::string::npos, option);
    auto top = runMailrig({"--help"}, {}, std::chrono::seconds(30));
    BOOST_TEST(top.out.find("serve") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(badOptionsExitWithStatus2AndSayWhy) {
    checkUsageError({"--bogus"}, "unknown option '--bogus'");
    checkUsageError({"--listen"}, "--listen: missing value");
    checkUsageError({"--out", ""}, "--out: needs a value, not an empty one");
    checkUsageError({"--script="}, "--script: needs a value, not an empty one");
    checkUsageError({"--listen", "nohost"}, "--listen: expected HOST:PORT");
    checkUsageError({"--listen", "127.0.0.1:99999"}, "port must be 0..65535");
    checkUsageError({"--cert", "c.pem"}, "--cert needs --key");
    checkUsageError({"--starttls"}, "--starttls needs --cert and --key, or --self-signed");
    checkUsageError({"--tls-listen", "127.0.0.1:0"}, "--tls-listen needs");
    checkUsageError({"--self-signed", "--cert", "c.pem", "--key", "k.pem"}, "either --cert/--key or --self-signed");
    checkUsageError({"--exit-after", "0"}, "--exit-after: expected a positive whole number");
    checkUsageError({"--exit-after", "1000000000"}, "--exit-after: at most 999999999, got '1000000000'");
    checkUsageError({"--event-loops", "0"}, "--event-loops: expected a positive whole number");
    checkUsageError({"--event-loops", "65"}, "--event-loops: at most 64, got 65");
    checkUsageError({"--auth", "nopassword"}, "--auth: expected USER:PASS");
    checkUsageError({"--quiet=yes"}, "--quiet: takes no value");
    checkUsageError({"--fsync"}, "--fsync needs --out DIR");
    checkUsageError({"--keep-in-memory"}, "--keep-in-memory needs --out DIR");
    checkUsageError({"--fsync=always", "--out", "x"}, "--fsync: takes no value");
    checkUsageError({"--script", "/nonexistent/s.yaml"}, "/nonexistent/s.yaml: cannot read: No such file or directory");
    TempDir dir;
    checkUsageError({"--script", dir.path()}, dir.path() + ": cannot read: is a directory");
    checkUsageError({"--script", "/dev/zero"}, "/dev/zero: cannot read: larger than 64 MiB, the most read into memory");
}

BOOST_AUTO_TEST_CASE(unreadableTlsFilesOfAScriptAreNamedByTheirResolvedPathWithTheReason) {
    TempDir dir;
    writeFile(dir.file("tls.yaml"), "tls: {cert: nope.pem, key: nope-key.pem}\n");
    checkUsageError({"--script", dir.file("tls.yaml")},
                    "TLS certificate file " + dir.file("nope.pem") + ": cannot read: No such file or directory");
}

BOOST_AUTO_TEST_CASE(badScriptNamesFileLineAndKey) {
    TempDir dir;
    writeFile(dir.file("bad.yaml"), "rules:\n  - {on: RCPT, reply: 99 nope}\n");
    checkUsageError({"--script", dir.file("bad.yaml")}, dir.file("bad.yaml") + ":2:");
    checkUsageError({"--script", dir.file("bad.yaml")}, "rules[0].reply: bad reply code `99`");
}

BOOST_AUTO_TEST_CASE(unusableCertificateOrBusyPortExitWithStatus2) {
    checkUsageError({"--starttls", "--cert", "/nonexistent/c.pem", "--key", "/nonexistent/k.pem"}, "cannot start");
    Serve first({});
    auto r = runMailrig({"serve", "--listen", "127.0.0.1:" + std::to_string(first.port)}, {}, std::chrono::seconds(30));
    BOOST_TEST(r.exitCode == 2, said(r));
    BOOST_TEST(r.err.find("cannot start") != std::string::npos, said(r));
    BOOST_TEST(r.err.find(std::to_string(first.port)) != std::string::npos, said(r));
}

BOOST_AUTO_TEST_CASE(exitAfterStopsOnceNMessagesAreCapturedAndSpooled) {
    TempDir dir;
    writeFile(dir.file("message.eml"), kMessage);
    Serve serve({"--tls-listen", "127.0.0.1:0", "--starttls", "--self-signed", "--auth", "alice:pw", "--out",
                 dir.file("out"), "--exit-after", "2"},
                true, true);
    BOOST_TEST(std::filesystem::exists(serve.ca));
    auto first = curl("smtp://127.0.0.1:" + std::to_string(serve.port),
                      {"--mail-from", "a@example.com", "--mail-rcpt", "b@example.com", "--upload-file", dir.file("message.eml")});
    BOOST_TEST(first.exitCode == 0, said(first));
    auto second = swaks(serve.tlsPort, {"--tls-on-connect", "--tls-verify", "--tls-ca-path", serve.ca, "--tls-sni",
                                        "localhost", "-a", "LOGIN", "-au", "alice", "-ap", "pw", "--from", "c@example.com",
                                        "--to", "d@example.com,e@example.com", "--data", "@" + dir.file("message.eml")});
    BOOST_TEST(second.exitCode == 0, said(second));
    auto result = serve.process.wait(kStop);
    BOOST_TEST(!result.timedOut);
    BOOST_TEST(result.exitCode == 0, said(result));
    const std::string out = result.out;
    const std::string saved1 = dir.file("out/000001.eml");
    BOOST_TEST(out.find("message 1 from=<a@example.com> to=<b@example.com> size=" + std::to_string(kMessage.size()) +
                        " session=1 saved=" + saved1 + "\n") != std::string::npos, out);
    BOOST_TEST(std::regex_search(out, std::regex("message 2 from=<c@example.com> to=<d@example.com>,<e@example.com> "
                                                 "size=[0-9]+ session=2 tls=TLSv1\\.[23] auth=alice saved=")),
               out);
    BOOST_TEST(result.err.find("stopped after 2 message(s)") != std::string::npos, result.err);
    BOOST_TEST(readFile(saved1) == kMessage);
    auto json = runPython("import json,sys\nj=json.load(open(sys.argv[1]))\n"
                          "print(j['sequence'], j['session']['authUser'], j['session']['implicitTls'],"
                          " [r['address'] for r in j['recipients']])\n",
                          {dir.file("out/000002.json")}, {}, std::chrono::seconds(30));
    BOOST_TEST(json.out == "2 alice True ['d@example.com', 'e@example.com']\n", said(json));
}

BOOST_AUTO_TEST_CASE(defaultAndFsyncSpoolingBothWriteEveryMessageAsACompletePair) {
    // Without --fsync the spool only renames (no fsync); with it (here with the script's spool:)
    // it also fsyncs. Either way each
    // acknowledged message is a complete .eml + .json pair by the time the client reads its 250.
    for (const bool fsync : {false, true}) {
        BOOST_TEST_CONTEXT((fsync ? "--fsync" : "default")) {
            TempDir dir;
            std::vector<std::string> args{"--quiet", "--out", dir.file("out")};
            if (fsync) { // the script's spool: counts as a spool for --fsync too
                writeFile(dir.file("script.yaml"), "spool: out\n");
                args = {"--quiet", "--script", dir.file("script.yaml"), "--fsync"};
            }
            Serve serve(args);
            SmtpWire wire(serve.port, std::chrono::seconds(20));
            wire.hello();
            for (int n = 1; n <= 3; ++n) {
                BOOST_TEST_REQUIRE(wire.sendMail("a@example.com", {"b@example.com"}, kMessage + std::to_string(n) + "\r\n")
                                       .code == 250);
                // Checked while the server runs: the pair is complete before the 250.
                char stem[16];
                std::snprintf(stem, sizeof stem, "%06d", n);
                BOOST_TEST(readFile(dir.file("out/" + std::string(stem) + ".eml")) == kMessage + std::to_string(n) + "\r\n");
                BOOST_TEST(std::filesystem::exists(dir.file("out/" + std::string(stem) + ".json")));
            }
            wire.command("QUIT");
            serve.process.signal(SIGTERM);
            auto result = serve.process.wait(kStop);
            BOOST_TEST(result.exitCode == 0, said(result));
            auto listing = runPython("import json,os,sys\n"
                                     "d=sys.argv[1]\n"
                                     "print(sorted(os.listdir(d)))\n"
                                     "print([json.load(open(os.path.join(d,'%06d.json' % n)))['sequence'] for n in (1,2,3)])\n",
                                     {dir.file("out")}, {}, std::chrono::seconds(30));
            BOOST_TEST(listing.out == "['000001.eml', '000001.json', '000002.eml', '000002.json', '000003.eml', "
                                      "'000003.json']\n[1, 2, 3]\n",
                       said(listing));
        }
    }
}

BOOST_AUTO_TEST_CASE(eventLoopsOptionServesSessionsSideBySideWithOneLoopOrThree) {
    for (const char* loops : {"1", "3"}) {
        BOOST_TEST_CONTEXT("--event-loops " << loops) {
            TempDir dir;
            Serve serve({"--quiet", "--event-loops", loops, "--out", dir.file("out"), "--exit-after", "6"});
            std::vector<std::unique_ptr<SmtpWire>> wires;
            for (int c = 0; c < 3; ++c) {
                wires.push_back(std::make_unique<SmtpWire>(serve.port, std::chrono::seconds(20)));
                wires.back()->hello();
            }
            for (int n = 0; n < 2; ++n)
                for (auto& wire : wires) BOOST_TEST(wire->sendMail("a@example.com", {"b@example.com"}, kMessage).code == 250);
            for (auto& wire : wires) wire->command("QUIT");
            auto result = serve.process.wait(kStop);
            BOOST_TEST(result.exitCode == 0, said(result));
            BOOST_TEST(result.err.find("stopped after 6 message(s)") != std::string::npos, said(result));
            for (int n = 1; n <= 6; ++n) BOOST_TEST(readFile(dir.file("out/00000" + std::to_string(n) + ".eml")) == kMessage);
        }
    }
}

BOOST_AUTO_TEST_CASE(spoolingHoldsOneMessageAtATimeNotEveryMessage) {
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer keeps freed memory in a quarantine (256 MiB by default), which would hide
    // whether the server frees each message: turn it off for the server started below.
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string options = std::string(asan ? asan : "") + (asan && *asan ? ":" : "") + "quarantine_size_mb=0";
    ::setenv("ASAN_OPTIONS", options.c_str(), 1);
#endif
    TempDir dir;
    Serve serve({"--quiet", "--out", dir.file("out"), "--exit-after", "40"});
    std::string body = "Subject: big\r\n\r\n";
    const std::string line = std::string(998, 'x') + "\r\n";
    while (body.size() < 5u * 1024 * 1024) body += line;
    {
        SmtpWire wire(serve.port, std::chrono::seconds(20));
        wire.hello();
        for (int n = 1; n <= 40; ++n)
            BOOST_TEST_REQUIRE(wire.sendMail("a@example.com", {"b@example.com"}, body).code == 250);
        const std::size_t peakKiB = peakResidentKiB(serve.process.pid());
        // 40 x 5 MiB = 200 MiB received; holding them would need at least that much.
        BOOST_TEST(peakKiB > 0u);
#if defined(__SANITIZE_ADDRESS__)
        const std::size_t limitMiB = 150; // shadow memory and ASan's allocator caches
#else
        const std::size_t limitMiB = 100;
#endif
        BOOST_TEST(peakKiB < limitMiB * 1024, "peak resident " << peakKiB / 1024 << " MiB");
        wire.command("QUIT");
    }
    auto result = serve.process.wait(kStop);
    BOOST_TEST(result.exitCode == 0, said(result));
    BOOST_TEST(result.err.find("stopped after 40 message(s)") != std::string::npos, result.err);
    for (int n = 1; n <= 40; ++n) {
        char name[32];
        std::snprintf(name, sizeof name, "out/%06d.json", n);
        BOOST_TEST(std::filesystem::exists(dir.file(name)), name);
    }
    BOOST_TEST(std::filesystem::file_size(dir.file("out/000040.eml")) == body.size());
}

BOOST_AUTO_TEST_CASE(sigintAndSigtermStopCleanly) {
    for (int signal : {SIGINT, SIGTERM}) {
        BOOST_TEST_CONTEXT("signal " << signal) {
            Serve serve({});
            serve.process.signal(signal);
            auto result = serve.process.wait(kStop);
            BOOST_TEST(!result.timedOut);
            BOOST_TEST(result.exitCode == 0, said(result));
            BOOST_TEST(result.err.find("stopped after 0 message(s)") != std::string::npos, result.err);
        }
    }
}

BOOST_AUTO_TEST_CASE(scriptRulesAndQuietMode) {
    TempDir dir;
    writeFile(dir.file("script.yaml"),
              "hostname: mx.script.test\n"
              "rules:\n"
              "  - {on: RCPT, match: '*@refused.example', reply: '550 5.1.1 No such user'}\n");
    Serve serve({"--script", dir.file("script.yaml"), "--quiet", "--exit-after", "1"});
    auto r = pythonSmtp("s = smtplib.SMTP('127.0.0.1', port, timeout=10)\n"
                        "print(s.ehlo('py.example')[1].decode().split()[0])\n"
                        "print(s.sendmail('a@example.com', ['ok@example.com', 'x@refused.example'], b'Subject: s\\r\\n\\r\\nb\\r\\n'))\n"
                        "s.quit()\n",
                        serve.port);
    BOOST_TEST(r.out == "mx.script.test\n{'x@refused.example': (550, b'5.1.1 No such user')}\n", said(r));
    auto result = serve.process.wait(kStop);
    BOOST_TEST(result.exitCode == 0, said(result));
    BOOST_TEST(result.out.empty(), "--quiet printed: " << result.out);
}

BOOST_AUTO_TEST_CASE(spoolFailureRefusesTheMessageWith451InsteadOfLosingIt) {
    TempDir dir;
    Serve serve({"--out", dir.file("out")});
    std::filesystem::remove_all(dir.file("out")); // every later spool write fails
    auto r = pythonSmtp("s = smtplib.SMTP('127.0.0.1', port, timeout=10)\n"
                        "try:\n    s.sendmail('a@example.com', ['b@example.com'], b'Subject: s\\r\\n\\r\\nb\\r\\n')\n"
                        "except smtplib.SMTPDataError as e:\n    print(e.smtp_code)\n",
                        serve.port);
    BOOST_TEST(r.out == "451\n", said(r));
    serve.process.signal(SIGTERM);
    auto result = serve.process.wait(kStop);
    BOOST_TEST(result.exitCode == 0, said(result));
    BOOST_TEST(result.out.find("message 1") == std::string::npos, result.out);
    BOOST_TEST(result.err.find("message refused with 451") != std::string::npos, result.err);
    BOOST_TEST(result.err.find("stopped after 0 message(s)") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_CASE(sigtermStopsPromptlyWhileAClientHoldsASessionOpen) {
    Serve serve({});
    // A client that greets, starts a transaction and then just waits.
    BackgroundProcess client({"/usr/bin/python3", "-c",
                              "import smtplib,sys,time\n"
                              "s=smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30)\n"
                              "s.ehlo('idle.example'); s.mail('a@example.com')\n"
                              "print('waiting', flush=True)\n"
                              "time.sleep(25)\n",
                              std::to_string(serve.port)});
    auto ready = client.readLine(std::chrono::seconds(20));
    BOOST_REQUIRE_MESSAGE(ready && *ready == "waiting", "the client did not get going");
    const auto before = std::chrono::steady_clock::now();
    serve.process.signal(SIGTERM);
    auto result = serve.process.wait(kStop);
    BOOST_TEST(result.exitCode == 0, said(result));
    BOOST_TEST((std::chrono::steady_clock::now() - before < std::chrono::seconds(5)));
    BOOST_TEST(result.err.find("stopped after 0 message(s)") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_SUITE_END()
