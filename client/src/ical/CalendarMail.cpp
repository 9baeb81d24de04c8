// Appointment::attachTo() and attachCalendar(): the MIME shape Outlook and Notes accept for a
// meeting message.
#include "mailrig/client/Appointment.h"
#include "mailrig/client/MailMessage.h"

#include "ical/IcsFolding.h"
#include "ical/IcsWriter.h"
#include "ical/LibicalHandle.h"

#include <algorithm>
#include <stdexcept>

namespace mailrig {

namespace {

constexpr const char* calendarMessageClass = "urn:content-classes:calendarmessage";

/// What the message around a calendar is made of, whoever built the calendar.
struct CalendarFacts {
    std::string method;                  ///< METHOD, upper case
    std::string subject;                 ///< the subject to use when the message has none
    std::string plainText;               ///< the text/plain body to use when the message has none
    /// From to use when the message has none: the organizer, or for a REPLY the attendee who
    /// answers (RFC 5546 3.2.3: the REPLY comes from the attendee).
    std::optional<MailAddress> defaultFrom;
};

bool isAscii(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x80; });
}

/// 7bit for ASCII (iCalendar lines never exceed 75 octets), quoted-printable for 8-bit text
/// (readable on the wire, as Notes sends it) unless the caller asked for base64; never raw
/// 8-bit, so no 8BITMIME is needed.
TransferEncoding calendarEncoding(TransferEncoding asked, const std::string& ics) {
    if (asked == TransferEncoding::QuotedPrintable || asked == TransferEncoding::Base64) return asked;
    return isAscii(ics) ? TransferEncoding::SevenBit : TransferEncoding::QuotedPrintable;
}

std::string subjectPrefix(const std::string& method, const std::string& partstat) {
    if (method == "CANCEL") return "Cancelled: ";
    if (method != "REPLY") return "";
    if (partstat == "ACCEPTED") return "Accepted: ";
    if (partstat == "DECLINED") return "Declined: ";
    if (partstat == "TENTATIVE") return "Tentative: ";
    return "";
}

std::string crlf(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    return out;
}

/// The text/plain rendering for readers that show no calendar.
std::string plainText(const std::string& title, const std::string& when, const std::string& repeats,
                      const std::string& where, const std::string& organizer, const std::string& description) {
    std::string text = title + "\r\n\r\n";
    if (!when.empty()) text += "When: " + when + "\r\n";
    if (!repeats.empty()) text += "Repeats: " + repeats + "\r\n";
    if (!where.empty()) text += "Where: " + where + "\r\n";
    if (!organizer.empty()) text += "Organizer: " + organizer + "\r\n";
    if (!description.empty()) text += "\r\n" + crlf(description) + "\r\n";
    return text;
}

void attachIcs(MailMessage& message, const std::string& ics, const CalendarFacts& facts,
               const CalendarMailOptions& options) {
    if (!message.from() && facts.defaultFrom) message.setFrom(*facts.defaultFrom);
    if (message.subject().empty() && options.subjectFromSummary && !facts.subject.empty())
        message.setSubject(facts.subject);
    if (message.textBody().empty()) message.setTextBody(facts.plainText);

    AlternateView view;
    view.content = ics;
    view.contentType = "text/calendar";
    view.charset = "UTF-8";
    view.transferEncoding = calendarEncoding(options.transferEncoding, ics);
    view.parameters = {{"method", facts.method}};
    message.addAlternateView(view);

    message.removeHeader("Content-Class");
    message.addHeader("Content-Class", calendarMessageClass);

    if (options.addIcsAttachment) {
        if (options.attachmentName.empty())
            throw std::invalid_argument("CalendarMailOptions::attachmentName must not be empty");
        Attachment file = Attachment::fromBytes(options.attachmentName, ics, "application/ics");
        file.transferEncoding = TransferEncoding::Base64;
        message.addAttachment(file);
    }
}

void refuseSecondCalendar(const MailMessage& message) {
    for (const AlternateView& view : message.alternateViews())
        if (view.contentType == "text/calendar")
            throw std::logic_error("the message already carries a text/calendar view; one calendar per message");
}

std::string propertyText(icalcomponent* c, icalproperty_kind kind) {
    icalproperty* p = c ? icalcomponent_get_first_property(c, kind) : nullptr;
    if (!p) return "";
    icalvalue* v = icalproperty_get_value(p);
    if (v && icalvalue_isa(v) == ICAL_TEXT_VALUE) return icalvalue_get_text(v) ? icalvalue_get_text(v) : "";
    const char* text = icalproperty_get_value_as_string(p);
    return text ? text : "";
}

