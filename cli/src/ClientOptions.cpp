#include "ClientOptions.h"

#include "Command.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace mailrig::cli {

namespace {

long parseNumber(const std::string& option, const std::string& text, long min, long max) {
    std::size_t used = 0;
    long value = 0;
    try {
        value = std::stol(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || value < min || value > max)
        throw std::invalid_argument(option + " needs a number from " + std::to_string(min) + " to " +
                                    std::to_string(max) + ", not '" + text + "'");
    return value;
}

DsnOptions::Return parseDsnReturn(const std::string& text) {
    if (text == "full") return DsnOptions::Return::Full;
    if (text == "headers") return DsnOptions::Return::Headers;
    throw std::invalid_argument("--dsn-ret needs full or headers, not '" + text + "'");
}

/// `never`, or a comma-separated list of success, failure and delay (RFC 3461 4.1).
void parseDsnNotify(const std::string& text, DsnOptions& dsn) {
    dsn.notifyNever = dsn.notifySuccess = dsn.notifyFailure = dsn.notifyDelay = false;
    auto bad = [&](const std::string& why) {
        throw std::invalid_argument("--dsn-notify needs never or a list of success, failure, delay (" + why +
                                    "), not '" + text + "'");
    };
    std::istringstream items(text);
    std::string item;
    std::size_t count = 0;
    while (std::getline(items, item, ',')) {
        ++count;
        if (item == "never") dsn.notifyNever = true;
        else if (item == "success") dsn.notifySuccess = true;
        else if (item == "failure") dsn.notifyFailure = true;
        else if (item == "delay") dsn.notifyDelay = true;
        else bad("unknown value '" + item + "'");
    }
    if (count == 0 || text.back() == ',') bad("empty value");
    if (dsn.notifyNever && count > 1) bad("never excludes the others");
}

/// RFC 3461 4.4: up to 100 printable US-ASCII characters (spaces too; xtext-encoded on the wire).
std::string parseDsnEnvelopeId(const std::string& text) {
    if (text.empty() || text.size() > 100)
        throw std::invalid_argument("--dsn-envid needs 1 to 100 characters, not '" + text + "'");
    for (const unsigned char c : text)
        if (c < 0x20 || c > 0x7E)
            throw std::invalid_argument("--dsn-envid takes printable US-ASCII only, not '" + text + "'");
    return text;
}

void preparePickupDirectory(const std::string& directory) {
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error) throw std::invalid_argument("--pickup: cannot create '" + directory + "': " + error.message());
    if (!std::filesystem::is_directory(directory, error))
        throw std::invalid_argument("--pickup: '" + directory + "' is not a directory");
}

} // namespace

const std::string& optionValue(const std::vector<std::string>& args, std::size_t& i) {
    if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
    // Empty means something only for these (the null sender, an empty subject or body); for a
    // file, a host or a number it is an unset variable in a script, not a choice.
    static const char* const mayBeEmpty[] = {"--from", "--subject", "--text", "--html", "--password",
                                             "--meeting-location", "--envelope-from"};
    if (args[i + 1].empty() && std::find(std::begin(mayBeEmpty), std::end(mayBeEmpty), args[i]) == std::end(mayBeEmpty))
        throw std::invalid_argument(args[i] + " needs a value, not an empty one");
    return args[++i];
}

bool takeClientOption(const std::vector<std::string>& args, std::size_t& i, ClientOptions& o) {
    const std::string& a = args[i];
    if (a == "--host") o.host = optionValue(args, i);
    else if (a == "--port") o.port = static_cast<std::uint16_t>(parseNumber(a, optionValue(args, i), 1, 65535));
    else if (a == "--security") o.security = parseSecurityOptions(optionValue(args, i));
    else if (a == "--user") o.user = optionValue(args, i);
    else if (a == "--password") o.password = optionValue(args, i);
    else if (a == "--ca") o.caFile = optionValue(args, i);
    else if (a == "--insecure") o.insecure = true;
    else if (a == "--allow-plaintext") o.allowPlaintext = true;
    else if (a == "--timeout") o.timeoutSeconds = static_cast<int>(parseNumber(a, optionValue(args, i), 1, 3600));
    else if (a == "--ehlo") o.ehloName = optionValue(args, i);
    else if (a == "--chunking") o.chunking = true;
    else if (a == "--no-pipelining") o.pipelining = false;
    else if (a == "--attempts") o.attempts = static_cast<int>(parseNumber(a, optionValue(args, i), 1, 100));
    else if (a == "--connections") o.connections = static_cast<std::size_t>(parseNumber(a, optionValue(args, i), 1, 256));
    else if (a == "--tnef") o.tnef = true;
    else if (a == "--resent") o.resent = true;
    else if (a == "--pickup") o.pickupDirectory = optionValue(args, i);
    else if (a == "--quiet" || a == "-q") o.quiet = true;
    else if (a == "--dsn-ret") o.dsn.ret = parseDsnReturn(optionValue(args, i));
    else if (a == "--dsn-envid") o.dsn.envelopeId = parseDsnEnvelopeId(optionValue(args, i));
    else if (a == "--dsn-notify") parseDsnNotify(optionValue(args, i), o.dsn);
    else if (a == "--dsn-orcpt") o.dsn.originalRecipient = true;
    else return false;
    return true;
}

