// mailrig::Appointment: what toIcs() writes, checked with libical's iTIP restriction check and
// with Python's icalendar as independent readers.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/Appointment.h"

#include "ical/IcsFolding.h"
#include "support/Process.h"

#include <libical/ical.h>

#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

using namespace std::chrono;
using mailrig::Appointment;
using mailrig::AttendeeRole;
using mailrig::MailAddress;
using mailrig::ParticipationStatus;

namespace {

// 2026-12-01T09:00:00Z
const Appointment::TimePoint nineUtc = system_clock::from_time_t(1796115600);

Appointment sampleMeeting() {
    Appointment a;
    a.setUid("sample-0001@example.org");
    a.setSummary("Design review");
    a.setLocation("Room 4.12");
    a.setDescription("Agenda:\n1. numbers; costs, risks\n2. next steps \\ owners");
    a.setTimes(nineUtc, nineUtc + minutes(90));
    a.setOrganizer(MailAddress("alice@example.org", "Alice Example"));
    a.addAttendee(MailAddress("bob@example.org", "Bob, the Builder"));
    a.addAttendee(MailAddress("carol@example.org"), AttendeeRole::Optional, false);
    a.setStamp(nineUtc - hours(24 * 7));
    return a;
}

struct ComponentFree {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};

/// Runs libical's parser and iTIP restriction check; returns every X-LIC-ERROR text.
std::vector<std::string> libicalErrors(const std::string& ics) {
    std::unique_ptr<icalcomponent, ComponentFree> c(icalparser_parse_string(ics.c_str()));
    BOOST_REQUIRE(c);
    BOOST_REQUIRE_EQUAL(icalcomponent_isa(c.get()), ICAL_VCALENDAR_COMPONENT);
    const bool ok = icalrestriction_check(c.get()) != 0;
    std::vector<std::string> errors;
    std::vector<icalcomponent*> todo{c.get()};
    while (!todo.empty()) {
        icalcomponent* comp = todo.back();
        todo.pop_back();
        for (icalproperty* p = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY); p;
             p = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY))
            errors.push_back(icalproperty_get_xlicerror(p));
        for (icalcomponent* k = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); k;
             k = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT))
            todo.push_back(k);
    }
    if (!ok && errors.empty()) errors.push_back("icalrestriction_check failed without X-LIC-ERROR");
    return errors;
}

void requireNoLibicalErrors(const std::string& ics) {
    const auto errors = libicalErrors(ics);
    for (const auto& e : errors) BOOST_TEST_MESSAGE("libical: " << e);
    BOOST_TEST(errors.empty(), "libical reported " << errors.size() << " errors for:\n" << ics);
}

/// What Python's icalendar read back: single values by name, plus the attendees and alarms.
struct PythonReading {
    std::map<std::string, std::string> values;
    std::vector<std::map<std::string, std::string>> attendees;
    std::vector<std::string> alarms;
    std::string operator[](const std::string& key) const {
        const auto it = values.find(key);
        return it == values.end() ? "<missing " + key + ">" : it->second;
    }
};