std::string parameterText(icalproperty* p, icalparameter_kind kind) {
    icalparameter* param = p ? icalproperty_get_first_parameter(p, kind) : nullptr;
    if (!param) return "";
    if (kind == ICAL_CN_PARAMETER) return icalparameter_get_cn(param) ? icalparameter_get_cn(param) : "";
    if (kind == ICAL_TZID_PARAMETER) return icalparameter_get_tzid(param) ? icalparameter_get_tzid(param) : "";
    if (kind == ICAL_PARTSTAT_PARAMETER) return icalparameter_enum_to_string(icalparameter_get_partstat(param));
    return "";
}

/// The event's first ORGANIZER or ATTENDEE (`kind`) as a mailbox, when it is a mailto: address.
std::optional<MailAddress> mailboxOf(icalcomponent* event, icalproperty_kind kind) {
    icalproperty* p = event ? icalcomponent_get_first_property(event, kind) : nullptr;
    const char* address = !p ? nullptr : kind == ICAL_ORGANIZER_PROPERTY ? icalproperty_get_organizer(p)
                                                                         : icalproperty_get_attendee(p);
    if (!address) return std::nullopt;
    std::string value = address;
    std::string scheme = value.substr(0, 7);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "mailto:" || value.find('@') == std::string::npos) return std::nullopt;
    return MailAddress(value.substr(7), parameterText(p, ICAL_CN_PARAMETER));
}

} // namespace

void Appointment::attachTo(MailMessage& message, const CalendarMailOptions& options) const {
    refuseSecondCalendar(message);
    const std::string ics = toIcs();
    CalendarFacts facts;
    facts.method = toString(_method);
    const std::string prefix = subjectPrefix(
        facts.method, _method == CalendarMethod::Reply && !_attendees.empty() ? toString(_attendees.front().status) : "");
    if (!_summary.empty()) facts.subject = prefix + _summary;
    const std::string zone = _timeZone.empty() ? "UTC" : _timeZone;
    const std::string when = detail::formatLocalTime(_start, _timeZone) + " - " +
                             detail::formatLocalTime(_end, _timeZone) + " (" + zone + ")";
    facts.plainText = plainText(prefix + _summary, when, _rrule, _location,
                                _organizer ? _organizer->toString() : "", _description);
    facts.defaultFrom = _method == CalendarMethod::Reply && !_attendees.empty()
                            ? std::optional<MailAddress>(_attendees.front().mailbox)
                            : _organizer;
    attachIcs(message, ics, facts, options);
}

void attachCalendar(MailMessage& message, const std::string& icsText, const CalendarMailOptions& options,
                    const std::string& name) {
    refuseSecondCalendar(message);
    const std::string ics = detail::foldContentLines(icsText);
    icalerror_clear_errno();
    detail::IcalComponentPtr root(icalparser_parse_string(ics.c_str()));
    icalerror_clear_errno();
    icalcomponent* calendar = root && icalcomponent_isa(root.get()) == ICAL_VCALENDAR_COMPONENT
                                  ? root.get()
                                  : (root ? icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT) : nullptr);
    if (!calendar) throw std::invalid_argument(name + ": not an iCalendar object (no BEGIN:VCALENDAR ... END:VCALENDAR)");
    icalproperty* methodProperty = icalcomponent_get_first_property(calendar, ICAL_METHOD_PROPERTY);
    const char* methodText = methodProperty ? icalproperty_get_value_as_string(methodProperty) : nullptr;
    if (!methodText || !*methodText)
        throw std::invalid_argument(name + ": the VCALENDAR has no METHOD (REQUEST, CANCEL, REPLY...); "
                                           "Outlook rejects a calendar without one");

    CalendarFacts facts;
    facts.method = methodText;
    std::transform(facts.method.begin(), facts.method.end(), facts.method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    icalcomponent* event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
    icalproperty* attendee = event ? icalcomponent_get_first_property(event, ICAL_ATTENDEE_PROPERTY) : nullptr;
    const std::string prefix = subjectPrefix(facts.method, parameterText(attendee, ICAL_PARTSTAT_PARAMETER));
    const std::string summary = propertyText(event, ICAL_SUMMARY_PROPERTY);
    if (!summary.empty()) facts.subject = prefix + summary;
    std::string when = propertyText(event, ICAL_DTSTART_PROPERTY);
    const std::string tzid =
        parameterText(event ? icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY) : nullptr, ICAL_TZID_PARAMETER);
    if (!tzid.empty()) when += " (" + tzid + ")";
    const std::optional<MailAddress> organizer = mailboxOf(event, ICAL_ORGANIZER_PROPERTY);
    facts.defaultFrom = facts.method == "REPLY" ? mailboxOf(event, ICAL_ATTENDEE_PROPERTY) : organizer;
    facts.plainText = plainText(prefix + (summary.empty() ? "Calendar" : summary), when,
                                propertyText(event, ICAL_RRULE_PROPERTY), propertyText(event, ICAL_LOCATION_PROPERTY),
                                organizer ? organizer->toString() : "",
                                propertyText(event, ICAL_DESCRIPTION_PROPERTY));
    attachIcs(message, ics, facts, options);
}

} // namespace mailrig
