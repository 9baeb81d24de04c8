// mailrig serve: the capturing fake SMTP server as a standalone program.
#include "Command.h"
#include "ServeOptions.h"
#include "StopSignals.h"

#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/ServerConfigYaml.h"
#include "mailrig/fakeserver/SpoolWriter.h"
#include "mailrig/fakeserver/TestCertificates.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <malloc.h>
#include <memory>
#include <mutex>
#include <thread>

namespace mailrig::cli {

namespace {

/// How long `--exit-after` waits for the client that sent the last message to finish its session.
constexpr auto kExitGrace = std::chrono::seconds(5);

void appendAngle(std::string& out, const std::string& address) {
    out += '<';
    out += address;
    out += '>';
}

std::string flagList(const fake::MessageFlags& flags) {
    std::string out;
    auto add = [&](bool on, const char* name) {
        if (on) out += (out.empty() ? "" : ",") + std::string(name);
    };
    add(flags.smuggling, "smuggling");
    add(flags.bareLf, "bare-lf");
    add(flags.bareCr, "bare-cr");
    add(flags.eightBitWithout8BitMime, "8bit-without-8bitmime");
    add(flags.overlongLines, "overlong-lines");
    add(flags.nulBytes, "nul-bytes");
    return out;
}

/// `message 3 from=<a@b> to=<c@d>,<e@f> size=1234 session=2 tls=TLSv1.3 auth=alice flags=bare-lf saved=DIR/000003.eml`
std::string messageLine(const fake::CapturedMessage& message, const std::string& savedPath) {
    std::string line = "message " + std::to_string(message.sequence()) + " from=";
    appendAngle(line, message.mailFrom().address);
    line += " to=";
    const auto& recipients = message.recipients();
    for (std::size_t i = 0; i < recipients.size(); ++i) {
        if (i) line += ',';
        appendAngle(line, recipients[i].address);
    }
    line += " size=" + std::to_string(message.data().size()) + " session=" + std::to_string(message.sessionId());
    const fake::SessionInfo session = message.sessionPart(); // facts only: not the whole transcript
    if (session.tls) line += " tls=" + (session.tlsVersion.empty() ? std::string("yes") : session.tlsVersion);
    if (!session.authUser.empty()) line += " auth=" + session.authUser;
    const std::string flags = flagList(message.flags());
    if (!flags.empty()) line += " flags=" + flags;
    if (!savedPath.empty()) line += " saved=" + savedPath;
    line += '\n';
    return line;
}

/// Keeps freed message buffers mapped for the next message. Without it, glibc hands every
/// buffer over its (adaptive, at most 32 MiB) mmap threshold back to the kernel when a spooled
/// message is dropped, and the next message faults in and zeroes the same amount of fresh pages
/// again: a third of the time of a run of 10 MB messages. Memory stays bounded: freed blocks are
/// reused, and the top of a heap is still trimmed beyond 128 MiB.
void reuseMessageBuffers() {
    mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024 * 1024);
}

std::string hostPort(const std::string& host, std::uint16_t port) {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

} // namespace

int runServe(const std::vector<std::string>& args) {
    ServeOptions options;
    fake::ServerConfig config;
    try {
        options = parseServeOptions(args);
        if (options.help) {
            std::cout << serveUsage();
            return Success;
        }
        config = buildServeConfig(options);
    } catch (const UsageError& e) {
        std::cerr << "mailrig serve: " << e.what() << "\n";
        return Invalid;
    } catch (const fake::YamlConfigError& e) {
        std::cerr << "mailrig serve: " << e.what() << "\n";
        return Invalid;
    }

    std::unique_ptr<fake::SpoolWriter> spool;
    if (!options.outDirectory.empty())
        spool = std::make_unique<fake::SpoolWriter>(
            options.outDirectory, options.fsync ? fake::SpoolDurability::Fsync : fake::SpoolDurability::RenameOnly);

    std::signal(SIGPIPE, SIG_IGN);
    BlockedStopSignals signals;
    fake::FakeSmtpServer server(config);
    // Each message is written and printed by the callback below; holding them all as well would
    // grow without bound over a long spooling run.
    if (spool && !options.keepInMemory) {
        server.store().setRetention(fake::Retention::KeepNone);
        reuseMessageBuffers();
    }
    std::mutex outputMutex;
    std::atomic<std::size_t> captured{0};
    server.store().addCaptureCallback([&](const fake::CapturedMessage& message) {
        std::string saved;
        if (spool) {
            try {
                saved = spool->write(message).emlPath;
            } catch (const std::exception& e) {
                std::lock_guard<std::mutex> lock(outputMutex);
                std::cerr << "mailrig serve: message refused with 451: " << e.what() << "\n";
                throw; // the client gets 451 and the message is not kept
            }
        }
        ++captured;
        if (options.quiet) return;
        const std::string line = messageLine(message, saved);
        std::lock_guard<std::mutex> lock(outputMutex);
        std::cout.write(line.data(), static_cast<std::streamsize>(line.size())).flush();
    });
    try {
        server.start();
    } catch (const std::exception& e) {
        std::cerr << "mailrig serve: cannot start: " << e.what() << "\n";
        return Invalid;
    }
    {
        std::lock_guard<std::mutex> lock(outputMutex);
        std::cout << "listening on " << hostPort(server.host(), server.port()) << "\n";
        if (server.tlsPort() != 0)
            std::cout << "listening on " << hostPort(server.host(), server.tlsPort()) << " (implicit TLS)\n";
        if (config.tls && config.tls->certificateFile.empty() && config.tls->certificatePem.empty())
            std::cout << "ca certificate " << fake::TestCertificates::shared().caCertificatePath() << "\n";
        std::cout << std::flush;
    }

    int signal = 0;
    while (!signal && (options.exitAfter == 0 || captured.load() < options.exitAfter))
        signal = signals.wait(std::chrono::milliseconds(100));
    if (!signal) {
        // Let the client that sent the last message read its 250 and say QUIT.
        const auto deadline = std::chrono::steady_clock::now() + kExitGrace;
        while (server.activeConnections() > 0 && std::chrono::steady_clock::now() < deadline && !signal)
            signal = signals.wait(std::chrono::milliseconds(20));
    }
    server.stop();
    {
        std::lock_guard<std::mutex> lock(outputMutex);
        std::cerr << "mailrig serve: " << (signal ? std::string(strsignal(signal)) + ", " : std::string())
                  << "stopped after " << captured.load() << " message(s)\n";
    }
    return Success;
}

} // namespace mailrig::cli
