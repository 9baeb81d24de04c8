// `mailrig send` and `mailrig forward` against the embedded fake server.
#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/MessageCalendar.h"
#include "mailrig/fakeserver/MessageView.h"
#include "support/Process.h"
#include "support/SmtpClientTesting.h"
#include "support/UnansweredListener.h"

#include <filesystem>

using namespace mailrig;
using mailrig::fake::FakeSmtpServer;
using mailrig::fake::ServerConfig;
using namespace std::string_literals;

namespace {

struct Started : test::StartedServer {
    using StartedServer::StartedServer;
    std::vector<std::string> connection(const std::string& command) const {
        return {command, "--host", "127.0.0.1", "--port", std::to_string(server.port()), "--security", "none"};
    }
};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// A port on 127.0.0.1 where nothing listens (a server's, after it stopped).
std::uint16_t closedPort() {
    Started s;
    return s.server.port();
}

/// A plain server that refuses RCPT TO:<nobody@...> with 550.
ServerConfig refusingNobody() {
    ServerConfig config = ServerConfig::plain();
    config.rules.push_back(test::replyRule(fake::Phase::Rcpt, 550, "5.1.1 unknown", "nobody@*"));
    return config;
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpCliTest)

BOOST_AUTO_TEST_CASE(sendComposesAndDelivers) {
    Started s;
    const test::ProcessResult r = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--from", "Alice <alice@example.org>", "--to", "bob@example.org",
                                                        "--bcc", "dave@example.org", "--subject", "cli", "--text", "hi"});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    const fake::CapturedMessage m = s.server.store().last();
    BOOST_TEST(m.recipientAddresses().size() == 2u);
    BOOST_TEST(m.view().subject() == "cli");
    BOOST_TEST(r.out.find("bob@example.org: accepted 250") != std::string::npos);
    // The reply to the end of data, with the queue id the server gave.
    BOOST_TEST(r.out.find("message: 250 2.0.0 Ok: queued as " + std::to_string(m.sequence()) + " (") != std::string::npos,
               r.out);
}

BOOST_AUTO_TEST_CASE(envelopeFromSetsMailFromApartFromTheFromHeaderOrTheNullSender) {
    Started s;
    const test::ProcessResult bounce = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--from", "Mail Delivery <mailer-daemon@example.org>", "--to",
                                                        "bob@example.org", "--subject", "Undelivered", "--envelope-from", ""});
    BOOST_TEST(bounce.exitCode == 0, bounce.err);
    const test::ProcessResult named = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--eml", test::fixturePath("eml/plain-text.eml"),
                                                        "--envelope-from", "Bounces <b@example.org>"});
    BOOST_TEST(named.exitCode == 0, named.err);
    BOOST_REQUIRE(s.server.store().waitForCount(2, std::chrono::seconds(5)));
    const auto messages = s.server.store().messages();
    BOOST_TEST(messages.at(0).mailFrom().address == "");
    BOOST_TEST(messages.at(0).view().from().at(0).address == "mailer-daemon@example.org");
    BOOST_TEST(messages.at(1).mailFrom().address == "b@example.org");
}

BOOST_AUTO_TEST_CASE(optionsTakeTheirValueAfterAnEqualsSignToo) {
    Started s;
    const test::ProcessResult r = test::runMailrig(
        {"send", "--host=127.0.0.1", "--port=" + std::to_string(s.server.port()), "--security=none",
         "--from=alice@example.org", "--to=bob@example.org", "--subject=eq", "--text", "--looks=like-an-option"});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    BOOST_TEST(s.server.store().last().view().subject() == "eq");
    BOOST_TEST(s.server.store().last().data().find("\r\n\r\n--looks=like-an-option") != std::string::npos); // a value, whole
    const test::ProcessResult flag = test::runMailrig(s.connection("send") + std::vector<std::string>{"--chunking=yes"});
    BOOST_TEST(flag.exitCode == 2);
    BOOST_TEST(flag.err.find("--chunking takes no value") != std::string::npos, flag.err);
}

