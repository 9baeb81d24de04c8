// The calendar section of `mailrig inspect`, text and JSON, on Outlook- and Notes-shaped
// invitations and on a message whose calendar disagrees with its MIME method.
#include <boost/test/unit_test.hpp>

#include "support/Process.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

using mailrig::test::fixturePath;
using mailrig::test::runMailrig;

namespace {

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

} // namespace

BOOST_AUTO_TEST_SUITE(InspectCalendarTest)

BOOST_AUTO_TEST_CASE(outlookInvitationShowsTheEvent) {
    const auto r = runMailrig({"inspect", fixturePath("eml/ical-outlook-request.eml")});
    BOOST_TEST_MESSAGE(r.out);
    BOOST_TEST(contains(r.out, "\nCalendar: REQUEST (part 3)\n"));
    BOOST_TEST(contains(r.out, "  Event: Quarterly planning – Q1 2027\n"));
    BOOST_TEST(contains(r.out, "    Sequence:   0\n"));
    BOOST_TEST(contains(r.out, "    Start:      20261201T100000 W. Europe Standard Time (2026-12-01T09:00:00Z)\n"));
    BOOST_TEST(contains(r.out, "    End:        20261201T113000 W. Europe Standard Time (2026-12-01T10:30:00Z)\n"));
    BOOST_TEST(contains(r.out, "    Organizer:  Alice Example <alice@example.org>\n"));
    BOOST_TEST(contains(r.out, "    Attendee:   Zoë Müller <zoe@example.org>  OPT-PARTICIPANT  NEEDS-ACTION  RSVP\n"));
    BOOST_TEST(contains(r.out, "  Calendar lint: no findings\n"));
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
    BOOST_TEST(event->getValue<std::string>("startZone") == "Eastern");
    BOOST_TEST(event->getObject("organizer")->getValue<std::string>("address") == "dana@acme.example");
    BOOST_TEST(event->getArray("attendees")->size() == 2u);
    BOOST_TEST(calendar->getArray("findings")->getObject(0)->getValue<std::string>("code") == "ical-line-too-long");
}

BOOST_AUTO_TEST_CASE(messageWithoutCalendarHasNoSection) {
    const auto r = runMailrig({"inspect", fixturePath("eml/ical-outlook-request.eml")});
    const auto plain = runMailrig({"inspect", "--json", fixturePath("eml/alternative-text-html.eml")});
    BOOST_TEST(!contains(plain.out, "\"calendar\": {"));
    BOOST_TEST(contains(r.out, "Calendar:"));
}

BOOST_AUTO_TEST_SUITE_END()
