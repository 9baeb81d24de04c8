// CalendarView: libical parsing, the iTIP restriction check and mailrig's calendar lint, on
// Outlook- and Notes-shaped calendars and on one negative fixture per finding.
#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/CalendarView.h"

#include "support/Process.h"

#include <chrono>
#include <future>
#include <set>
#include <vector>

using mailrig::fake::CalendarContext;
using mailrig::fake::CalendarView;
using mailrig::test::fixturePath;
using mailrig::test::readFile;

namespace {

std::time_t epoch(const std::optional<std::chrono::system_clock::time_point>& t) {
    BOOST_REQUIRE(t.has_value());
    return std::chrono::system_clock::to_time_t(*t);
}

std::set<std::string> codes(const CalendarView& view) {
    std::set<std::string> out;
    for (const auto& f : view.findings()) out.insert(f.code);
    return out;
}

std::string describe(const CalendarView& view) {
    std::string out;
    for (const auto& f : view.findings()) out += "\n  " + f.code + " (line " + std::to_string(f.line) + "): " + f.message;
    return out.empty() ? " none" : out;
}

CalendarView fixture(const std::string& name, const CalendarContext& context = {}) {
    return CalendarView::fromFile(fixturePath("ical/" + name), context);
}

/// A REPLY from bob, as an attendee's client would send it.
const std::string bobAccepts = "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n"
                               "BEGIN:VEVENT\r\nUID:fixture-0001@example.org\r\nDTSTAMP:20261121T090000Z\r\n"
                               "SEQUENCE:0\r\nDTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\n"
                               "ORGANIZER:mailto:alice@example.org\r\n"
                               "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

} // namespace

BOOST_AUTO_TEST_SUITE(CalendarViewTest)

BOOST_AUTO_TEST_CASE(outlookRequestIsReadAndClean) {
    const CalendarView view = fixture("outlook-request.ics");
    BOOST_TEST(view.clean(), "findings:" << describe(view));
    BOOST_TEST(view.method() == "REQUEST");
    BOOST_TEST(view.productId() == "Microsoft Exchange Server 2010");
    BOOST_TEST(view.timeZones() == std::vector<std::string>{"W. Europe Standard Time"});
    BOOST_REQUIRE(view.event());
    const auto& e = *view.event();
    BOOST_TEST(e.uid.size() == 112u);
    BOOST_TEST(e.sequence == 0);
    BOOST_TEST(e.summary == "Quarterly planning – Q1 2027");
    BOOST_TEST(e.location == "Room 4.12 (Zürich)");
    BOOST_TEST(e.description == "Quarterly planning, with the numbers.\nBring your laptop.\n");
    BOOST_TEST(e.startZone == "W. Europe Standard Time");
    BOOST_TEST(e.startText == "20261201T100000");
    BOOST_TEST(epoch(e.start) == 1796115600); // 10:00 CET = 09:00Z
    BOOST_TEST(epoch(e.end) == 1796115600 + 90 * 60);
    BOOST_REQUIRE(e.organizer);
    BOOST_TEST(e.organizer->address == "alice@example.org");
    BOOST_TEST(e.organizer->name == "Alice Example");
    BOOST_REQUIRE_EQUAL(e.attendees.size(), 2u);
    BOOST_TEST(e.attendees[1].address == "zoe@example.org");
    BOOST_TEST(e.attendees[1].name == "Zoë Müller");
    BOOST_TEST(e.attendees[1].role == "OPT-PARTICIPANT");
    BOOST_TEST(e.attendees[1].partstat == "NEEDS-ACTION");
    BOOST_TEST(e.attendees[1].rsvp);
    BOOST_TEST(e.alarms == 1u);
}

BOOST_AUTO_TEST_CASE(notesRequestWithWindowsZoneAndLotusPropertiesIsParsed) {
    const CalendarView view = fixture("notes-request.ics", CalendarContext{std::string("REQUEST"), "dana@acme.example"});
    BOOST_TEST(view.parsed());
    BOOST_TEST(view.method() == "REQUEST");
    // Notes leaves long lines unfolded (quoted-printable wraps them in transit): that is the
    // only thing to report.
    BOOST_TEST((codes(view) == std::set<std::string>{"ical-line-too-long"}), "findings:" << describe(view));
    BOOST_REQUIRE(view.event());
    const auto& e = *view.event();
    BOOST_TEST(e.uid == "F1D2C3B4A5968778C1257E5A00512345-Lotus_Notes_Generated");
    BOOST_TEST(e.summary == "Budget review");
    BOOST_TEST(e.startZone == "Eastern");
    BOOST_TEST(epoch(e.start) == 1796324400); // 14:00 EST = 19:00Z
    BOOST_TEST(epoch(e.end) == 1796328000);
    BOOST_TEST(e.organizer->name == "Dana Notes/Acme");
    BOOST_REQUIRE_EQUAL(e.attendees.size(), 2u);
    BOOST_TEST(e.attendees[0].role == "CHAIR");
    BOOST_TEST(e.attendees[0].partstat == "ACCEPTED");
    BOOST_TEST(e.attendees[1].address == "bob@example.org");
    BOOST_TEST(e.attendees[1].rsvp);
}