BOOST_AUTO_TEST_CASE(sendOfSeveralEmlsIsABulkWithReportAndExit1OnRefusal) {
    Started s(refusingNobody());
    test::TempDir dir;
    test::writeFile(dir.file("a.eml"), "From: a@example.org\r\nTo: b@example.org\r\nSubject: a\r\n\r\nA\r\n");
    test::writeFile(dir.file("b.eml"), "From: a@example.org\r\nTo: nobody@example.org\r\nSubject: b\r\n\r\nB\r\n");
    const test::ProcessResult r = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--eml", dir.file("a.eml"), "--eml", dir.file("b.eml"),
                                                        "--connections", "2"});
    BOOST_TEST(r.exitCode == 1, r.out << r.err);
    BOOST_TEST(r.out.find("#1 succeeded") != std::string::npos, r.out); // numbered from 1, as given
    BOOST_TEST(r.out.find("#2 failed") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("nobody@example.org rejected 550") != std::string::npos);
    BOOST_TEST(s.server.store().count() == 1u);
    BOOST_TEST(s.server.store().last().data() == test::readFile(dir.file("a.eml")));
}

BOOST_AUTO_TEST_CASE(forwardStreamsAFile) {
    Started s;
    test::TempDir dir;
    test::writeFile(dir.file("in.eml"), "From: a@example.org\nBcc: x@example.org\nSubject: f\n\nbody\n");
    const test::ProcessResult r = test::runMailrig(
        s.connection("forward") + std::vector<std::string>{"--from", "fw@example.org", "--to", "c@example.org",
                                                           "--to", "d@example.org", dir.file("in.eml")});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    const fake::CapturedMessage m = s.server.store().last();
    BOOST_TEST(m.mailFrom().address == "fw@example.org");
    BOOST_TEST(m.recipientAddresses().size() == 2u);
    BOOST_TEST(m.data() == "From: a@example.org\r\nSubject: f\r\n\r\nbody\r\n");
}