void checkClientOptions(const ClientOptions& o) {
    if (o.pickupDirectory.empty()) {
        if (o.host.empty()) throw std::invalid_argument("--host is required (or --pickup DIR)");
        if (o.port == 0) throw std::invalid_argument("--port is required (or --pickup DIR)");
    }
    if (o.insecure && !o.caFile.empty()) throw std::invalid_argument("--ca and --insecure exclude each other");
    if (!o.password.empty() && o.user.empty()) throw std::invalid_argument("--password needs --user");
}

SmtpClient makeClient(const ClientOptions& o) {
    SmtpClient client(o.host.empty() ? std::string("localhost") : o.host, o.port ? o.port : 25, o.user,
                      o.password, o.security);
    client.setTimeout(std::chrono::seconds(o.timeoutSeconds));
    client.setGreetingTimeout(std::chrono::seconds(o.timeoutSeconds));
    if (!o.ehloName.empty()) client.setEhloName(o.ehloName);
    TlsSettings tls = o.insecure ? TlsSettings::insecure() : TlsSettings();
    tls.caFile = o.caFile;
    tls.allowPlaintextFallback = o.allowPlaintext;
    client.setTlsSettings(tls);
    client.setUseChunking(o.chunking);
    client.setUsePipelining(o.pipelining);
    if (o.attempts > 1) client.setRetryPolicy(RetryPolicy::attempts(o.attempts, std::chrono::seconds(1)));
    if (o.connections > 1) {
        client.setUseMultiConnection(MultiConnectionMode::Enable);
        client.setConnectionsQuantity(o.connections);
    }
    client.setUseTnef(o.tnef);
    client.setAddResentHeaders(o.resent);
    client.setDsn(o.dsn);
    if (!o.pickupDirectory.empty()) {
        preparePickupDirectory(o.pickupDirectory);
        client.setDeliveryMethod(DeliveryMethod::pickupDirectory(o.pickupDirectory));
    }
    return client;
}

const char* clientOptionsUsage() {
    return "connection:\n"
           "  --host H              server host name or address\n"
           "  --port P              server port\n"
           "  --security MODE       none | starttls | tls | auto (default auto: TLS on 465,\n"
           "                        else STARTTLS; refuses plaintext unless --allow-plaintext)\n"
           "  --user U --password P authenticate (PLAIN, LOGIN or CRAM-MD5)\n"
           "  --ca FILE             trust the CA certificates in FILE (PEM)\n"
           "  --insecure            accept any certificate (tests only)\n"
           "  --allow-plaintext     with --security auto, continue without STARTTLS\n"
           "  --timeout SEC         per-operation timeout (default 60)\n"
           "  --ehlo NAME           name sent with EHLO (default: the local address literal)\n"
           "  --chunking            use BDAT when the server offers CHUNKING\n"
           "  --no-pipelining       never pipeline commands\n"
           "  --attempts N          retry transient failures, N tries in all (default 1)\n"
           "  --pickup DIR          write NAME.eml + NAME.envelope.json into DIR, no connection\n"
           "                        (DIR and its parents are created when missing)\n"
           "  --quiet, -q           print nothing but errors\n"
           "\n"
           "delivery status notifications (RFC 3461; sent only when the server offers DSN):\n"
           "  --dsn-ret full|headers\n"
           "                        RET= on MAIL FROM: a failure report returns the whole\n"
           "                        message or only its headers\n"
           "  --dsn-envid ID        ENVID= on MAIL FROM (1-100 printable ASCII characters)\n"
           "  --dsn-notify WHEN     NOTIFY= on each RCPT TO: never, or a comma-separated list\n"
           "                        of success, failure, delay\n"
           "  --dsn-orcpt           ORCPT= on each RCPT TO, naming that recipient\n";
}

int exitCodeFor(const SmtpException& e) {
    switch (e.kind()) {
    case SmtpErrorKind::Connection:
    case SmtpErrorKind::Tls:
    case SmtpErrorKind::Authentication:
    case SmtpErrorKind::Protocol: return Invalid;
    default: return Failed;
    }
}

namespace {

void printRecipients(const std::vector<RecipientResult>& recipients) {
    for (const auto& r : recipients) {
        std::cout << r.address << ": " << toString(r.status);
        if (r.replyCode) std::cout << " " << r.replyCode << " " << r.replyText.substr(0, r.replyText.find('\n'));
        std::cout << "\n";
    }
}

} // namespace

int reportFailure(const char* command, const SmtpException& e) {
    printRecipients(e.recipients());
    std::cout.flush();
    std::cerr << "mailrig " << command << ": " << e.what() << "\n";
    return exitCodeFor(e);
}

void printResult(const SendResult& result) {
    printRecipients(result.recipients);
    if (result.dataReplyCode)
        std::cout << "message: " << result.dataReplyCode << " "
                  << result.dataReplyText.substr(0, result.dataReplyText.find('\n')) << " (" << result.messageSize
                  << " bytes" << (result.attempts > 1 ? ", " + std::to_string(result.attempts) + " attempts" : "")
                  << ")\n";
}

} // namespace mailrig::cli
