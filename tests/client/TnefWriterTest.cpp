// TnefWriter's stream layout (MS-OXTNEF order, checksums, code pages, properties), the RTF
// bodies, and encapsulateInTnef's outer MIME message.
#include "mailrig/client/Tnef.h"
#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Record {
    std::uint8_t level;
    std::uint32_t id;
    std::string data;
    bool checksumOk;
};

std::uint32_t le(const std::string& s, std::size_t at, int n) {
    std::uint32_t v = 0;
    for (int k = n - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(s[at + k]);
    return v;
}

// Splits a stream into its attribute records (the test's own minimal walk of MS-OXTNEF 2.1.3.3).
std::vector<Record> records(const std::string& tnef) {
    BOOST_TEST_REQUIRE(tnef.size() >= 6u);
    BOOST_TEST_REQUIRE(le(tnef, 0, 4) == 0x223E9F78u);
    std::vector<Record> out;
    std::size_t pos = 6;
    while (pos < tnef.size()) {
        BOOST_TEST_REQUIRE(tnef.size() - pos >= 11u);
        Record r{static_cast<std::uint8_t>(tnef[pos]), le(tnef, pos + 1, 4), {}, false};
        const std::uint32_t length = le(tnef, pos + 5, 4);
        BOOST_TEST_REQUIRE(tnef.size() - pos - 11 >= length);
        r.data = tnef.substr(pos + 9, length);
        std::uint32_t sum = 0;
        for (unsigned char c : r.data) sum += c;
        r.checksumOk = (sum & 0xFFFF) == le(tnef, pos + 9 + length, 2);
        out.push_back(r);
        pos += 11 + length;
    }
    return out;
}

const Record& find(const std::vector<Record>& rs, std::uint32_t id) {
    for (const auto& r : rs)
        if (r.id == id) return r;
    BOOST_FAIL("attribute not found");
    return rs.front();
}

std::string utf16(const std::string& ascii) {
    std::string out;
    for (char c : ascii) {
        out.push_back(c);
        out.push_back('\0');
    }
    return out;
}

mailrig::Attachment file(const std::string& name, const std::string& content, const std::string& type) {
    mailrig::Attachment a;
    a.fileName = name;
    a.content = content;
    a.contentType = type;
    return a;
}

mailrig::MailMessage note() {
    mailrig::MailMessage m;
    m.setFrom(mailrig::MailAddress("alice@example.org", "Alice"));
    m.addTo(mailrig::MailAddress("bob@example.net"));
    m.setSubject("Report");
    m.setTextBody("See attached.\r\n");
    m.setMessageId("<writer.1@example.org>");
    return m;
}

constexpr std::uint32_t attTnefVersion = 0x00089006, attOemCodepage = 0x00069007, attMessageClass = 0x00078008,
                        attSubject = 0x00018004, attDateSent = 0x00038005, attPriority = 0x0004800D,
                        attBody = 0x0002800C, attMsgProps = 0x00069003, attAttachRendData = 0x00069002,
                        attAttachTitle = 0x00018010, attAttachModifyDate = 0x00038013, attAttachData = 0x0006800F,
                        attAttachment = 0x00069005;

} // namespace

BOOST_AUTO_TEST_SUITE(TnefWriter)

BOOST_AUTO_TEST_CASE(writesAttributesInTheMsOxtnefOrderWithValidChecksums) {
    auto m = note();
    m.addAttachment(file("a.pdf", "PDF", "application/pdf"));
    m.addAttachment(file("b.bin", std::string("\0\1\2", 3), "application/octet-stream"));
    const auto rs = records(mailrig::TnefWriter().write(m));
    std::vector<std::uint32_t> ids;
    for (const auto& r : rs) {
        ids.push_back(r.id);
        BOOST_TEST(r.checksumOk);
    }
    const std::vector<std::uint32_t> expected = {
        attTnefVersion, attOemCodepage, attMessageClass, attSubject, attDateSent, attPriority, attBody, attMsgProps,
        attAttachRendData, attAttachTitle, attAttachModifyDate, attAttachData, attAttachment,
        attAttachRendData, attAttachTitle, attAttachModifyDate, attAttachData, attAttachment};
    BOOST_TEST(ids == expected, boost::test_tools::per_element());
    for (std::size_t i = 0; i < rs.size(); ++i) BOOST_TEST(rs[i].level == (i < 8 ? 1 : 2));
    BOOST_TEST(le(find(rs, attTnefVersion).data, 0, 4) == 0x00010000u);
    BOOST_TEST(find(rs, attMessageClass).data == std::string("IPM.Microsoft Mail.Note") + '\0');
    BOOST_TEST(rs[11].data == "PDF");
    BOOST_TEST(rs[16].data == std::string("\0\1\2", 3));
    // attAttachRendData: file, no position, 32x32, no flags.
    BOOST_TEST(rs[8].data == std::string("\x01\x00\xff\xff\xff\xff\x20\x00\x20\x00\x00\x00\x00\x00", 14));
}

