#pragma once
// Options shared by `mailrig send` and `mailrig forward`: where to connect and how.

#include "mailrig/client/SmtpClient.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mailrig::cli {

/// Connection options of the client commands, as parsed.
struct ClientOptions {
    std::string host;
    std::uint16_t port = 0;
    SecurityOptions security = SecurityOptions::Auto;
    std::string user;
    std::string password;
    std::string caFile;
    bool insecure = false;
    bool allowPlaintext = false;
    int timeoutSeconds = 60;
    std::string ehloName;
    bool chunking = false;
    bool pipelining = true;
    int attempts = 1;
    std::size_t connections = 1;
    bool tnef = false;
    bool resent = false;
    std::string pickupDirectory;
    bool quiet = false;
    DsnOptions dsn;
};

/// Takes the option at `args[i]` (and its value) when it is a client option; returns false for
/// any other argument. Throws std::invalid_argument naming the option for a missing or bad value.
bool takeClientOption(const std::vector<std::string>& args, std::size_t& i, ClientOptions& options);
/// Throws std::invalid_argument when required options are missing or contradict each other.
void checkClientOptions(const ClientOptions& options);
/// A configured client for the options. Creates the --pickup directory (and its parents) when
/// it does not exist yet; throws std::invalid_argument naming it and the system's reason when
/// that fails or it is not a directory.
SmtpClient makeClient(const ClientOptions& options);
/// The `--help` lines for the shared options.
const char* clientOptionsUsage();
/// The value after option `args[i]`, advancing `i`; throws std::invalid_argument when missing,
/// or empty for an option other than --from, --subject, --text, --html, --password and
/// --meeting-location.
const std::string& optionValue(const std::vector<std::string>& args, std::size_t& i);

/// The exit status for a failure thrown by a send: 2 for connection, TLS and authentication
/// errors (nothing could be sent), 1 for refusals.
int exitCodeFor(const SmtpException& e);
/// Prints one line per recipient of a finished send on stdout, then `message: CODE TEXT (N bytes)`
/// with the reply to the end of the data (its queue id) when the data was sent.
void printResult(const SendResult& result);
/// Reports a send that threw: a line per recipient on stdout when the server refused them all
/// (as printResult would), then `mailrig COMMAND: what()` on stderr; returns exitCodeFor(e).
int reportFailure(const char* command, const SmtpException& e);

} // namespace mailrig::cli
