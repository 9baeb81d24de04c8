// calendarOf(MessageView): finding the calendar in captured Outlook- and Notes-shaped messages
// and checking it against the message's MIME `method` parameter and From address.
#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/MessageCalendar.h"
#include "mailrig/fakeserver/MessageView.h"

#include "support/Process.h"

#include <chrono>
#include <set>

using mailrig::fake::calendarOf;
using mailrig::fake::CalendarView;
using mailrig::fake::MessageView;
using mailrig::test::fixturePath;

namespace {

CalendarView calendarOfFixture(const std::string& name) {
    const auto calendar = calendarOf(MessageView::fromFile(fixturePath("eml/" + name)));
    BOOST_REQUIRE_MESSAGE(calendar.has_value(), name << " has no calendar part");
    return *calendar;
}

std::set<std::string> codes(const CalendarView& view) {
    std::set<std::string> out;
    for (const auto& f : view.findings()) out.insert(f.code + " (" + f.message + ")");
    return out;
}

std::set<std::string> plainCodes(const CalendarView& view) {
    std::set<std::string> out;
    for (const auto& f : view.findings()) out.insert(f.code);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(MessageCalendarTest)

BOOST_AUTO_TEST_CASE(outlookBase64CalendarIsFoundAndClean) {
    const CalendarView calendar = calendarOfFixture("ical-outlook-request.eml");
    BOOST_TEST(calendar.clean(), "findings: " << codes(calendar).size());
    for (const auto& c : codes(calendar)) BOOST_TEST_MESSAGE(c);
    BOOST_TEST(calendar.method() == "REQUEST");
    BOOST_REQUIRE(calendar.event());
    BOOST_TEST(calendar.event()->summary == "Quarterly planning – Q1 2027");
    BOOST_TEST(std::chrono::system_clock::to_time_t(*calendar.event()->start) == 1796115600);
}

BOOST_AUTO_TEST_CASE(notesQuotedPrintableCalendarIsFoundAndParsed) {
    const CalendarView calendar = calendarOfFixture("ical-notes-request.eml");
    for (const auto& c : codes(calendar)) BOOST_TEST_MESSAGE(c);
    BOOST_TEST((plainCodes(calendar) == std::set<std::string>{"ical-line-too-long"}));
    BOOST_REQUIRE(calendar.event());
    BOOST_TEST(calendar.event()->uid == "F1D2C3B4A5968778C1257E5A00512345-Lotus_Notes_Generated");
    BOOST_TEST(calendar.event()->organizer->address == "dana@acme.example");
    BOOST_TEST(calendar.event()->attendees.size() == 2u);
    BOOST_TEST(std::chrono::system_clock::to_time_t(*calendar.event()->start) == 1796324400);
}

BOOST_AUTO_TEST_CASE(mimeContextFindingsAreFlagged) {
    BOOST_TEST((plainCodes(calendarOfFixture("ical-method-mismatch.eml")) ==
                std::set<std::string>{"ical-method-mismatch"}));
    BOOST_TEST((plainCodes(calendarOfFixture("ical-mime-method-missing.eml")) ==
                std::set<std::string>{"ical-mime-method-missing"}));
    BOOST_TEST((plainCodes(calendarOfFixture("ical-organizer-not-from.eml")) ==
                std::set<std::string>{"ical-organizer-not-from"}));
}

BOOST_AUTO_TEST_CASE(messageWithoutCalendarHasNone) {
    const MessageView plain("From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nHello\r\n");
    BOOST_TEST(!calendarOf(plain).has_value());
}

BOOST_AUTO_TEST_CASE(icsAttachmentAloneIsCheckedWithoutMimeMethod) {
    const std::string ics = mailrig::test::readFile(fixturePath("ical/request-utc.ics"));
    const std::string raw = "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: file\r\nMIME-Version: 1.0\r\n"
                            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                            "Content-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
                            "Content-Type: application/ics; name=\"invite.ics\"\r\n"
                            "Content-Disposition: attachment; filename=\"invite.ics\"\r\n\r\n" +
                            ics + "--b--\r\n";
    const auto calendar = calendarOf(MessageView(raw));
    BOOST_REQUIRE(calendar.has_value());
    BOOST_TEST(calendar->clean());
    BOOST_TEST(calendar->event()->uid == "fixture-0001@example.org");
}

BOOST_AUTO_TEST_SUITE_END()