BOOST_AUTO_TEST_CASE(withoutAttachmentsAttMsgPropsIsLast) {
    const auto rs = records(mailrig::TnefWriter().write(note()));
    BOOST_TEST(rs.back().id == attMsgProps);
}

BOOST_AUTO_TEST_CASE(latinTextUsesWindows1252AndOtherTextUtf8) {
    auto m = note();
    m.setSubject("Café €");
    auto rs = records(mailrig::TnefWriter().write(m));
    BOOST_TEST(le(find(rs, attOemCodepage).data, 0, 4) == 1252u);
    BOOST_TEST(find(rs, attSubject).data == std::string("Caf\xe9 \x80") + '\0');

    m.setSubject("Привет");
    rs = records(mailrig::TnefWriter().write(m));
    BOOST_TEST(le(find(rs, attOemCodepage).data, 0, 4) == 65001u);
    BOOST_TEST(find(rs, attSubject).data == std::string("Привет") + '\0');

    // One non-Latin file name is enough to switch every legacy string to UTF-8.
    m.setSubject("Café");
    m.addAttachment(file("文件.txt", "x", "text/plain"));
    rs = records(mailrig::TnefWriter().write(m));
    BOOST_TEST(le(find(rs, attOemCodepage).data, 0, 4) == 65001u);
    BOOST_TEST(find(rs, attSubject).data == std::string("Café") + '\0');
    BOOST_TEST(find(rs, attAttachTitle).data == std::string("文件.txt") + '\0');
}

BOOST_AUTO_TEST_CASE(aSubjectPast99BytesIsCutOnACharacterBoundaryInAttSubjectOnly) {
    auto m = note();
    m.setSubject(std::string(120, 'x'));
    auto rs = records(mailrig::TnefWriter().write(m));
    BOOST_TEST(find(rs, attSubject).data == std::string(99, 'x') + '\0');
    BOOST_TEST(find(rs, attMsgProps).data.find(utf16(std::string(120, 'x'))) != std::string::npos); // PR_SUBJECT_W

    m.setSubject(std::string(97, 'x') + "Жx"); // 100 bytes: the 2-byte Ж ends at byte 99
    rs = records(mailrig::TnefWriter().write(m));
    BOOST_TEST(find(rs, attSubject).data == std::string(97, 'x') + "Ж" + '\0');
    m.setSubject(std::string(98, 'x') + "Ж"); // Ж would end at byte 100
    rs = records(mailrig::TnefWriter().write(m));
    BOOST_TEST(find(rs, attSubject).data == std::string(98, 'x') + '\0');

    m.setSubject(std::string(99, 'x')); // fits: kept whole
    BOOST_TEST(find(records(mailrig::TnefWriter().write(m)), attSubject).data == std::string(99, 'x') + '\0');
}

