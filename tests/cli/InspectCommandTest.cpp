// `mailrig inspect`: exit statuses, the text report, and JSON that Python's json module reads
// with the same findings as Lint.
#include "mailrig/fakeserver/Lint.h"
#include "mailrig/fakeserver/MessageCalendar.h"
#include "mailrig/fakeserver/MessageView.h"
#include "mailrig/fakeserver/TnefView.h"

#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>

using mailrig::fake::Lint;
using mailrig::fake::MessageView;
using mailrig::test::fixturePath;
using mailrig::test::readFile;
using mailrig::test::runMailrig;
using mailrig::test::runPython;

namespace {

std::string eml(const std::string& name) { return fixturePath("eml/" + name); }

// Reads inspect's JSON with Python and prints "path|path|...;code@line/part code@line/part".
const char* const readJson = R"PY(
import json, sys
doc = json.load(sys.stdin)
for key in ('file', 'size', 'headers', 'summary', 'parts', 'findings', 'tnef', 'calendar'):
    assert key in doc, key
for h in doc['headers']:
    assert set(h) == {'name', 'value', 'raw', 'line'}, h
paths = '|'.join(p['path'] + '=' + p['contentType'] for p in doc['parts'])
def place(f):
    return f['code'] + ('@%d' % f['line'] if f['line'] else '') + ('' if f['part'] is None else '/' + f['part'])
print(paths + ';' + ' '.join(place(f) for f in doc['findings']), end='')
)PY";

std::string expected(const std::string& path) {
    const MessageView view = MessageView::fromFile(path);
    std::string paths, findings;
    for (const auto* p : view.parts()) paths += (paths.empty() ? "" : "|") + p->path() + "=" + p->contentType();
    for (const auto& f : Lint::check(view)) {
        if (!findings.empty()) findings += " ";
        findings += f.code + (f.line ? "@" + std::to_string(f.line) : "") + (f.part ? "/" + *f.part : "");
    }
    return paths + ";" + findings;
}

