// Meeting requests end to end: Appointment::attachTo() composes, Python's `email` package
// (policy.default) and `icalendar` read the result as independent oracles, and the verifying
// side (MessageView + calendarOf, libical) checks what the fake server captured.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/Appointment.h"
#include "mailrig/client/MailMessage.h"
#include "mailrig/client/SmtpClient.h"
#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/MessageCalendar.h"
#include "mailrig/fakeserver/MessageView.h"

#include "support/Process.h"

#include <chrono>
#include <map>
#include <sstream>
#include <vector>

using namespace std::chrono;
using mailrig::Appointment;
using mailrig::CalendarMailOptions;
using mailrig::MailAddress;
using mailrig::MailMessage;
using mailrig::ParticipationStatus;
using mailrig::test::TempDir;

namespace {

const Appointment::TimePoint nineUtc = system_clock::from_time_t(1796115600); // 2026-12-01T09:00Z

Appointment meeting(const std::string& summary = "Design review") {
    Appointment a;
    a.setUid("oracle-0001@example.org");
    a.setSummary(summary);
    a.setLocation("Room 4.12");
    a.setDescription("Agenda:\n1. numbers\n2. next steps");
    a.setTimeZone("Europe/Berlin");
    a.setTimes(nineUtc, nineUtc + minutes(90));
    a.setOrganizer(MailAddress("alice@example.org", "Alice Example"));
    a.addAttendee(MailAddress("bob@example.org", "Bob Example"));
    a.addAttendee(MailAddress("carol@example.org", "Carol"));
    a.setStamp(nineUtc - hours(48));
    return a;
}

MailMessage invitation(const Appointment& a, const CalendarMailOptions& options = {}, const std::string& html = {}) {
    MailMessage m;
    for (const auto& attendee : a.attendees()) m.addTo(attendee.mailbox);
    if (!html.empty()) m.setHtmlBody(html);
    a.attachTo(m, options);
    return m;
}

/// What Python's email package (policy.default) saw: one line per MIME part, the defects, the
/// Content-Class, and the decoded calendar and attachment bytes written to files.
struct PythonMime {
    std::vector<std::string> parts; ///< `depth content-type method=... charset=... cte disposition filename`
    int defects = -1;
    std::string contentClass;
    std::string calendar;   ///< decoded text/calendar part
    std::string attachment; ///< decoded .ics attachment, if any
    std::string subject, from;
};

PythonMime readWithPythonEmail(const std::string& eml) {
    TempDir dir;
    mailrig::test::writeFile(dir.file("in.eml"), eml);
    const char* script = R"PY(
import sys, email, email.policy
msg = email.message_from_bytes(open(sys.argv[1] + '/in.eml', 'rb').read(), policy=email.policy.default)
defects = 0
def walk(part, depth):
    global defects
    defects += len(part.defects)
    print('part', depth, part.get_content_type(), 'method=%s' % part.get_param('method', ''),
          'charset=%s' % (part.get_param('charset', '') or ''), part.get('Content-Transfer-Encoding', '-'),
          part.get_content_disposition() or '-', part.get_filename() or '-')
    if part.get_content_type() == 'text/calendar' and part.get_content_disposition() != 'attachment':
        open(sys.argv[1] + '/calendar', 'wb').write(part.get_payload(decode=True))
    if part.get_content_disposition() == 'attachment':
        open(sys.argv[1] + '/attachment', 'wb').write(part.get_payload(decode=True))
    if part.is_multipart():
        for p in part.iter_parts(): walk(p, depth + 1)
walk(msg, 0)
print('defects', defects)
print('content-class', msg.get('Content-Class', ''))
print('subject', msg.get('Subject', ''))
print('from', msg.get('From', ''))
)PY";
    const auto result = mailrig::test::runPython(script, {dir.path()});
    BOOST_REQUIRE_MESSAGE(result.exitCode == 0, "python email failed: " << result.err);
    PythonMime out;
    std::istringstream lines(result.out);
    std::string line;
    while (std::getline(lines, line)) {
        const std::size_t space = line.find(' ');
        const std::string key = line.substr(0, space), value = space == std::string::npos ? "" : line.substr(space + 1);
        if (key == "part") out.parts.push_back(value);
        else if (key == "defects") out.defects = std::stoi(value);
        else if (key == "content-class") out.contentClass = value;
        else if (key == "subject") out.subject = value;
        else if (key == "from") out.from = value;
    }
    try {
        out.calendar = mailrig::test::readFile(dir.file("calendar"));
    } catch (const std::exception&) {
    }
    try {
        out.attachment = mailrig::test::readFile(dir.file("attachment"));
    } catch (const std::exception&) {
    }
    return out;
}

