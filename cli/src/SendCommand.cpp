// `mailrig send`: compose a message or take EML files and send them (bulk when several).
#include "ClientOptions.h"
#include "Command.h"
#include "SendCalendar.h"

#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <unistd.h>

namespace mailrig::cli {

namespace {

const char* kUsage =
    "usage: mailrig send --host H --port P [options] (--eml FILE... | --from A --to B [--cc C]\n"
    "                    [--bcc D] [--subject S] [--text T] [--html H] [--attach FILE]...)\n"
    "\n"
    "Sends one message, or several --eml files as a bulk send (one connection, or --connections N\n"
    "in parallel). Exit 0 when every message was accepted for every recipient, 1 when any was\n"
    "refused (a per-message report is printed), 2 for usage or connection errors. One message\n"
    "prints a line per recipient and `message: CODE TEXT (N bytes)`: the reply to its data and\n"
    "the message's size as the server stores it (`, K attempts` added when it was retried).\n"
    "\n"
    "message:\n"
    "  --eml FILE            send FILE as read, but for CRLF line ends and without Bcc,\n"
    "                        Resent-Bcc and Return-Path (repeatable: a bulk send)\n"
    "  --from A --to B       compose: sender and recipient (--to, --cc, --bcc repeatable);\n"
    "                        an address is a@b or Name <a@b>, anything else is refused\n"
    "  --subject S --text T --html H --attach FILE\n"
    "                        all optional (no --subject: an empty Subject:)\n"
    "  --envelope-from A     MAIL FROM when it must differ from the From header (with --eml too);\n"
    "                        '' sends with the null sender <>, as bounces do\n"
    "  --tnef                send as TNEF (winmail.dat)\n"
    "  --connections N       parallel connections for a bulk send (default 1)\n";

struct SendOptions {
    ClientOptions client;
    std::vector<std::string> emls;
    std::string from, subject, text, html;
    std::optional<std::string> envelopeFrom;
    std::vector<std::string> to, cc, bcc, attachments;
    CalendarOptions calendar;
    bool help = false;
};

/// `text` as one address, `a@b` or `Name <a@b>`. Throws std::invalid_argument naming the option,
/// the text and the cause.
MailAddress addressOption(const std::string& option, const std::string& text) {
    try {
        return MailAddress::parse(text);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(option + ": " + e.what());
    }
}

SendOptions parse(const std::vector<std::string>& given) {
    SendOptions o;
    Arguments arguments(given);
    const std::vector<std::string>& args = arguments.list();
    for (std::size_t i = 0; i < args.size(); ++i) {
        arguments.settle(i);
        const std::string& a = args[i];
        if (takeClientOption(args, i, o.client) || takeCalendarOption(args, i, o.calendar)) continue;
        if (a == "--help" || a == "-h") o.help = true;
        else if (a == "--eml") o.emls.push_back(optionValue(args, i));
        else if (a == "--from") o.from = optionValue(args, i);
        else if (a == "--to") o.to.push_back(optionValue(args, i));
        else if (a == "--cc") o.cc.push_back(optionValue(args, i));
        else if (a == "--bcc") o.bcc.push_back(optionValue(args, i));
        else if (a == "--subject") o.subject = optionValue(args, i);
        else if (a == "--envelope-from") o.envelopeFrom = optionValue(args, i);
        else if (a == "--text") o.text = optionValue(args, i);
        else if (a == "--html") o.html = optionValue(args, i);
        else if (a == "--attach") o.attachments.push_back(optionValue(args, i));
        else throw std::invalid_argument(unknownOption(a) + " (see mailrig send --help)");
    }
    if (o.help) return o;
    checkClientOptions(o.client);
    if (o.envelopeFrom && !o.envelopeFrom->empty()) // `a@b` or `Name <a@b>`: the address goes on MAIL FROM
        o.envelopeFrom = addressOption("--envelope-from", *o.envelopeFrom).address;
    checkCalendarOptions(o.calendar);
    const bool composing = !o.from.empty() || !o.to.empty() || !o.subject.empty();
    if (o.emls.empty() && !composing) throw std::invalid_argument("give --eml FILE or --from/--to/--subject");
    if (!o.emls.empty() && composing) throw std::invalid_argument("--eml cannot be combined with --from/--to/--subject");
    if (composing && (o.from.empty() || (o.to.empty() && o.cc.empty() && o.bcc.empty())))
        throw std::invalid_argument("composing needs --from and at least one --to, --cc or --bcc");
    if (!composing && o.calendar.wanted())
        throw std::invalid_argument("--ical and --meeting-* go with --from/--to, not with --eml");
    if (composing) {
        // Checked here so that a bad address stops the command before anything is prepared.
        addressOption("--from", o.from);
        const std::pair<const char*, const std::vector<std::string>*> lists[] = {
            {"--to", &o.to}, {"--cc", &o.cc}, {"--bcc", &o.bcc}};
        for (const auto& [option, list] : lists)
            for (const auto& a : *list) addressOption(option, a);
    }
    return o;
}

MailMessage compose(const SendOptions& o) {
    MailMessage m;
    m.setFrom(addressOption("--from", o.from));
    for (const auto& a : o.to) m.addTo(addressOption("--to", a));
    for (const auto& a : o.cc) m.addCc(addressOption("--cc", a));
    for (const auto& a : o.bcc) m.addBcc(addressOption("--bcc", a));
    m.setSubject(o.subject);
    m.setTextBody(o.text);
    m.setHtmlBody(o.html);
    for (const auto& f : o.attachments) m.addAttachment(Attachment::fromFile(f));
    if (o.calendar.wanted()) addCalendar(o.calendar, m);
    m.ensureMessageId();
    return m;
}

/// A one-line progress bar on stderr when it is a terminal.
ProgressCallback progressBar(bool quiet) {
    if (quiet || !::isatty(STDERR_FILENO)) return {};
    return [](const SendProgress& p) {
        const std::size_t width = 40;
        const std::size_t filled = p.total ? p.completed * width / p.total : width;
        std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] "
                  << p.completed << "/" << p.total << " (" << p.failed << " failed)";
        if (p.completed == p.total) std::cerr << "\n";
        std::cerr.flush();
    };
}

int reportExitCode(const SendReport& report) {
    int code = Success;
    for (const auto& m : report.messages) {
        if (m.fullyDelivered()) continue;
        code = std::max<int>(code, Failed);
        if (!m.exception) continue;
        try {
            std::rethrow_exception(m.exception);
        } catch (const SmtpException& e) {
            code = std::max(code, exitCodeFor(e));
        } catch (...) {
        }
    }
    return code;
}

} // namespace