BOOST_AUTO_TEST_CASE(aFileNamePast99BytesGetsAShortTitleKeepingItsExtension) {
    auto m = note();
    const std::string fits = std::string(95, 'a') + ".pdf"; // 99 bytes
    const std::string latin = std::string(120, 'b') + ".pdf";
    const std::string cjk = "文件" + std::string(84, 'c') + "\xf0\x9f\x93\x8e\xf0\x9f\x93\x8e.xlsx"; // 📎📎, 103 bytes
    const std::string longExtension = "plan." + std::string(110, 'v');
    for (const auto& name : {fits, latin, cjk, longExtension}) m.addAttachment(file(name, "x", "text/plain"));
    const auto rs = records(mailrig::TnefWriter().write(m));
    std::vector<std::string> titles;
    for (const auto& r : rs)
        if (r.id == attAttachTitle) titles.push_back(r.data);
    BOOST_TEST_REQUIRE(titles.size() == 4u);
    BOOST_TEST(titles[0] == fits + '\0');
    BOOST_TEST(titles[1] == std::string(93, 'b') + "~2.pdf" + '\0');
    // 99 - "~3.xlsx" leaves 92 bytes: 文件 (6), 84 c's, and no part of the 4-byte 📎.
    BOOST_TEST(titles[2] == "文件" + std::string(84, 'c') + "~3.xlsx" + '\0');
    BOOST_TEST(titles[3] == "plan." + std::string(92, 'v') + "~4" + '\0');
    // The whole names stay in PR_ATTACH_LONG_FILENAME_W and PR_DISPLAY_NAME_W.
    std::size_t attachment = 0;
    for (const auto& r : rs)
        if (r.id == attAttachment) {
            const std::string name = attachment == 1 ? latin : attachment == 3 ? longExtension : std::string();
            if (!name.empty()) BOOST_TEST(r.data.find(utf16(name) + std::string(2, '\0')) != std::string::npos);
            ++attachment;
        }
}

BOOST_AUTO_TEST_CASE(anEmptyFileHasNoAttAttachDataAndNoAttributeIsEmpty) {
    auto m = note();
    m.addAttachment(file("empty.dat", "", "application/octet-stream"));
    m.addAttachment(file("b.bin", "B", "application/octet-stream"));
    const auto rs = records(mailrig::TnefWriter().write(m));
    std::vector<std::uint32_t> ids;
    for (const auto& r : rs) {
        if (r.level == 2) ids.push_back(r.id);
        BOOST_TEST(!r.data.empty(), "attribute 0x" << std::hex << r.id);
    }
    const std::vector<std::uint32_t> expected = {
        attAttachRendData, attAttachTitle, attAttachModifyDate, attAttachment,
        attAttachRendData, attAttachTitle, attAttachModifyDate, attAttachData, attAttachment};
    BOOST_TEST(ids == expected, boost::test_tools::per_element());
    BOOST_TEST(find(rs, attAttachData).data == "B");
}

BOOST_AUTO_TEST_CASE(priorityAndDateSentFollowTheMessage) {
    auto m = note();
    m.setDate(std::chrono::system_clock::from_time_t(1709212455)); // 2024-02-29 13:14:15 UTC, Thursday
    m.setPriority(mailrig::Priority::High);
    auto rs = records(mailrig::TnefWriter().write(m));
    BOOST_TEST(find(rs, attPriority).data == std::string("\x01\x00", 2));
    BOOST_TEST(find(rs, attDateSent).data == std::string("\xe8\x07\x02\x00\x1d\x00\x0d\x00\x0e\x00\x0f\x00\x04\x00", 14));
    m.setPriority(mailrig::Priority::Low);
    BOOST_TEST(find(records(mailrig::TnefWriter().write(m)), attPriority).data == std::string("\x03\x00", 2));
    m.setPriority(mailrig::Priority::Normal);
    BOOST_TEST(find(records(mailrig::TnefWriter().write(m)), attPriority).data == std::string("\x02\x00", 2));
}

BOOST_AUTO_TEST_CASE(messagePropertiesCarryTheCorrelationKeyAndBodies) {
    auto m = note();
    m.setHtmlBody("<p>Hello</p>");
    const std::string props = find(records(mailrig::TnefWriter().write(m)), attMsgProps).data;
    BOOST_TEST(props.find(std::string("<writer.1@example.org>") + '\0') != std::string::npos);
    BOOST_TEST(props.find("<p>Hello</p>") != std::string::npos);               // PR_HTML
    BOOST_TEST(props.find(std::string("\x02\x01\x09\x10", 4)) != std::string::npos); // PR_RTF_COMPRESSED tag
    BOOST_TEST(props.find("LZFu") != std::string::npos);
    BOOST_TEST(props.find(std::string("\x0b\x00\x1f\x0e\x01\x00\x00\x00", 8)) != std::string::npos); // RTF_IN_SYNC
    BOOST_TEST(props.find(utf16("alice@example.org")) != std::string::npos);
    BOOST_TEST(props.find(utf16("SMTP")) != std::string::npos);

    mailrig::TnefWriter writer;
    writer.setCorrelationKey("<other@example.org>");
    const std::string other = find(records(writer.write(m)), attMsgProps).data;
    BOOST_TEST(other.find(std::string("<other@example.org>") + '\0') != std::string::npos);
}