/// Summary, start (UTC) and attendee addresses as Python's icalendar reads them.
std::string readSummaryTimesAttendees(const std::string& ics) {
    const char* script = R"PY(
import sys, icalendar, datetime
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
ev = list(cal.walk('VEVENT'))[0]
utc = lambda p: ev.get(p).dt.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
att = ev.get('ATTENDEE', [])
att = att if isinstance(att, list) else [att]
print('|'.join([str(cal.get('METHOD')), str(ev.get('SUMMARY')), utc('DTSTART'), utc('DTEND')] + [str(a) for a in att]))
)PY";
    const auto result = mailrig::test::runPython(script, {}, ics);
    BOOST_REQUIRE_MESSAGE(result.exitCode == 0, "python icalendar failed: " << result.err);
    return result.out;
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

} // namespace

BOOST_AUTO_TEST_SUITE(CalendarOracleTest)

BOOST_AUTO_TEST_CASE(invitationHasTheOutlookMimeShape) {
    const Appointment a = meeting();
    const MailMessage m = invitation(a);
    const PythonMime mime = readWithPythonEmail(m.toEml());
    BOOST_TEST(mime.defects == 0);
    BOOST_TEST(mime.contentClass == "urn:content-classes:calendarmessage");
    BOOST_TEST(mime.subject == "Design review");
    BOOST_TEST(mime.from == "Alice Example <alice@example.org>");
    BOOST_REQUIRE_EQUAL(mime.parts.size(), 3u);
    BOOST_TEST(startsWith(mime.parts[0], "0 multipart/alternative "));
    BOOST_TEST(startsWith(mime.parts[1], "1 text/plain "));
    BOOST_TEST(mime.parts[2] == "1 text/calendar method=REQUEST charset=UTF-8 7bit - -");
    BOOST_TEST(mime.calendar == a.toIcs());
    BOOST_TEST(readSummaryTimesAttendees(mime.calendar) ==
               "REQUEST|Design review|2026-12-01T09:00:00Z|2026-12-01T10:30:00Z|mailto:bob@example.org|"
               "mailto:carol@example.org\n");
}

BOOST_AUTO_TEST_CASE(htmlBodyComesBetweenTextAndCalendar) {
    const PythonMime mime = readWithPythonEmail(invitation(meeting(), {}, "<p>Design review</p>").toEml());
    BOOST_TEST(mime.defects == 0);
    BOOST_REQUIRE_EQUAL(mime.parts.size(), 4u);
    BOOST_TEST(startsWith(mime.parts[0], "0 multipart/alternative "));
    BOOST_TEST(startsWith(mime.parts[1], "1 text/plain "));
    BOOST_TEST(startsWith(mime.parts[2], "1 text/html "));
    BOOST_TEST(startsWith(mime.parts[3], "1 text/calendar method=REQUEST "));
}

BOOST_AUTO_TEST_CASE(icsAttachmentGoesIntoAnOuterMixed) {
    CalendarMailOptions options;
    options.addIcsAttachment = true;
    const Appointment a = meeting();
    const PythonMime mime = readWithPythonEmail(invitation(a, options).toEml());
    BOOST_TEST(mime.defects == 0);
    BOOST_REQUIRE_EQUAL(mime.parts.size(), 5u);
    BOOST_TEST(startsWith(mime.parts[0], "0 multipart/mixed "));
    BOOST_TEST(startsWith(mime.parts[1], "1 multipart/alternative "));
    BOOST_TEST(startsWith(mime.parts[3], "2 text/calendar method=REQUEST "));
    BOOST_TEST(mime.parts[4] == "1 application/ics method= charset= base64 attachment invite.ics");
    BOOST_TEST(mime.attachment == a.toIcs());
    BOOST_TEST(mime.calendar == mime.attachment);
}