/// Reads the calendar with Python's icalendar. The script prints `key<TAB>value` lines with
/// backslash and newline escaped; attendee lines carry `address|cn|role|partstat|rsvp`.
PythonReading readWithPythonIcalendar(const std::string& ics) {
    const char* script = R"PY(
import sys, icalendar, datetime
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
ev = [c for c in cal.walk('VEVENT')][0]
def out(key, value):
    sys.stdout.write(key + '\t' + str(value).replace('\\', '\\\\').replace('\n', '\\n') + '\n')
def utc(v):
    return v.dt.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
out('method', cal.get('METHOD')); out('uid', ev.get('UID')); out('sequence', int(ev.get('SEQUENCE', 0)))
for key in ('SUMMARY', 'LOCATION', 'DESCRIPTION', 'STATUS', 'ORGANIZER'):
    out(key.lower(), ev.get(key, ''))
out('start', utc(ev.get('DTSTART'))); out('end', utc(ev.get('DTEND')))
out('tzid', ev.get('DTSTART').params.get('TZID', ''))
out('rrule', str(ev.get('RRULE').to_ical(), 'ascii') if ev.get('RRULE') else '')
att = ev.get('ATTENDEE', [])
for a in (att if isinstance(att, list) else [att]):
    out('attendee', '|'.join([str(a)] + [str(a.params.get(p, '')) for p in ('CN', 'ROLE', 'PARTSTAT', 'RSVP')]))
for alarm in ev.walk('VALARM'):
    out('alarm', str(alarm.get('TRIGGER').to_ical(), 'ascii'))
)PY";
    const auto result = mailrig::test::runPython(script, {}, ics);
    BOOST_REQUIRE_MESSAGE(result.exitCode == 0, "python icalendar failed: " << result.err);
    PythonReading reading;
    std::istringstream lines(result.out);
    std::string line;
    while (std::getline(lines, line)) {
        const std::size_t tab = line.find('\t');
        BOOST_REQUIRE(tab != std::string::npos);
        std::string value;
        for (std::size_t i = tab + 1; i < line.size(); ++i) {
            if (line[i] == '\\' && i + 1 < line.size()) {
                value += line[i + 1] == 'n' ? '\n' : line[i + 1];
                ++i;
            } else {
                value += line[i];
            }
        }
        const std::string key = line.substr(0, tab);
        if (key == "alarm") {
            reading.alarms.push_back(value);
        } else if (key == "attendee") {
            std::map<std::string, std::string> attendee;
            std::istringstream fields(value);
            for (const char* name : {"address", "cn", "role", "partstat", "rsvp"}) std::getline(fields, attendee[name], '|');
            reading.attendees.push_back(attendee);
        } else {
            reading.values[key] = value;
        }
    }
    return reading;
}

std::vector<std::string> physicalLines(const std::string& ics) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < ics.size()) {
        const std::size_t end = ics.find("\r\n", pos);
        BOOST_REQUIRE_MESSAGE(end != std::string::npos, "text does not end with CRLF");
        lines.push_back(ics.substr(pos, end - pos));
        pos = end + 2;
    }
    return lines;
}

void requireWellFormedLines(const std::string& ics) {
    BOOST_TEST(ics.find('\n') != std::string::npos);
    for (std::size_t i = 0; i < ics.size(); ++i) {
        if (ics[i] == '\n') BOOST_REQUIRE_MESSAGE(i > 0 && ics[i - 1] == '\r', "bare LF at offset " << i);
        if (ics[i] == '\r') BOOST_REQUIRE_MESSAGE(i + 1 < ics.size() && ics[i + 1] == '\n', "bare CR at offset " << i);
    }
    for (const auto& line : physicalLines(ics)) {
        BOOST_TEST(line.size() <= 75u, "line longer than 75 octets: " << line);
        BOOST_TEST(!line.empty(), "empty line");
        if (line.size() > 1 && line[0] == ' ')
            BOOST_TEST((static_cast<unsigned char>(line[1]) & 0xC0) != 0x80, "fold inside a UTF-8 character: " << line);
    }
}

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

} // namespace

BOOST_AUTO_TEST_SUITE(AppointmentTest)

BOOST_AUTO_TEST_CASE(requestPassesLibicalRestrictionCheck) {
    const std::string ics = sampleMeeting().toIcs();
    requireNoLibicalErrors(ics);
    requireWellFormedLines(ics);
    BOOST_TEST(contains(ics, "METHOD:REQUEST\r\n"));
    BOOST_TEST(contains(ics, "SEQUENCE:0\r\n"));
    BOOST_TEST(contains(ics, "DTSTART:20261201T090000Z\r\n"));
    BOOST_TEST(contains(ics, "DTEND:20261201T103000Z\r\n"));
    BOOST_TEST(contains(ics, "DTSTAMP:20261124T090000Z\r\n"));
}