BOOST_AUTO_TEST_CASE(connectionFailureAndUsageErrorsExit2) {
    std::uint16_t port;
    {
        Started s;
        port = s.server.port();
    }
    const test::ProcessResult refused = test::runMailrig(
        {"send", "--host", "127.0.0.1", "--port", std::to_string(port), "--security", "none", "--from",
         "a@example.org", "--to", "b@example.org", "--subject", "x"});
    BOOST_TEST(refused.exitCode == 2);
    BOOST_TEST(refused.err.find("cannot connect") != std::string::npos);
    const test::ProcessResult usage = test::runMailrig({"send", "--host", "h", "--port", "25", "--bogus"});
    BOOST_TEST(usage.exitCode == 2);
    BOOST_TEST(usage.err.find("--bogus") != std::string::npos);
    const test::ProcessResult missing = test::runMailrig({"forward", "--host", "h", "--port", "25", "--from", "a@b"});
    BOOST_TEST(missing.exitCode == 2);
    BOOST_TEST(missing.err.find("--to") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(autoSecurityRefusesPlaintextServer) {
    Started s;
    const test::ProcessResult r = test::runMailrig(
        {"send", "--host", "127.0.0.1", "--port", std::to_string(s.server.port()), "--from", "a@example.org",
         "--to", "b@example.org", "--subject", "x"});
    BOOST_TEST(r.exitCode == 2);
    BOOST_TEST(r.err.find("STARTTLS") != std::string::npos);
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(sendWithIcalFileSendsALintCleanMeetingRequest) {
    Started s;
    test::TempDir dir;
    // LF line ends and a long line on purpose: the client must send CRLF and fold at 75 octets.
    test::writeFile(dir.file("invite.ics"),
                    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Example//Test//EN\nMETHOD:REQUEST\nBEGIN:VEVENT\n"
                    "UID:cli-ical-1@example.org\nDTSTAMP:20261101T080000Z\nDTSTART:20261201T090000Z\n"
                    "DTEND:20261201T100000Z\nSUMMARY:Planning\nORGANIZER;CN=Alice:mailto:alice@example.org\n"
                    "ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:bob@example.org\n"
                    "DESCRIPTION:" + std::string(120, 'x') + "\nEND:VEVENT\nEND:VCALENDAR\n");
    const test::ProcessResult r = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--from", "Alice <alice@example.org>", "--to", "bob@example.org",
                                                        "--subject", "Planning", "--ical", dir.file("invite.ics")});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    const auto calendar = fake::calendarOf(s.server.store().last().view());
    BOOST_REQUIRE(calendar.has_value());
    BOOST_TEST(calendar->parsed());
    BOOST_TEST(calendar->method() == "REQUEST");
    for (const auto& f : calendar->findings()) BOOST_TEST_MESSAGE(f.code << ": " << f.message);
    BOOST_TEST(calendar->findings().empty());
    BOOST_REQUIRE(calendar->event());
    BOOST_TEST(calendar->event()->uid == "cli-ical-1@example.org");
}

BOOST_AUTO_TEST_CASE(sendWithMeetingFlagsBuildsARequestFromTheEnvelope) {
    Started s;
    const test::ProcessResult r = test::runMailrig(
        s.connection("send") +
        std::vector<std::string>{"--from", "Alice <alice@example.org>", "--to", "bob@example.org", "--cc", "carol@example.org",
                                 "--subject", "Review", "--meeting-start", "2026-12-01T10:00:00+01:00", "--meeting-end",
                                 "2026-12-01T09:30:00Z", "--meeting-location", "Room 1", "--meeting-zone", "Europe/Berlin"});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    const auto calendar = fake::calendarOf(s.server.store().last().view());
    BOOST_REQUIRE(calendar.has_value());
    for (const auto& f : calendar->findings()) BOOST_TEST_MESSAGE(f.code << ": " << f.message);
    BOOST_TEST(calendar->findings().empty());
    const fake::CalendarEvent* event = calendar->event();
    BOOST_REQUIRE(event);
    BOOST_TEST(event->summary == "Review");
    BOOST_TEST(event->location == "Room 1");
    BOOST_TEST(event->startZone == "Europe/Berlin");
    BOOST_REQUIRE(event->start.has_value());
    BOOST_REQUIRE(event->end.has_value());
    BOOST_TEST(std::chrono::duration_cast<std::chrono::minutes>(*event->end - *event->start).count() == 30);
    BOOST_REQUIRE(event->organizer.has_value());
    BOOST_TEST(event->organizer->address == "alice@example.org");
    BOOST_REQUIRE(event->attendees.size() == 2u);
    BOOST_TEST(event->attendees[0].address == "bob@example.org");
    BOOST_TEST(event->attendees[0].role == "REQ-PARTICIPANT");
    BOOST_TEST(event->attendees[1].address == "carol@example.org");
    BOOST_TEST(event->attendees[1].role == "OPT-PARTICIPANT");
}

BOOST_AUTO_TEST_CASE(meetingOptionErrorsExit2NamingTheOption) {
    const std::vector<std::string> base{"send", "--host", "127.0.0.1", "--port", "25", "--from", "a@example.org",
                                        "--to", "b@example.org", "--subject", "x"};
    const test::ProcessResult badTime =
        test::runMailrig(base + std::vector<std::string>{"--meeting-start", "tomorrow", "--meeting-end", "2026-12-01T09:00:00Z"});
    BOOST_TEST(badTime.exitCode == 2);
    BOOST_TEST(badTime.err.find("--meeting-start") != std::string::npos, badTime.err);
    const test::ProcessResult farAway = test::runMailrig(
        base + std::vector<std::string>{"--meeting-start", "6561-12-01T09:00:00Z", "--meeting-end", "6561-12-01T10:00:00Z"});
    BOOST_TEST(farAway.exitCode == 2);
    BOOST_TEST(farAway.err.find("--meeting-start must lie in the years 1678 to 2261") != std::string::npos, farAway.err);
    for (const std::string offset : {"+99:99", "+00:61", "+24:00", "+1"}) {
        const test::ProcessResult badZone = test::runMailrig(
            base + std::vector<std::string>{"--meeting-start", "2026-12-01T09:00:00" + offset, "--meeting-end",
                                            "2026-12-01T10:00:00Z"});
        BOOST_TEST(badZone.exitCode == 2, offset);
        BOOST_TEST(badZone.err.find("--meeting-start needs a time with its zone") != std::string::npos, badZone.err);
    }
    const test::ProcessResult noEnd = test::runMailrig(base + std::vector<std::string>{"--meeting-start", "2026-12-01T09:00:00Z"});
    BOOST_TEST(noEnd.exitCode == 2);
    BOOST_TEST(noEnd.err.find("--meeting-end") != std::string::npos, noEnd.err);
    const test::ProcessResult missing = test::runMailrig(base + std::vector<std::string>{"--ical", "/nonexistent/x.ics"});
    BOOST_TEST(missing.exitCode == 2);
    BOOST_TEST(missing.err.find("/nonexistent/x.ics") != std::string::npos, missing.err);
    const test::ProcessResult endless = test::runMailrig(base + std::vector<std::string>{"--ical", "/dev/zero"});
    BOOST_TEST(endless.exitCode == 2);
    BOOST_TEST(endless.err == "mailrig send: --ical: cannot read '/dev/zero': larger than 64 MiB, the most read into memory\n",
               endless.err);
    test::TempDir dir;
    test::writeFile(dir.file("no-method.ics"), "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n");
    const test::ProcessResult noMethod = test::runMailrig(base + std::vector<std::string>{"--ical", dir.file("no-method.ics")});
    BOOST_TEST(noMethod.exitCode == 2);
    BOOST_TEST(noMethod.err.find("METHOD") != std::string::npos, noMethod.err);
}

BOOST_AUTO_TEST_CASE(bulkProgressBarOnlyWhenStderrIsATerminal) {
    Started s;
    test::TempDir dir;
    std::vector<std::string> args = s.connection("send");
    for (int i = 0; i < 3; ++i) {
        const std::string name = dir.file("m" + std::to_string(i) + ".eml");
        test::writeFile(name, "From: a@example.org\r\nTo: b@example.org\r\nSubject: p\r\n\r\nP\r\n");
        args.insert(args.end(), {"--eml", name});
    }
    // stderr on a pipe: no progress bar.
    const test::ProcessResult piped = test::runMailrig(args);
    BOOST_TEST(piped.exitCode == 0, piped.err);
    BOOST_TEST(piped.err.find("3/3") == std::string::npos, piped.err);
    // stderr on a pseudo-terminal (Python's pty as the independent terminal): the bar is drawn.
    args.insert(args.begin(), MAILRIG_BINARY);
    const test::ProcessResult tty = test::runPython(
        "import os, pty, subprocess, sys\n"
        "master, slave = pty.openpty()\n"
        "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=slave)\n"
        "os.close(slave)\n"
        "seen = b''\n"
        "while True:\n"
        "    try: chunk = os.read(master, 4096)\n"
        "    except OSError: break\n"
        "    if not chunk: break\n"
        "    seen += chunk\n"
        "sys.stdout.write(seen.decode()); sys.exit(p.wait())\n",
        args);
    BOOST_TEST(tty.exitCode == 0, tty.err);
    BOOST_TEST(tty.out.find("] 3/3 (0 failed)") != std::string::npos, tty.out);
    BOOST_TEST(tty.out.find("[#") != std::string::npos, tty.out);
    BOOST_TEST(s.server.store().count() == 6u);
}

BOOST_AUTO_TEST_CASE(forwardWithARefusedRecipientExits1AndPrintsEachRecipient) {
    Started s(refusingNobody());
    test::TempDir dir;
    test::writeFile(dir.file("in.eml"), "From: a@example.org\r\nSubject: f\r\n\r\nbody\r\n");
    const test::ProcessResult r = test::runMailrig(
        s.connection("forward") + std::vector<std::string>{"--from", "fw@example.org", "--to", "c@example.org",
                                                           "--to", "nobody@example.org", "--quiet", dir.file("in.eml")});
    BOOST_TEST(r.exitCode == 1, r.out << r.err);
    BOOST_TEST(r.out.find("c@example.org: accepted 250") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("nobody@example.org: rejected 550") != std::string::npos, r.out);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    BOOST_TEST(s.server.store().last().recipientAddresses() == std::vector<std::string>{"c@example.org"});
}

BOOST_AUTO_TEST_CASE(everyRecipientRefusedStillPrintsALinePerRecipient) {
    Started s(refusingNobody());
    test::TempDir dir;
    test::writeFile(dir.file("in.eml"), "From: a@example.org\r\nSubject: f\r\n\r\nbody\r\n");
    const std::vector<std::vector<std::string>> commands = {
        s.connection("send") + std::vector<std::string>{"--from", "a@example.org", "--to", "nobody@example.org",
                                                        "--to", "nobody@example.net", "--subject", "s"},
        s.connection("forward") + std::vector<std::string>{"--from", "fw@example.org", "--to", "nobody@example.org",
                                                           "--to", "nobody@example.net", dir.file("in.eml")}};
    for (const auto& command : commands) {
        const test::ProcessResult r = test::runMailrig(command);
        BOOST_TEST(r.exitCode == 1, r.out << r.err);
        BOOST_TEST(r.out.find("nobody@example.org: rejected 550 5.1.1 unknown\n") != std::string::npos, r.out);
        BOOST_TEST(r.out.find("nobody@example.net: rejected 550 5.1.1 unknown\n") != std::string::npos, r.out);
        BOOST_TEST(r.err.find("server refused every recipient") != std::string::npos, r.err);
    }
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(forwardRefusesAFileWithoutAHeaderBlock) {
    // Checked before connecting: nothing listens on the port, yet the error is about the file.
    const std::vector<std::string> base{"forward", "--host", "127.0.0.1", "--port", std::to_string(closedPort()),
                                        "--security", "none", "--from", "a@b.example", "--to", "c@d.example"};
    test::TempDir dir;
    std::string binary;
    for (int i = 0; i < 3000; ++i) binary += static_cast<char>((i * 7919) % 256);
    const std::pair<std::string, std::string> cases[] = {
        {std::string(600, 'A'), "no header block (the data does not start with a header field)"},
        {binary, "no header block (the data does not start with a header field)"},
        {"Subject: x\nX-Bin: a\0b\n\nbody\n"s, "binary data (a NUL byte) in the header block"},
        {"", "the stream is empty"},
        // 1.1 MB of header fields and no blank line: where would the header block end?
        {[] {
             std::string h;
             while (h.size() < 1100 * 1024) h += "X-Filler: " + std::string(60, 'f') + "\n";
             return h + "\nbody\n";
         }(),
         "no blank line ends the header block within the first 1 MiB (1048576 bytes)"},
    };
    for (const auto& [bytes, cause] : cases) {
        test::writeFile(dir.file("in.eml"), bytes);
        const test::ProcessResult r = test::runMailrig(base + std::vector<std::string>{dir.file("in.eml")});
        BOOST_TEST_CONTEXT(cause) {
            BOOST_TEST(r.exitCode == 2, r.err);
            BOOST_TEST(r.err == "mailrig forward: " + dir.file("in.eml") + ": not a message: " + cause + "\n");
        }
    }
    const test::ProcessResult fromStdin = test::runMailrig(base + std::vector<std::string>{"-"}, std::string(600, 'A'));
    BOOST_TEST(fromStdin.exitCode == 2);
    BOOST_TEST(fromStdin.err.find("mailrig forward: <stdin>: not a message: ") == 0, fromStdin.err);
}

BOOST_AUTO_TEST_CASE(forwardTakesAHeaderOnlyMessageAndAHeaderBlockEndingNearTheBound) {
    Started s;
    test::TempDir dir;
    std::string large;
    while (large.size() < 1000 * 1024) large += "X-Filler: " + std::string(60, 'f') + "\r\n";
    large += "\r\nbody\r\n";
    for (const std::string& bytes : {std::string("From: a@example.org\r\nSubject: headers only\r\n"), large}) {
        test::writeFile(dir.file("in.eml"), bytes);
        const test::ProcessResult r = test::runMailrig(
            s.connection("forward") + std::vector<std::string>{"--from", "fw@example.org", "--to", "c@example.org",
                                                               dir.file("in.eml")});
        BOOST_TEST(r.exitCode == 0, r.err);
    }
    BOOST_REQUIRE(s.server.store().waitForCount(2, std::chrono::seconds(5)));
    BOOST_TEST(s.server.store().last().data() == large);
}

BOOST_AUTO_TEST_CASE(unreadableFilesAreNamedWithTheSystemsReason) {
    const std::vector<std::string> forward{"forward", "--host", "127.0.0.1", "--port", "25", "--from", "a@b.example",
                                           "--to", "c@d.example"};
    test::TempDir dir;
    const test::ProcessResult missing = test::runMailrig(forward + std::vector<std::string>{"/nonexistent/x.eml"});
    BOOST_TEST(missing.exitCode == 2);
    BOOST_TEST(missing.err == "mailrig forward: cannot read '/nonexistent/x.eml': No such file or directory\n");
    const test::ProcessResult directory = test::runMailrig(forward + std::vector<std::string>{dir.path()});
    BOOST_TEST(directory.exitCode == 2);
    BOOST_TEST(directory.err == "mailrig forward: cannot read '" + dir.path() + "': is a directory\n");
    const std::vector<std::string> send{"send", "--host", "127.0.0.1", "--port", "25", "--from", "a@b.example",
                                        "--to", "c@d.example", "--subject", "x", "--ical"};
    const test::ProcessResult ical = test::runMailrig(send + std::vector<std::string>{"/nonexistent/x.ics"});
    BOOST_TEST(ical.exitCode == 2);
    BOOST_TEST(ical.err == "mailrig send: --ical: cannot read '/nonexistent/x.ics': No such file or directory\n");
    const test::ProcessResult icalDirectory = test::runMailrig(send + std::vector<std::string>{dir.path()});
    BOOST_TEST(icalDirectory.exitCode == 2);
    BOOST_TEST(icalDirectory.err == "mailrig send: --ical: cannot read '" + dir.path() + "': is a directory\n");
}

BOOST_AUTO_TEST_CASE(sendNamesTheServerAndTheTimeWhenConnectingTimesOut) {
    test::UnansweredListener listener;
    const test::ProcessResult r = test::runMailrig(
        {"send", "--host", "127.0.0.1", "--port", std::to_string(listener.port()), "--security", "none", "--timeout",
         "1", "--from", "a@example.org", "--to", "b@example.org", "--subject", "x"});
    BOOST_TEST(r.exitCode == 2);
    BOOST_TEST(r.err == "mailrig send: connecting to 127.0.0.1:" + std::to_string(listener.port()) +
                            " timed out after 1 s\n");
}

BOOST_AUTO_TEST_CASE(sendRefusesAnAddressWithStrayCharacters) {
    Started s;
    const std::pair<std::string, std::string> cases[] = {
        {"--to", "c@d.example>"}, {"--to", "<c@d.example"}, {"--cc", "C <c@d.example>>"},
        {"--bcc", "c@d.example x"}, {"--from", "A <a@b.example> trailing"}};
    for (const auto& [option, value] : cases) {
        std::vector<std::string> args = s.connection("send") +
                                        std::vector<std::string>{"--from", "a@b.example", "--to", "ok@d.example"};
        if (option == "--from") args[args.size() - 3] = value;
        else args.insert(args.end(), {option, value});
        const test::ProcessResult r = test::runMailrig(args);
        BOOST_TEST_CONTEXT(option << " " << value) {
            BOOST_TEST(r.exitCode == 2);
            BOOST_TEST(r.err.find("mailrig send: " + option + ": ") == 0, r.err);
            BOOST_TEST(r.err.find("'" + value + "'") != std::string::npos, r.err);
        }
    }
    BOOST_TEST(s.server.store().count() == 0u);
    // The forms the usage names still work.
    const test::ProcessResult good = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--from", "\"Doe, A\" <a@b.example>", "--to", "<c@d.example>",
                                                        "--cc", "C <c@d.example>", "--bcc", " e@f.example "});
    BOOST_TEST(good.exitCode == 0, good.err);
}