BOOST_AUTO_TEST_CASE(cleanUtcRequestHasNoFindings) {
    const CalendarView view = fixture("request-utc.ics", CalendarContext{std::string("request"), "Alice@Example.org"});
    BOOST_TEST(view.clean(), "findings:" << describe(view));
    BOOST_TEST(view.event()->startZone == "UTC");
    BOOST_TEST(epoch(view.event()->start) == 1796115600);
}

BOOST_AUTO_TEST_CASE(eachNegativeFixtureIsFlaggedWithItsCode) {
    struct Case {
        const char* file;
        std::set<std::string> expected;
    };
    const std::vector<Case> cases = {
        {"bad-bare-lf.ics", {"ical-line-ending"}},
        {"bad-long-line.ics", {"ical-line-too-long"}},
        {"bad-fold-splits-utf8.ics", {"ical-fold-splits-utf8"}},
        {"bad-tzid-undefined.ics", {"ical-tzid-undefined"}},
        {"bad-method-missing.ics", {"ical-method-missing"}},
        {"bad-dtend-before-dtstart.ics", {"ical-dtend-not-after-dtstart"}},
        {"bad-itip-no-organizer.ics", {"ical-itip"}},
        // the unreadable DTSTART is dropped by the parser, so iTIP then misses it
        {"bad-syntax.ics", {"ical-syntax", "ical-itip"}},
        // PUBLISH of a VTODO: no event, and a VTODO without what iTIP wants
        {"bad-no-event.ics", {"ical-no-event", "ical-itip"}},
        {"bad-unparsable.ics", {"ical-unparsable"}},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.file) {
            const CalendarView view = fixture(c.file);
            BOOST_TEST((codes(view) == c.expected), "findings:" << describe(view));
            for (const auto& f : view.findings()) BOOST_TEST(!f.message.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(lintFindingsNameTheLine) {
    BOOST_TEST(fixture("bad-long-line.ics").findings().at(0).line == 11u);
    BOOST_TEST(fixture("bad-fold-splits-utf8.ics").findings().at(0).line == 12u);
    BOOST_TEST(fixture("bad-dtend-before-dtstart.ics").findings().at(0).line == 10u);
    BOOST_TEST(fixture("bad-bare-lf.ics").findings().at(0).line == 1u);
}

BOOST_AUTO_TEST_CASE(methodIsComparedWithTheMimeParameter) {
    const std::string text = readFile(fixturePath("ical/request-utc.ics"));
    BOOST_TEST((codes(CalendarView(text, {std::string("CANCEL"), ""})) == std::set<std::string>{"ical-method-mismatch"}));
    BOOST_TEST((codes(CalendarView(text, {std::string(""), ""})) == std::set<std::string>{"ical-mime-method-missing"}));
    BOOST_TEST(CalendarView(text, {std::string("Request"), ""}).clean());
    BOOST_TEST(CalendarView(text).clean()); // not from MIME: nothing to compare
}

BOOST_AUTO_TEST_CASE(organizerMustBeTheSenderOfARequest) {
    const std::string text = readFile(fixturePath("ical/request-utc.ics"));
    const CalendarView forged(text, {std::nullopt, "mallory@example.net"});
    BOOST_TEST((codes(forged) == std::set<std::string>{"ical-organizer-not-from"}));
    BOOST_TEST(forged.findings().at(0).line == 14u);
    BOOST_TEST(CalendarView(text, {std::nullopt, "ALICE@example.org"}).clean());
}

BOOST_AUTO_TEST_CASE(replyMustComeFromItsAttendee) {
    BOOST_TEST(CalendarView(bobAccepts, {std::string("REPLY"), "bob@example.org"}).clean(),
               "findings:" << describe(CalendarView(bobAccepts, {std::string("REPLY"), "bob@example.org"})));
    BOOST_TEST((codes(CalendarView(bobAccepts, {std::string("REPLY"), "alice@example.org"})) ==
                std::set<std::string>{"ical-attendee-not-from"}));
}

BOOST_AUTO_TEST_CASE(bareCarriageReturnIsALineEndingFinding) {
    std::string text = readFile(fixturePath("ical/request-utc.ics"));
    text.replace(text.find("SUMMARY"), 0, "X-NOTE:odd\r");
    const CalendarView view(text);
    BOOST_TEST(view.hasFinding("ical-line-ending"), "findings:" << describe(view));
    for (const auto& f : view.findings())
        if (f.code == "ical-line-ending") BOOST_TEST(f.message.find("a bare CR") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(emptyAndBinaryInputAreFindingsNotCrashes) {
    BOOST_TEST(CalendarView("").hasFinding("ical-unparsable"));
    BOOST_TEST(CalendarView(std::string("\0\xff\xfe BEGIN:VCALENDAR", 19)).hasFinding("ical-unparsable"));
    BOOST_TEST(!CalendarView("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").event());
}

BOOST_AUTO_TEST_CASE(componentsNestedThousandsDeepAreRefusedNotACrash) {
    const std::string head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REQUEST\r\n";
    std::string nested = head, folded = head;
    for (int i = 0; i < 100000; ++i) {
        nested += "BEGIN:VEVENT\r\n";
        folded += "BEG\r\n IN:VEVENT\r\n"; // a fold does not hide it
    }
    for (int i = 0; i < 100000; ++i) {
        nested += "END:VEVENT\r\n";
        folded += "END:VEVENT\r\n";
    }
    for (const std::string* text : {&nested, &folded}) {
        const CalendarView view(*text + "END:VCALENDAR\r\n");
        BOOST_TEST(!view.parsed());
        BOOST_TEST(view.hasFinding("ical-unparsable"));
        BOOST_TEST(view.findings().front().message == "components nest 100001 deep, over the 16 this reader accepts");
    }
    // Three levels, as real invitations with alarms have, are read.
    BOOST_TEST(fixture("outlook-request.ics").parsed());
}

BOOST_AUTO_TEST_CASE(missingFileThrowsNamingThePath) {
    try {
        CalendarView::fromFile("/nonexistent/invite.ics");
        BOOST_FAIL("no exception");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find("/nonexistent/invite.ics") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(viewsCanBeBuiltOnSeveralThreadsAtOnce) {
    const std::string outlook = readFile(fixturePath("ical/outlook-request.ics"));
    const std::string notes = readFile(fixturePath("ical/notes-request.ics"));
    std::vector<std::future<std::time_t>> results;
    for (int i = 0; i < 8; ++i)
        results.push_back(std::async(std::launch::async, [&, i] {
            const CalendarView view(i % 2 ? outlook : notes);
            return std::chrono::system_clock::to_time_t(view.event()->start.value());
        }));
    for (int i = 0; i < 8; ++i) BOOST_TEST(results[i].get() == (i % 2 ? 1796115600 : 1796324400));
}

BOOST_AUTO_TEST_CASE(timesBeyondWhatTheClockHoldsAreKeptAsWrittenWithoutAnInstant) {
    // iCalendar allows years up to 9999; system_clock's nanoseconds end in 2262.
    const CalendarView view("BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
                            "BEGIN:VEVENT\r\nUID:far@example.org\r\nDTSTAMP:20261121T090000Z\r\n"
                            "DTSTART:99991231T090000Z\r\nDTEND:20261201T100000Z\r\n"
                            "ORGANIZER:mailto:alice@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    BOOST_REQUIRE_EQUAL(view.events().size(), 1u);
    const auto& event = view.events()[0];
    BOOST_TEST(event.startText == "99991231T090000Z");
    BOOST_TEST(!event.start.has_value());
    BOOST_TEST(epoch(event.end) == 1796119200); // 2026-12-01T10:00:00Z
}

BOOST_AUTO_TEST_CASE(localTimesAroundDaylightChangesAreReadAsRfc5545Says) {
    // RFC 5545 3.3.5: a local time that occurs twice is its first occurrence; one that never
    // occurs is read with the offset before the gap. Berlin: 2026-10-25 02:30 happens at 00:30Z
    // (+02:00) and 01:30Z (+01:00); 2026-03-29 02:30 does not happen (read at +01:00: 01:30Z).
    const std::string zone = "BEGIN:VTIMEZONE\r\nTZID:Berlin\r\n"
                             "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
                             "DTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
                             "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
                             "DTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
                             "END:VTIMEZONE\r\n";
    auto event = [&](const std::string& tzid, const std::string& start, const std::string& end) {
        return "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n" + zone +
               "BEGIN:VEVENT\r\nUID:dst@example.org\r\nDTSTAMP:20261001T090000Z\r\n"
               "DTSTART;TZID=" + tzid + ":" + start + "\r\nDTEND;TZID=" + tzid + ":" + end + "\r\n"
               "ORGANIZER:mailto:alice@example.org\r\nATTENDEE:mailto:bob@example.org\r\n"
               "END:VEVENT\r\nEND:VCALENDAR\r\n";
    };
    for (const std::string tzid : {"Berlin", "Europe/Berlin"}) { // the calendar's VTIMEZONE; the system's zone
        BOOST_TEST_CONTEXT(tzid) {
            const CalendarView repeated(event(tzid, "20261025T023000", "20261025T033000"));
            BOOST_REQUIRE_EQUAL(repeated.events().size(), 1u);
            BOOST_TEST(epoch(repeated.events()[0].start) == 1792888200); // 00:30Z, the first 02:30
            BOOST_TEST(epoch(repeated.events()[0].end) == 1792895400);   // 03:30 +01:00 = 02:30Z
            const CalendarView skipped(event(tzid, "20260329T023000", "20260329T040000"));
            BOOST_REQUIRE_EQUAL(skipped.events().size(), 1u);
            BOOST_TEST(epoch(skipped.events()[0].start) == 1774747800); // 02:30 at +01:00 = 01:30Z
            BOOST_TEST(epoch(skipped.events()[0].end) == 1774749600);   // 04:00 +02:00 = 02:00Z
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