BOOST_AUTO_TEST_CASE(attachmentPropertiesNameTheFileButNeverCarryItsData) {
    auto m = note();
    m.addAttachment(file("chart.png", "PNGDATA", "image/png"));
    const std::string props = find(records(mailrig::TnefWriter().write(m)), attAttachment).data;
    BOOST_TEST(props.find(utf16("chart.png")) != std::string::npos);
    BOOST_TEST(props.find(utf16(".png")) != std::string::npos);
    BOOST_TEST(props.find(utf16("image/png")) != std::string::npos);
    BOOST_TEST(props.find(std::string("\x02\x01\x01\x37", 4)) == std::string::npos); // no PR_ATTACH_DATA_BIN
    BOOST_TEST(props.find("PNGDATA") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(linkedResourcesBecomeHiddenAttachmentsWithTheirContentId) {
    auto m = note();
    m.setHtmlBody("<img src=\"cid:logo@x\">");
    mailrig::LinkedResource logo;
    logo.contentId = "logo@x";
    logo.contentType = "image/png";
    logo.content = "PNG";
    m.addLinkedResource(logo);
    const auto rs = records(mailrig::TnefWriter().write(m));
    BOOST_TEST(find(rs, attAttachData).data == "PNG");
    BOOST_TEST(find(rs, attAttachment).data.find(utf16("logo@x")) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(keyAndMessageClassAreConfigurable) {
    mailrig::TnefWriter writer;
    writer.setKey(0xBEEF);
    writer.setMessageClass("IPM.Schedule.Meeting.Canceled");
    const std::string bytes = writer.write(note());
    BOOST_TEST(le(bytes, 4, 2) == 0xBEEFu);
    BOOST_TEST(find(records(bytes), attMessageClass).data == std::string("IPM.Microsoft Schedule.MtgCncl") + '\0');
    BOOST_CHECK_THROW(writer.setKey(0), std::invalid_argument);
    BOOST_CHECK_THROW(writer.setMessageClass(""), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(htmlIsEncapsulatedInRtfTagByTag) {
    const std::string rtf = mailrig::htmlToRtf("<p class=\"a>b\">x{y}\\z é 😀</p>");
    BOOST_TEST(rtf.rfind("{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 ", 0) == 0u);
    BOOST_TEST(rtf.find("{\\*\\htmltag64 <p class=\"a>b\">}") != std::string::npos);
    BOOST_TEST(rtf.find("x\\{y\\}\\\\z \\u233? \\u-10179?\\u-8704?") != std::string::npos);
    BOOST_TEST(rtf.find("{\\*\\htmltag64 </p>}\\htmlrtf \\par") != std::string::npos);
    BOOST_TEST(rtf.substr(rtf.size() - 3) == "}\r\n");
}

BOOST_AUTO_TEST_CASE(plainTextBecomesRtfParagraphs) {
    const std::string rtf = mailrig::textToRtf("one\r\ntwo\tthree {x}");
    BOOST_TEST(rtf.rfind("{\\rtf1\\ansi\\ansicpg1252\\fromtext ", 0) == 0u);
    BOOST_TEST(rtf.find("one\\par\r\ntwo\\tab three \\{x\\}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(encapsulationMovesAttachmentsIntoWinmailDat) {
    auto m = note();
    m.setHtmlBody("<p>Hi</p>");
    m.addAttachment(file("a.pdf", "PDF", "application/pdf"));
    m.addHeader("X-Custom", "kept");
    const mailrig::MailMessage out = mailrig::encapsulateInTnef(m);
    BOOST_TEST_REQUIRE(out.attachments().size() == 1u);
    const auto& winmail = out.attachments()[0];
    BOOST_TEST(winmail.fileName == "winmail.dat");
    BOOST_TEST(winmail.contentType == "application/ms-tnef");
    BOOST_TEST((winmail.transferEncoding == mailrig::TransferEncoding::Base64));
    BOOST_TEST(out.htmlBody().empty());
    BOOST_TEST(out.textBody() == m.textBody());
    BOOST_TEST(out.messageId() == "<writer.1@example.org>");
    BOOST_TEST(out.header("X-MS-TNEF-Correlator").value_or("") == "<writer.1@example.org>");
    BOOST_TEST(out.header("X-Custom").value_or("") == "kept");
    BOOST_TEST(out.subject() == m.subject());
    BOOST_TEST(out.to() == m.to());
    const auto rs = records(winmail.content);
    BOOST_TEST(find(rs, attAttachData).data == "PDF");
    BOOST_TEST(find(rs, attMsgProps).data.find(std::string("<writer.1@example.org>") + '\0') != std::string::npos);
}

BOOST_AUTO_TEST_CASE(encapsulationKeepsRenderingsTnefCannotCarryBesideIt) {
    auto m = note();
    mailrig::AlternateView calendar;
    calendar.contentType = "text/calendar";
    calendar.content = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    calendar.parameters = {{"method", "REQUEST"}};
    m.addAlternateView(calendar);
    const auto out = mailrig::encapsulateInTnef(m);
    BOOST_TEST_REQUIRE(out.alternateViews().size() == 1u);
    BOOST_TEST(out.alternateViews()[0].content == calendar.content);
    BOOST_TEST(out.attachments().size() == 1u);
}

BOOST_AUTO_TEST_CASE(encapsulationGeneratesAMessageIdAndOneCorrelator) {
    mailrig::MailMessage m;
    m.setFrom(mailrig::MailAddress("alice@example.org"));
    m.setHtmlBody("<p>Only <b>HTML</b></p>");
    m.addHeader("X-MS-TNEF-Correlator", "<stale@example.org>");
    const auto out = mailrig::encapsulateInTnef(m);
    BOOST_TEST(!out.messageId().empty());
    std::size_t correlators = 0;
    for (const auto& [name, value] : out.headers())
        if (name == "X-MS-TNEF-Correlator") {
            ++correlators;
            BOOST_TEST(value == out.messageId());
        }
    BOOST_TEST(correlators == 1u);
    BOOST_TEST(out.textBody() == "Only HTML\r\n");
    BOOST_TEST(find(records(out.attachments()[0].content), attMsgProps).data.find(out.messageId() + '\0') !=
               std::string::npos);
}

namespace {
const char* kMimeShape = R"PY(
import sys, email, email.policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
print(msg.get_content_type())
print(msg["X-MS-TNEF-Correlator"] == msg["Message-ID"])
for part in msg.iter_parts():
    print(part.get_content_type(), part.get_param("name"), part.get_content_disposition(), part.get_filename(), part["Content-Transfer-Encoding"])
)PY";
const char* kOutlookShape = "multipart/mixed\nTrue\n"
                            "text/plain None None None 7bit\n"
                            "application/ms-tnef winmail.dat attachment winmail.dat base64\n";
} // namespace

BOOST_AUTO_TEST_CASE(encapsulatedEmlIsWhatOutlookSends) {
    auto m = note();
    m.addAttachment(file("a.pdf", "PDF", "application/pdf"));
    const auto r = mailrig::test::runPython(kMimeShape, {}, mailrig::encapsulateInTnef(m).toEml());
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.err);
    BOOST_TEST(r.out == kOutlookShape);
}

BOOST_AUTO_TEST_CASE(encapsulatedEmlKeepsItsTextPartWhenThereIsNoBody) {
    mailrig::MailMessage m;
    m.setFrom(mailrig::MailAddress("alice@example.org"));
    m.addAttachment(file("a.pdf", "PDF", "application/pdf"));
    const auto r = mailrig::test::runPython(kMimeShape, {}, mailrig::encapsulateInTnef(m).toEml());
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.err);
    BOOST_TEST(r.out == kOutlookShape);
}

BOOST_AUTO_TEST_CASE(aMessageThatAlreadyCarriesTnefIsReturnedUnchanged) {
    auto m = note();
    m.addAttachment(file("a.pdf", "PDF", "application/pdf"));
    const std::string eml = mailrig::encapsulateInTnef(m).toEml();
    const auto loaded = mailrig::MailMessage::fromBytes(eml);
    BOOST_TEST(mailrig::carriesTnef(loaded));
    const auto again = mailrig::encapsulateInTnef(loaded);
    BOOST_TEST(again.hasOriginalBytes());
    BOOST_TEST(again.wireBytes() == eml);
    BOOST_TEST(!mailrig::carriesTnef(note()));
}

BOOST_AUTO_TEST_SUITE_END()