BOOST_AUTO_TEST_CASE(eightBitCalendarIsQuotedPrintableWithItsCrlfIntact) {
    const Appointment a = meeting("Überprüfung – 会議 🙂");
    const PythonMime quoted = readWithPythonEmail(invitation(a).toEml());
    BOOST_TEST(quoted.defects == 0);
    BOOST_TEST(quoted.parts.back() == "1 text/calendar method=REQUEST charset=UTF-8 quoted-printable - -");
    BOOST_TEST(quoted.calendar == a.toIcs());
    BOOST_TEST(readSummaryTimesAttendees(quoted.calendar).find("|Überprüfung – 会議 🙂|") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verifyingSideFindsRequestUpdateCancelAndReplyClean) {
    const Appointment request = meeting();
    Appointment update = request.updated();
    update.setLocation("Room 5.01");
    const Appointment cancel = update.cancelled();
    const Appointment reply = update.reply("carol@example.org", ParticipationStatus::Tentative);

    struct Case {
        const Appointment* appointment;
        const char* method;
        int sequence;
        std::size_t attendees;
    };
    for (const Case& c : {Case{&request, "REQUEST", 0, 2}, Case{&update, "REQUEST", 1, 2},
                          Case{&cancel, "CANCEL", 2, 2}, Case{&reply, "REPLY", 1, 1}}) {
        BOOST_TEST_CONTEXT(c.method << " sequence " << c.sequence) {
            MailMessage m; // no From: the organizer's, or for a REPLY the answering attendee's
            const bool reply = c.appointment->method() == mailrig::CalendarMethod::Reply;
            if (reply) {
                m.addTo(*c.appointment->organizer());
            } else {
                for (const auto& attendee : c.appointment->attendees()) m.addTo(attendee.mailbox);
            }
            c.appointment->attachTo(m);
            BOOST_REQUIRE(m.from());
            BOOST_TEST(m.from()->toString() == (reply ? "Carol <carol@example.org>" : "Alice Example <alice@example.org>"));
            const auto calendar = mailrig::fake::calendarOf(mailrig::fake::MessageView(m.toEml()));
            BOOST_REQUIRE(calendar.has_value());
            for (const auto& f : calendar->findings()) BOOST_TEST_MESSAGE(f.code << ": " << f.message);
            BOOST_TEST(calendar->clean());
            BOOST_TEST(calendar->method() == c.method);
            BOOST_REQUIRE(calendar->event());
            BOOST_TEST(calendar->event()->uid == "oracle-0001@example.org");
            BOOST_TEST(calendar->event()->sequence == c.sequence);
            BOOST_TEST(calendar->event()->attendees.size() == c.attendees);
            BOOST_TEST(system_clock::to_time_t(calendar->event()->start.value()) == 1796115600);
        }
    }
}

BOOST_AUTO_TEST_CASE(invitationSentThroughTheFakeServerArrivesVerified) {
    mailrig::fake::FakeSmtpServer server;
    server.start();
    mailrig::SmtpClient client("127.0.0.1", server.port());
    client.setSecurityOptions(mailrig::SecurityOptions::None);
    client.setTimeout(seconds(10));
    const Appointment a = meeting("Überprüfung – 会議");
    client.send(invitation(a));
    BOOST_REQUIRE(server.store().waitForCount(1, seconds(10)));
    const auto captured = server.store().last();
    BOOST_TEST(captured.recipientAddresses() == (std::vector<std::string>{"bob@example.org", "carol@example.org"}));
    const auto calendar = mailrig::fake::calendarOf(mailrig::fake::MessageView(captured.data()));
    BOOST_REQUIRE(calendar.has_value());
    for (const auto& f : calendar->findings()) BOOST_TEST_MESSAGE(f.code << ": " << f.message);
    BOOST_TEST(calendar->clean());
    BOOST_TEST(calendar->event()->summary == "Überprüfung – 会議");
    BOOST_TEST(calendar->event()->organizer->address == "alice@example.org");
    const PythonMime mime = readWithPythonEmail(captured.data());
    BOOST_TEST(mime.defects == 0);
    BOOST_TEST(readSummaryTimesAttendees(mime.calendar) ==
               "REQUEST|Überprüfung – 会議|2026-12-01T09:00:00Z|2026-12-01T10:30:00Z|mailto:bob@example.org|"
               "mailto:carol@example.org\n");
}

BOOST_AUTO_TEST_CASE(icsFileIsAttachedWithItsOwnMethodAndFacts) {
    const std::string ics = mailrig::test::readFile(mailrig::test::fixturePath("ical/outlook-request.ics"));
    MailMessage m;
    m.addTo(MailAddress("bob@example.org"));
    mailrig::attachCalendar(m, ics);
    const PythonMime mime = readWithPythonEmail(m.toEml());
    BOOST_TEST(mime.defects == 0);
    BOOST_TEST(mime.contentClass == "urn:content-classes:calendarmessage");
    BOOST_TEST(mime.subject == "Quarterly planning – Q1 2027");
    BOOST_TEST(mime.from == "Alice Example <alice@example.org>");
    BOOST_TEST(mime.parts.back() == "1 text/calendar method=REQUEST charset=UTF-8 quoted-printable - -");
    BOOST_TEST(mime.calendar == ics); // already CRLF and folded: unchanged
    BOOST_TEST(m.textBody().find("Where: Room 4.12 (Zürich)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(icsReplyFileIsSentFromItsAttendee) {
    const std::string ics = "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n"
                            "BEGIN:VEVENT\r\nUID:reply-1@example.org\r\nDTSTAMP:20261121T090000Z\r\n"
                            "DTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nSUMMARY:Review\r\n"
                            "ORGANIZER;CN=Alice:mailto:alice@example.org\r\n"
                            "ATTENDEE;CN=Bob;PARTSTAT=DECLINED:mailto:bob@example.org\r\n"
                            "END:VEVENT\r\nEND:VCALENDAR\r\n";
    MailMessage m;
    m.addTo(MailAddress("alice@example.org"));
    mailrig::attachCalendar(m, ics);
    BOOST_REQUIRE(m.from());
    BOOST_TEST(m.from()->toString() == "Bob <bob@example.org>");
    BOOST_TEST(m.subject() == "Declined: Review");
    const auto calendar = mailrig::fake::calendarOf(mailrig::fake::MessageView(m.toEml()));
    BOOST_REQUIRE(calendar.has_value());
    for (const auto& f : calendar->findings()) BOOST_TEST_MESSAGE(f.code << ": " << f.message);
    BOOST_TEST(calendar->clean());
}

BOOST_AUTO_TEST_CASE(icsFileIsNormalisedToCrlfAndFoldedLines) {
    // LF line ends and Notes' unfolded long lines become CRLF and 75-octet folds, so the
    // verifying side finds nothing left to report.
    for (const char* file : {"ical/bad-bare-lf.ics", "ical/notes-request.ics"}) {
        BOOST_TEST_CONTEXT(file) {
            MailMessage m;
            m.addTo(MailAddress("bob@example.org"));
            mailrig::attachCalendar(m, mailrig::test::readFile(mailrig::test::fixturePath(file)), {}, file);
            const auto calendar = mailrig::fake::calendarOf(mailrig::fake::MessageView(m.toEml()));
            BOOST_REQUIRE(calendar.has_value());
            for (const auto& f : calendar->findings()) BOOST_TEST_MESSAGE(f.code << ": " << f.message);
            BOOST_TEST(calendar->clean());
        }
    }
}

BOOST_AUTO_TEST_CASE(icsFileWithoutMethodOrCalendarIsRefusedByName) {
    for (const char* file : {"ical/bad-method-missing.ics", "ical/bad-unparsable.ics"}) {
        BOOST_TEST_CONTEXT(file) {
            MailMessage m;
            try {
                mailrig::attachCalendar(m, mailrig::test::readFile(mailrig::test::fixturePath(file)), {}, file);
                BOOST_FAIL("no exception");
            } catch (const std::invalid_argument& e) {
                BOOST_TEST(std::string(e.what()).find(file) == 0u);
            }
            BOOST_TEST(m.alternateViews().empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(secondCalendarInOneMessageIsRefused) {
    MailMessage m = invitation(meeting());
    BOOST_CHECK_THROW(meeting().attachTo(m), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()