BOOST_AUTO_TEST_CASE(subjectIsOptional) {
    Started s;
    const test::ProcessResult help = test::runMailrig({"send", "--help"});
    BOOST_TEST(help.out.find("[--subject S]") != std::string::npos, help.out);
    const test::ProcessResult r = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--from", "a@b.example", "--to", "c@d.example", "--text", "hi"});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_REQUIRE(s.server.store().waitForCount(1, std::chrono::seconds(5)));
    BOOST_TEST(s.server.store().last().view().subject() == "");
}

BOOST_AUTO_TEST_CASE(pickupCreatesTheDirectoryAndItsParents) {
    test::TempDir dir;
    const std::string pickup = dir.file("a/b/pickup");
    const test::ProcessResult r = test::runMailrig(
        {"send", "--pickup", pickup, "--from", "a@b.example", "--to", "c@d.example", "--subject", "p"});
    BOOST_TEST(r.exitCode == 0, r.err);
    std::size_t emls = 0;
    for (const auto& entry : std::filesystem::directory_iterator(pickup)) emls += entry.path().extension() == ".eml";
    BOOST_TEST(emls == 1u);
    test::writeFile(dir.file("file"), "x");
    const test::ProcessResult blocked = test::runMailrig(
        {"send", "--pickup", dir.file("file/sub"), "--from", "a@b.example", "--to", "c@d.example"});
    BOOST_TEST(blocked.exitCode == 2);
    BOOST_TEST(blocked.err.find("mailrig send: --pickup: cannot create '" + dir.file("file/sub") + "': ") == 0,
               blocked.err);
    const test::ProcessResult empty =
        test::runMailrig({"send", "--pickup", "", "--from", "a@b.example", "--to", "c@d.example"});
    BOOST_TEST(empty.exitCode == 2);
    BOOST_TEST(empty.err.find("--pickup needs a value, not an empty one") != std::string::npos, empty.err);
    // Empty is the null sender for --from, and an empty subject for --subject.
    const test::ProcessResult nullSender = test::runMailrig(
        {"send", "--pickup", pickup, "--from", "", "--to", "c@d.example", "--subject", ""});
    BOOST_TEST(nullSender.err.find("not an empty one") == std::string::npos, nullSender.err);
}