int runSend(const std::vector<std::string>& args) {
    const SendOptions o = parse(args);
    if (o.help) {
        std::cout << kUsage << "\n" << calendarOptionsUsage() << "\n" << clientOptionsUsage();
        return Success;
    }
    SmtpClient client = makeClient(o.client);
    try {
        if (o.emls.size() > 1) {
            // A file named several times is read once.
            MailMessageCollection messages;
            std::map<std::string, std::size_t> firstIndex;
            for (const auto& path : o.emls) {
                const auto seen = firstIndex.find(path);
                if (seen != firstIndex.end()) {
                    messages.push_back(messages[seen->second]);
                    continue;
                }
                firstIndex.emplace(path, messages.size());
                messages.push_back(MailMessage::load(path));
                messages.back().setEnvelopeSender(o.envelopeFrom);
            }
            client.setProgressCallback(progressBar(o.client.quiet));
            const SendReport report = client.send(messages);
            const int code = reportExitCode(report);
            if (!o.client.quiet || code != Success) std::cout << report.summary();
            return code;
        }
        MailMessage message = o.emls.empty() ? compose(o) : MailMessage::load(o.emls.front());
        message.setEnvelopeSender(o.envelopeFrom);
        const SendResult result = client.send(message);
        if (!o.client.quiet || !result.allAccepted()) printResult(result);
        return result.allAccepted() ? Success : Failed;
    } catch (const SmtpException& e) {
        return reportFailure("send", e);
    }
}

} // namespace mailrig::cli