BOOST_AUTO_TEST_CASE(pythonIcalendarReadsBackSummaryTimesAndAttendees) {
    const auto json = readWithPythonIcalendar(sampleMeeting().toIcs());
    BOOST_TEST(json["method"] == "REQUEST");
    BOOST_TEST(json["uid"] == "sample-0001@example.org");
    BOOST_TEST(json["summary"] == "Design review");
    BOOST_TEST(json["location"] == "Room 4.12");
    BOOST_TEST(json["description"] == "Agenda:\n1. numbers; costs, risks\n2. next steps \\ owners");
    BOOST_TEST(json["start"] == "2026-12-01T09:00:00Z");
    BOOST_TEST(json["end"] == "2026-12-01T10:30:00Z");
    BOOST_TEST(json["organizer"] == "mailto:alice@example.org");
    const auto& attendees = json.attendees;
    BOOST_REQUIRE_EQUAL(attendees.size(), 2u);
    const auto& bob = attendees.at(0);
    BOOST_TEST(bob.at("address") == "mailto:bob@example.org");
    BOOST_TEST(bob.at("cn") == "Bob, the Builder");
    BOOST_TEST(bob.at("role") == "REQ-PARTICIPANT");
    BOOST_TEST(bob.at("partstat") == "NEEDS-ACTION");
    BOOST_TEST(bob.at("rsvp") == "TRUE");
    const auto& carol = attendees.at(1);
    BOOST_TEST(carol.at("role") == "OPT-PARTICIPANT");
    BOOST_TEST(carol.at("rsvp") == "FALSE");
}

BOOST_AUTO_TEST_CASE(updateKeepsUidAndIncrementsSequence) {
    const Appointment first = sampleMeeting();
    Appointment update = first.updated();
    update.setTimes(nineUtc + hours(1), nineUtc + hours(2));
    BOOST_TEST(update.uid() == first.uid());
    BOOST_TEST(update.sequence() == 1);
    BOOST_TEST(!update.stamp().has_value());
    const std::string ics = update.toIcs();
    requireNoLibicalErrors(ics);
    const auto json = readWithPythonIcalendar(ics);
    BOOST_TEST(json["uid"] == "sample-0001@example.org");
    BOOST_TEST(json["sequence"] == "1");
    BOOST_TEST(json["method"] == "REQUEST");
    BOOST_TEST(json["start"] == "2026-12-01T10:00:00Z");
}

BOOST_AUTO_TEST_CASE(cancelIsCancelledWithHigherSequence) {
    const Appointment cancel = sampleMeeting().updated().cancelled();
    const std::string ics = cancel.toIcs();
    requireNoLibicalErrors(ics);
    BOOST_TEST(contains(ics, "METHOD:CANCEL\r\n"));
    BOOST_TEST(contains(ics, "STATUS:CANCELLED\r\n"));
    BOOST_TEST(contains(ics, "SEQUENCE:2\r\n"));
    BOOST_TEST(readWithPythonIcalendar(ics).attendees.size() == 2u);
}

BOOST_AUTO_TEST_CASE(replyCarriesExactlyTheAnsweringAttendee) {
    const Appointment reply = sampleMeeting().reply("BOB@example.org", ParticipationStatus::Accepted);
    BOOST_TEST(toString(reply.method()) == "REPLY");
    const std::string ics = reply.toIcs();
    requireNoLibicalErrors(ics);
    const auto json = readWithPythonIcalendar(ics);
    BOOST_TEST(json["method"] == "REPLY");
    BOOST_TEST(json["sequence"] == "0");
    const auto& attendees = json.attendees;
    BOOST_REQUIRE_EQUAL(attendees.size(), 1u);
    BOOST_TEST(attendees.at(0).at("address") == "mailto:bob@example.org");
    BOOST_TEST(attendees.at(0).at("partstat") == "ACCEPTED");
    BOOST_TEST(attendees.at(0).at("rsvp") == "");
}