// The exit status inspect owes a file that parses: 1 when Lint, the TNEF reader or the calendar
// view found anything, else 0.
int expectedExit(const std::string& path) {
    const MessageView view = MessageView::fromFile(path);
    const auto tnef = mailrig::fake::tnefOf(view);
    const auto calendar = mailrig::fake::calendarOf(view);
    const bool clean = Lint::check(view).empty() && (!tnef || tnef->valid()) && (!calendar || calendar->clean());
    return clean ? 0 : 1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(InspectCommandTest)

BOOST_AUTO_TEST_CASE(cleanMessageExitsZeroAndPrintsHeadersTreeAndNoFindings) {
    const auto r = runMailrig({"inspect", eml("mixed-with-attachments.eml")});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_TEST(r.out.find("Subject: Report with attachments\n") != std::string::npos);
    BOOST_TEST(r.out.find("  (root)  multipart/mixed\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("      1.1  text/plain; charset=utf-8  32 bytes  7bit\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("    2  application/pdf  77 bytes  base64  attachment  \"report.pdf\"\n") !=
                   std::string::npos, r.out);
    BOOST_TEST(r.out.find("Lint: no findings\n") != std::string::npos);
    BOOST_TEST(r.err.empty());
}

BOOST_AUTO_TEST_CASE(lintFindingsExitOneAndAreListedWithTheirPlace) {
    const auto r = runMailrig({"inspect", eml("bcc-header-present.eml")});
    BOOST_TEST(r.exitCode == 1);
    BOOST_TEST(r.out.find("Lint: 1 finding\n  part (root), line 6: bcc-present: Bcc field is in the transmitted header\n") !=
                   std::string::npos, r.out);
    const auto lf = runMailrig({"inspect", eml("long-line.eml")});
    BOOST_TEST(lf.exitCode == 1);
    BOOST_TEST(lf.out.find("  line 11: line-too-long: line is 1000 octets, over the 998 allowed\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(calendarFindingsAloneExitOne) {
    for (const char* name : {"ical-method-mismatch.eml", "ical-mime-method-missing.eml", "ical-organizer-not-from.eml"}) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(Lint::check(MessageView::fromFile(eml(name))).empty()); // the message itself is clean
            const auto text = runMailrig({"inspect", eml(name)});
            BOOST_TEST(text.exitCode == 1, text.out);
            BOOST_TEST(text.out.find("Lint: no findings\n") != std::string::npos);
            BOOST_TEST(runMailrig({"inspect", "--json", eml(name)}).exitCode == 1);
        }
    }
    BOOST_TEST(runMailrig({"inspect", eml("ical-outlook-request.eml")}).exitCode == 0);
}

BOOST_AUTO_TEST_CASE(clientComposedFixtureIsCleanIncludingItsMeeting) {
    const auto r = runMailrig({"inspect", eml("client-composed-full.eml")});
    BOOST_TEST(r.exitCode == 0, r.out);
    BOOST_TEST(r.out.find("Calendar: REQUEST (part 1.1.3)\n  Event: Quarterly report review\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("  Calendar lint: no findings\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unreadableOrNonMessageInputExitsTwoNamingPathAndCause) {
    const auto binary = runMailrig({"inspect", eml("not-a-message.eml")});
    BOOST_TEST(binary.exitCode == 2);
    BOOST_TEST(binary.out.empty());
    BOOST_TEST(binary.err == "mailrig inspect: " + eml("not-a-message.eml") + ": not a message: line 1 is not a header field\n");
    const auto empty = runMailrig({"inspect", "--json", eml("empty.eml")});
    BOOST_TEST(empty.exitCode == 2);
    BOOST_TEST(empty.err == "mailrig inspect: " + eml("empty.eml") + ": empty input, not a message\n");
    const auto missing = runMailrig({"inspect", "/nonexistent/x.eml"});
    BOOST_TEST(missing.exitCode == 2);
    BOOST_TEST(missing.err == "mailrig inspect: /nonexistent/x.eml: cannot read: No such file or directory\n");
    const mailrig::test::TempDir dir;
    const auto directory = runMailrig({"inspect", dir.path()});
    BOOST_TEST(directory.exitCode == 2);
    BOOST_TEST(directory.err == "mailrig inspect: " + dir.path() + ": cannot read: is a directory\n", directory.err);
}

// An input that never ends is stopped at 1 GiB with an error naming the limit.
BOOST_AUTO_TEST_CASE(anEndlessInputStopsAtTheLimit) {
    const auto r = runMailrig({"inspect", "/dev/zero"});
    BOOST_TEST(r.exitCode == 2, r.err);
    BOOST_TEST(r.err == "mailrig inspect: /dev/zero: cannot read: larger than 1 GiB, the most read into memory\n");
}

// Less memory than an input needs: a clear error, exit 2, no crash. (Not under
// AddressSanitizer, whose shadow memory does not fit a limit on address space.)
BOOST_AUTO_TEST_CASE(runningOutOfMemoryIsAnErrorNotACrash) {
#if !defined(__SANITIZE_ADDRESS__)
    const auto r = mailrig::test::runProcess(
        {"/bin/sh", "-c", "ulimit -v 400000 && exec \"$0\" inspect /dev/zero", MAILRIG_BINARY});
    BOOST_TEST(r.exitCode == 2, r.err);
    BOOST_TEST(r.err.find("mailrig inspect: out of memory (") == 0, r.err);
#endif
}

BOOST_AUTO_TEST_CASE(controlCharactersInTheMessageAreShownNotSentToTheTerminal) {
    const auto r = runMailrig({"inspect", "-"}, "From: a@b.c\r\nSubject: \x1b[31mred\x07\r\n\r\nbody\r\n");
    BOOST_TEST(r.out.find("  Subject: \\x1B[31mred\\x07\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find('\x1b') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(dashReadsStandardInput) {
    const auto r = runMailrig({"inspect", "-"}, readFile(eml("plain-text.eml")));
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_TEST(r.out.find("File: <stdin> (353 bytes)\n") == 0, r.out);
    const auto bad = runMailrig({"inspect", "-"}, "no header here\r\n");
    BOOST_TEST(bad.exitCode == 2);
    BOOST_TEST(bad.err == "mailrig inspect: <stdin>: not a message: line 1 is not a header field\n");
}

BOOST_AUTO_TEST_CASE(usageErrorsExitTwoAndHelpExitsZero) {
    BOOST_TEST(runMailrig({"inspect"}).exitCode == 2);
    BOOST_TEST(runMailrig({"inspect", "--xml", eml("plain-text.eml")}).exitCode == 2);
    const auto two = runMailrig({"inspect", eml("plain-text.eml"), eml("html-only.eml")});
    BOOST_TEST(two.exitCode == 2);
    BOOST_TEST(two.err.find("more than one file") != std::string::npos);
    const auto help = runMailrig({"inspect", "--help"});
    BOOST_TEST(help.exitCode == 0);
    BOOST_TEST(help.out.find("usage: mailrig inspect FILE.eml [--json]") == 0);
}

BOOST_AUTO_TEST_CASE(jsonIsReadByPythonAndMatchesTheViewAndLintForEveryFixture) {
    std::size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(fixturePath("eml"))) {
        if (entry.path().extension() != ".eml") continue;
        const std::string path = entry.path().string();
        const auto r = runMailrig({"inspect", path, "--json"});
        if (r.exitCode == 2) {
            BOOST_TEST(r.out.empty(), path);
            continue;
        }
        const auto python = runPython(readJson, {}, r.out);
        BOOST_TEST_CONTEXT(path) {
            BOOST_TEST(python.exitCode == 0, python.err);
            const std::string want = expected(path);
            BOOST_TEST(python.out == want);
            BOOST_TEST(r.exitCode == expectedExit(path));
        }
        ++checked;
    }
    BOOST_TEST(checked >= 25u);
}

BOOST_AUTO_TEST_CASE(jsonCarriesDecodedSummaryAndPartDetails) {
    const auto r = runMailrig({"inspect", "--json", eml("non-ascii-subject-and-filenames.eml")});
    BOOST_REQUIRE_EQUAL(r.exitCode, 0);
    const auto python = runPython(R"PY(
import json, sys
doc = json.load(sys.stdin)
s = doc['summary']
p = {x['path']: x for x in doc['parts']}
print(s['subject'], s['from'][0]['name'], s['to'][0]['name'], s['date'], s['messageId'], sep='|')
print(p['3']['fileName'], p['3']['size'], p['3']['transferEncoding'], p['3']['disposition'], p['3']['parent'],
      p['']['children'], p['']['parent'], sep='|')
)PY",
                                  {}, r.out);
    BOOST_TEST(python.exitCode == 0, python.err);
    BOOST_TEST(python.out == "Grüße aus Köln — Привет 😀|Jürgen Müller|Владимир|2026-11-24T10:15:00Z|non-ascii@example.org\n"
                             "Jahresübersicht_Müller_Überweisungen_für_das_Geschäftsjahr_2026.pdf|77|base64|attachment|"
                             "|['1', '2', '3']|None\n");
}

BOOST_AUTO_TEST_SUITE_END()