BOOST_AUTO_TEST_CASE(dsnOptionsGoOnMailAndRcpt) {
    Started s;
    const std::vector<std::string> dsn{"--dsn-ret", "headers", "--dsn-envid", "env 42+x", "--dsn-notify",
                                       "success,delay", "--dsn-orcpt"};
    const test::ProcessResult sent = test::runMailrig(
        s.connection("send") + std::vector<std::string>{"--from", "a@b.example", "--to", "c@d.example", "--subject", "d"} +
        dsn);
    BOOST_TEST(sent.exitCode == 0, sent.err);
    test::TempDir dir;
    test::writeFile(dir.file("in.eml"), "From: a@b.example\r\nSubject: f\r\n\r\nbody\r\n");
    const test::ProcessResult forwarded = test::runMailrig(
        s.connection("forward") +
        std::vector<std::string>{"--from", "fw@b.example", "--to", "c@d.example", "--dsn-notify", "never"} +
        std::vector<std::string>{dir.file("in.eml")});
    BOOST_TEST(forwarded.exitCode == 0, forwarded.err);
    BOOST_REQUIRE(s.server.store().waitForCount(2, std::chrono::seconds(5)));
    const auto messages = s.server.store().messages();
    BOOST_REQUIRE(messages.size() == 2u);
    const fake::CapturedMessage& m = messages[0];
    BOOST_TEST(m.mailFrom().param("RET") == "HDRS");
    BOOST_TEST(m.mailFrom().param("ENVID") == "env+2042+2Bx");
    BOOST_REQUIRE(m.recipients().size() == 1u);
    BOOST_TEST(m.recipients()[0].param("NOTIFY") == "SUCCESS,DELAY");
    BOOST_TEST(m.recipients()[0].param("ORCPT") == "rfc822;c@d.example");
    const fake::CapturedMessage& f = messages[1];
    BOOST_TEST(f.mailFrom().param("RET") == "");
    BOOST_TEST(f.recipients()[0].param("NOTIFY") == "NEVER");
    BOOST_TEST(f.recipients()[0].param("ORCPT") == "");
}