BOOST_AUTO_TEST_CASE(replyRejectsStrangersAndNonAnswers) {
    const Appointment a = sampleMeeting();
    BOOST_CHECK_THROW(a.reply("mallory@example.net", ParticipationStatus::Accepted), std::invalid_argument);
    BOOST_CHECK_THROW(a.reply("bob@example.org", ParticipationStatus::NeedsAction), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(timeZoneWritesTzidWithTrimmedVtimezone) {
    Appointment a = sampleMeeting();
    a.setTimeZone("Europe/Berlin");
    const std::string ics = a.toIcs();
    requireNoLibicalErrors(ics);
    requireWellFormedLines(ics);
    BOOST_TEST(contains(ics, "DTSTART;TZID=Europe/Berlin:20261201T100000\r\n"));
    BOOST_TEST(contains(ics, "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
    BOOST_TEST(!contains(ics, "1893"), "the VTIMEZONE still carries the 19th century");
    BOOST_TEST(ics.find("BEGIN:VTIMEZONE") < ics.find("BEGIN:VEVENT"));
    const auto json = readWithPythonIcalendar(ics);
    BOOST_TEST(json["tzid"] == "Europe/Berlin");
    BOOST_TEST(json["start"] == "2026-12-01T09:00:00Z");
    BOOST_TEST(json["end"] == "2026-12-01T10:30:00Z");
}

BOOST_AUTO_TEST_CASE(summerTimeIsResolvedByTheGeneratedVtimezone) {
    // 2027-07-01T16:00:00Z is 12:00 in New York (EDT, -04:00); the reader must get the instant
    // back through our VTIMEZONE, not through its own zone data.
    Appointment a = sampleMeeting();
    a.setTimeZone("America/New_York");
    a.setTimes(system_clock::from_time_t(1814457600), system_clock::from_time_t(1814461200));
    const std::string ics = a.toIcs();
    BOOST_TEST(contains(ics, "DTSTART;TZID=America/New_York:20270701T120000\r\n"));
    std::unique_ptr<icalcomponent, ComponentFree> c(icalparser_parse_string(ics.c_str()));
    icalcomponent* event = icalcomponent_get_first_component(c.get(), ICAL_VEVENT_COMPONENT);
    const icaltimetype start = icalcomponent_get_dtstart(event);
    BOOST_REQUIRE(start.zone != nullptr);
    BOOST_TEST(std::string(icaltimezone_get_tzid(const_cast<icaltimezone*>(start.zone))) == "America/New_York");
    BOOST_TEST(icaltime_as_timet_with_zone(start, start.zone) == 1814457600);
}

BOOST_AUTO_TEST_CASE(meetingsAroundDaylightChangesNameTheirInstantAsRfc5545ReadsLocalTime) {
    // Berlin, 2026-10-25: 02:00-03:00 local happens twice (00:30Z and 01:30Z are both 02:30);
    // 2026-03-29: 02:00-03:00 local never happens. RFC 5545 3.3.5 reads a repeated local time as
    // its first occurrence, so the second must not be written as local time. The oracle is
    // Python's zoneinfo with fold=0, which reads local time the RFC's way.
    const char* script = R"PY(
import sys, datetime, zoneinfo
for line in sys.stdin.read().replace('\r\n ', '').splitlines():
    if not line.startswith('DTSTART'): continue
    name, value = line.split(':', 1)
    if 'TZID=' not in name and not value.endswith('Z'): continue  # a VTIMEZONE observance
    if value.endswith('Z'):
        t = datetime.datetime.strptime(value, '%Y%m%dT%H%M%SZ').replace(tzinfo=datetime.timezone.utc)
    else:
        zone = zoneinfo.ZoneInfo(name.split('TZID=')[1])
        t = datetime.datetime.strptime(value, '%Y%m%dT%H%M%S').replace(tzinfo=zone)
    print(t.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'), 'local' if 'TZID=' in name else 'utc')
)PY";
    const std::pair<std::time_t, const char*> cases[] = {
        {1792888200, "2026-10-25T00:30:00Z local"}, // the first 02:30: local time names it
        {1792891800, "2026-10-25T01:30:00Z utc"},   // the second 02:30: only UTC names it
        {1792895400, "2026-10-25T02:30:00Z local"}, // 03:30, after the change
        {1774747800, "2026-03-29T01:30:00Z local"}, // 03:30 summer time, just after the gap
        {1774744200, "2026-03-29T00:30:00Z local"}, // 01:30, just before the gap
    };
    for (const auto& [start, expected] : cases) {
        Appointment a = sampleMeeting();
        a.setTimeZone("Europe/Berlin");
        a.setTimes(system_clock::from_time_t(start), system_clock::from_time_t(start + 3600));
        const std::string ics = a.toIcs();
        requireNoLibicalErrors(ics);
        const auto result = mailrig::test::runPython(script, {}, ics);
        BOOST_REQUIRE_MESSAGE(result.exitCode == 0, "python zoneinfo failed: " << result.err);
        BOOST_TEST(result.out == std::string(expected) + "\n", ics);
    }
}

BOOST_AUTO_TEST_CASE(aRecurringMeetingInTheRepeatedHourIsRefusedWithTheReason) {
    Appointment a = sampleMeeting();
    a.setTimeZone("Europe/Berlin");
    a.setRecurrenceRule("FREQ=WEEKLY;COUNT=4");
    a.setTimes(system_clock::from_time_t(1792891800), system_clock::from_time_t(1792895400)); // the second 02:30
    try {
        a.toIcs();
        BOOST_FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("2026-10-25 02:30 happens twice in Europe/Berlin") != std::string::npos,
                   e.what());
    }
    a.setTimes(system_clock::from_time_t(1792888200), system_clock::from_time_t(1792891800)); // the first 02:30
    BOOST_CHECK_NO_THROW(a.toIcs());
}

BOOST_AUTO_TEST_CASE(unknownTimeZoneIsRejected) {
    Appointment a;
    BOOST_CHECK_THROW(a.setTimeZone("Mars/Olympus_Mons"), std::invalid_argument);
    a.setTimeZone("UTC");
    BOOST_TEST(a.timeZone().empty());
}

BOOST_AUTO_TEST_CASE(recurrenceAndRemindersAreWritten) {
    Appointment a = sampleMeeting();
    a.setRecurrenceRule("FREQ=WEEKLY;COUNT=10;BYDAY=TU");
    a.addReminder({minutes(15), "Design review in 15 minutes"});
    a.addReminder({minutes(24 * 60), "Tomorrow: design review"});
    const std::string ics = a.toIcs();
    requireNoLibicalErrors(ics);
    const auto json = readWithPythonIcalendar(ics);
    BOOST_TEST(json["rrule"] == "FREQ=WEEKLY;COUNT=10;BYDAY=TU");
    const auto& alarms = json.alarms;
    BOOST_REQUIRE_EQUAL(alarms.size(), 2u);
    BOOST_TEST(alarms.at(0) == "-PT15M");
    BOOST_TEST(alarms.at(1) == "-P1D");
}

BOOST_AUTO_TEST_CASE(badRecurrenceRuleIsRejectedWithTheReason) {
    Appointment a;
    try {
        a.setRecurrenceRule("FREQ=SOMETIMES");
        BOOST_FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(contains(e.what(), "FREQ=SOMETIMES"));
    }
    BOOST_TEST(a.recurrenceRule().empty());
}

BOOST_AUTO_TEST_CASE(endBeforeStartIsRejected) {
    Appointment a;
    BOOST_CHECK_THROW(a.setTimes(nineUtc, nineUtc), std::invalid_argument);
    BOOST_CHECK_THROW(a.setTimes(nineUtc, nineUtc - minutes(1)), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(incompleteMeetingsAreNotSerialised) {
    Appointment noOrganizer = sampleMeeting();
    noOrganizer = Appointment();
    noOrganizer.addAttendee(MailAddress("bob@example.org"));
    BOOST_CHECK_THROW(noOrganizer.toIcs(), std::logic_error);
    Appointment noAttendee;
    noAttendee.setOrganizer(MailAddress("alice@example.org"));
    BOOST_CHECK_THROW(noAttendee.toIcs(), std::logic_error);
    Appointment duplicate = sampleMeeting();
    BOOST_CHECK_THROW(duplicate.addAttendee(MailAddress("Bob@Example.org")), std::invalid_argument);
    BOOST_CHECK_THROW(duplicate.addAttendee(MailAddress("not-an-address")), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(foldingKeepsMultiByteCharactersWhole) {
    Appointment a = sampleMeeting();
    // Two-, three- and four-byte characters, long enough to need several folds at every offset.
    const std::string summary = "Überprüfung – 日本語の会議 – 🙂🙂🙂 – Ärger über Öl, ß; " + std::string(3, 'x') +
                                " 会議会議会議会議会議会議会議会議会議会議会議会議 Zoë Müller";
    a.setSummary(summary);
    a.setLocation("Zürich, Bahnhofstraße 1; Raum \"Ägäis\" 🙂");
    const std::string ics = a.toIcs();
    requireWellFormedLines(ics);
    requireNoLibicalErrors(ics);
    const auto json = readWithPythonIcalendar(ics);
    BOOST_TEST(json["summary"] == summary);
    BOOST_TEST(json["location"] == "Zürich, Bahnhofstraße 1; Raum \"Ägäis\" 🙂");
}

BOOST_AUTO_TEST_CASE(refoldingRepairsLinesThatSplitCharacters) {
    // "SUMMARY:" + 66 'a' + "ü": a fold after 75 octets would cut 'ü' (C3 BC) in half.
    const std::string logical = "SUMMARY:" + std::string(66, 'a') + "üüü";
    const std::string split = logical.substr(0, 75) + "\r\n " + logical.substr(75) + "\r\n";
    const std::string fixed = mailrig::detail::foldContentLines(split);
    requireWellFormedLines(fixed);
    BOOST_TEST(fixed == logical.substr(0, 74) + "\r\n " + logical.substr(74) + "\r\n");
    // Lines that are already fine are kept byte for byte; bare LFs become CRLF.
    BOOST_TEST(mailrig::detail::foldContentLines("A:b\r\n c\r\nD:e\n") == "A:b\r\n c\r\nD:e\r\n");
}

BOOST_AUTO_TEST_CASE(attendeeNamesWithQuotesAndSeparatorsStayParameters) {
    Appointment a = sampleMeeting();
    a.clearAttendees();
    a.addAttendee(MailAddress("dan@example.org", "Dan \"The Man\"; Smith, Jr: PhD"));
    const std::string ics = a.toIcs();
    requireNoLibicalErrors(ics);
    const auto attendee = readWithPythonIcalendar(ics).attendees.at(0);
    BOOST_TEST(attendee.at("cn") == "Dan 'The Man'; Smith, Jr: PhD");
    BOOST_TEST(attendee.at("address") == "mailto:dan@example.org");
}

BOOST_AUTO_TEST_CASE(lineBreaksAndControlCharactersInTextAreNormalised) {
    Appointment a = sampleMeeting();
    a.setSummary("one\r\ntwo\rthree\tfour\x01" "five");
    const std::string ics = a.toIcs();
    requireWellFormedLines(ics);
    BOOST_TEST(contains(ics, "SUMMARY:one\\ntwo\\nthree\tfourfive\r\n"));
    BOOST_TEST(readWithPythonIcalendar(ics)["summary"] == "one\ntwo\nthree\tfourfive");
}

BOOST_AUTO_TEST_CASE(generatedUidsAreUnique) {
    BOOST_TEST(Appointment().uid() != Appointment().uid());
    BOOST_TEST(Appointment().uid().size() > 20u);
}

BOOST_AUTO_TEST_SUITE_END()
