// The calendar section of `mailrig inspect`, text and JSON, on Outlook- and Notes-shaped
// invitations and on a message whose calendar disagrees with its MIME method.
#include <boost/test/unit_test.hpp>

#include "support/Process.h"

#include "mailrig/client/Appointment.h"
#include "mailrig/client/MailMessage.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

using mailrig::test::fixturePath;
using mailrig::test::runMailrig;

namespace {

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

const auto nineUtc = std::chrono::system_clock::from_time_t(1796115600); // 2026-12-01T09:00Z

} // namespace

BOOST_AUTO_TEST_SUITE(InspectCalendarTest)

BOOST_AUTO_TEST_CASE(outlookInvitationShowsTheEvent) {
    const auto r = runMailrig({"inspect", fixturePath("eml/ical-outlook-request.eml")});
    BOOST_TEST_MESSAGE(r.out);
    BOOST_TEST(contains(r.out, "\nCalendar: REQUEST (part 3)\n"));
    BOOST_TEST(r.exitCode == 0, r.out);
    BOOST_TEST(contains(r.out, "  Event: Quarterly planning – Q1 2027\n    UID:        "));
    BOOST_TEST(contains(r.out, "    Sequence:   0\n"));
    BOOST_TEST(contains(r.out, "    Start:      20261201T100000 W. Europe Standard Time (2026-12-01T09:00:00Z)\n"));
    BOOST_TEST(contains(r.out, "    End:        20261201T113000 W. Europe Standard Time (2026-12-01T10:30:00Z)\n"));
    BOOST_TEST(contains(r.out, "    Organizer:  Alice Example <alice@example.org>\n"));
    BOOST_TEST(contains(r.out, "    Attendee:   Zoë Müller <zoe@example.org>  OPT-PARTICIPANT  NEEDS-ACTION  RSVP\n"));
    BOOST_TEST(contains(r.out, "  Calendar lint: no findings\n"));
}

BOOST_AUTO_TEST_CASE(aCalendarFileIsShownAndCheckedAsAMessagesCalendar) {
    const auto clean = runMailrig({"inspect", fixturePath("ical/outlook-request.ics")});
    BOOST_TEST(clean.exitCode == 0, clean.out << clean.err);
    BOOST_TEST(contains(clean.out, "\nCalendar: REQUEST (the whole file)\n  Event: Quarterly planning – Q1 2027\n"));
    BOOST_TEST(contains(clean.out, "  Calendar lint: no findings\n"));
    BOOST_TEST(!contains(clean.out, "Headers:"), clean.out); // not read as a message
    const auto bad = runMailrig({"inspect", fixturePath("ical/bad-dtend-before-dtstart.ics")});
    BOOST_TEST(bad.exitCode == 1, bad.out << bad.err);
    BOOST_TEST(contains(bad.out, "line 10: ical-dtend-not-after-dtstart: "), bad.out);
    const auto json = runMailrig({"inspect", "--json", fixturePath("ical/request-utc.ics")});
    BOOST_TEST(json.exitCode == 0, json.err);
    const auto read = mailrig::test::runPython(
        "import json, sys\nd = json.load(sys.stdin)\nc = d['calendar']\n"
        "print(c['method'], len(c['events']), len(c['findings']), 'part' in c, d['size'] > 0)\n",
        {}, json.out);
    BOOST_TEST(read.out == "REQUEST 1 0 False True\n", read.err);
}

BOOST_AUTO_TEST_CASE(calendarFindingsAreListed) {
    const auto r = runMailrig({"inspect", fixturePath("eml/ical-method-mismatch.eml")});
    BOOST_TEST(contains(r.out, "  Calendar lint: 1 finding\n"));
    BOOST_TEST(contains(r.out, "ical-method-mismatch: METHOD:REQUEST differs from the MIME parameter method=CANCEL"));
}