BOOST_AUTO_TEST_CASE(badDsnOptionsExit2NamingTheOption) {
    const std::vector<std::string> base{"send", "--host", "127.0.0.1", "--port", "25", "--from", "a@example.org",
                                        "--to", "b@example.org"};
    const std::pair<std::vector<std::string>, std::string> cases[] = {
        {{"--dsn-ret", "all"}, "--dsn-ret needs full or headers"},
        {{"--dsn-notify", "never,success"}, "--dsn-notify needs never or a list"},
        {{"--dsn-notify", "sometimes"}, "unknown value 'sometimes'"},
        {{"--dsn-notify", "success,"}, "--dsn-notify"},
        {{"--dsn-envid", ""}, "--dsn-envid needs a value, not an empty one"},
        {{"--dsn-envid", std::string(101, 'x')}, "--dsn-envid needs 1 to 100 characters"},
        {{"--dsn-envid", "caf\xc3\xa9"}, "--dsn-envid takes printable US-ASCII only"},
        {{"--dsn-ret"}, "--dsn-ret needs a value"},
    };
    for (const auto& [args, expected] : cases) {
        const test::ProcessResult r = test::runMailrig(base + args);
        BOOST_TEST_CONTEXT(expected) {
            BOOST_TEST(r.exitCode == 2);
            BOOST_TEST(r.err.find(expected) != std::string::npos, r.err);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