BOOST_AUTO_TEST_CASE(jsonCarriesTheCalendar) {
    const auto r = runMailrig({"inspect", "--json", fixturePath("eml/ical-notes-request.eml")});
    BOOST_REQUIRE_MESSAGE(!r.out.empty(), r.err);
    const auto doc = Poco::JSON::Parser().parse(r.out).extract<Poco::JSON::Object::Ptr>();
    const auto calendar = doc->getObject("calendar");
    BOOST_REQUIRE(calendar);
    BOOST_TEST(calendar->getValue<std::string>("method") == "REQUEST");
    const auto event = calendar->getArray("events")->getObject(0);
    BOOST_TEST(event->getValue<std::string>("uid") == "F1D2C3B4A5968778C1257E5A00512345-Lotus_Notes_Generated");
    BOOST_TEST(event->getValue<int>("sequence") == 0);
    BOOST_TEST(event->getValue<std::string>("start") == "2026-12-03T19:00:00Z");
    BOOST_TEST(event->getValue<std::string>("end") == "2026-12-03T20:00:00Z");
    BOOST_TEST(event->getValue<std::string>("startZone") == "Eastern");
    BOOST_TEST(event->getObject("organizer")->getValue<std::string>("address") == "dana@acme.example");
    BOOST_TEST(event->getObject("organizer")->getValue<std::string>("name") == "Dana Notes/Acme");
    BOOST_REQUIRE_EQUAL(event->getArray("attendees")->size(), 2u);
    const auto bob = event->getArray("attendees")->getObject(1);
    BOOST_TEST(bob->getValue<std::string>("address") == "bob@example.org");
    BOOST_TEST(bob->getValue<std::string>("role") == "REQ-PARTICIPANT");
    BOOST_TEST(bob->getValue<bool>("rsvp"));
    BOOST_TEST(calendar->getArray("findings")->getObject(0)->getValue<std::string>("code") == "ical-line-too-long");
}

BOOST_AUTO_TEST_CASE(composedUpdateShowsItsMethodUidSequenceTimesAndPeople) {
    mailrig::Appointment first;
    first.setUid("inspect-update@example.org");
    first.setSummary("Design review");
    first.setTimes(nineUtc, nineUtc + std::chrono::minutes(90));
    first.setOrganizer(mailrig::MailAddress("alice@example.org", "Alice Example"));
    first.addAttendee(mailrig::MailAddress("bob@example.org", "Bob"));
    const mailrig::Appointment update = first.updated();
    mailrig::MailMessage m;
    m.addTo(mailrig::MailAddress("bob@example.org", "Bob"));
    update.attachTo(m);
    const mailrig::test::TempDir dir;
    mailrig::test::writeFile(dir.file("update.eml"), m.toEml());

    const auto text = runMailrig({"inspect", dir.file("update.eml")});
    BOOST_TEST(text.exitCode == 0, text.out + text.err);
    BOOST_TEST(contains(text.out, "\nCalendar: REQUEST (part "));
    BOOST_TEST(contains(text.out, "    UID:        inspect-update@example.org\n    Sequence:   1\n"), text.out);
    BOOST_TEST(contains(text.out, "    Start:      20261201T090000Z (2026-12-01T09:00:00Z)\n"
                                  "    End:        20261201T103000Z (2026-12-01T10:30:00Z)\n"));
    BOOST_TEST(contains(text.out, "    Organizer:  Alice Example <alice@example.org>\n"));
    BOOST_TEST(contains(text.out, "    Attendee:   Bob <bob@example.org>  REQ-PARTICIPANT  NEEDS-ACTION  RSVP\n"));

    const auto json = runMailrig({"inspect", "--json", dir.file("update.eml")});
    BOOST_TEST(json.exitCode == 0, json.err);
    const auto python = mailrig::test::runPython(R"PY(
import json, sys
c = json.load(sys.stdin)['calendar']
e = c['events'][0]
print(c['method'], e['uid'], e['sequence'], e['start'], e['end'], e['organizer']['address'],
      [(a['name'], a['address'], a['partstat']) for a in e['attendees']], c['findings'], sep='|')
)PY",
                                                 {}, json.out);
    BOOST_TEST(python.exitCode == 0, python.err);
    BOOST_TEST(python.out == "REQUEST|inspect-update@example.org|1|2026-12-01T09:00:00Z|2026-12-01T10:30:00Z|"
                             "alice@example.org|[('Bob', 'bob@example.org', 'NEEDS-ACTION')]|[]\n");
}

BOOST_AUTO_TEST_CASE(messageWithoutCalendarHasNoSection) {
    const auto r = runMailrig({"inspect", fixturePath("eml/ical-outlook-request.eml")});
    const auto plain = runMailrig({"inspect", "--json", fixturePath("eml/alternative-text-html.eml")});
    BOOST_TEST(!contains(plain.out, "\"calendar\": {"));
    BOOST_TEST(contains(r.out, "Calendar:"));
}

BOOST_AUTO_TEST_SUITE_END()
