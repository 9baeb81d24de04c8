#include "mailrig/client/MailMessage.h"

#include "support/EmailOracle.h"
#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

using namespace mailrig;
using mailrig::test::pythonEmailFacts;
using mailrig::test::wireProblems;

namespace {

MailMessage fullMessage() {
    MailMessage m;
    m.setFrom({"alice@example.org", "Алиса Ёлкина"});
    m.setSender({"secretary@example.org", "The Secretary"});
    m.addReplyTo({"replies@example.org", "Replies, Inc."});
    m.addTo({"bob@example.net", "Bob \"the Builder\" O'Neil"});
    m.addTo({"carol@example.net"});
    m.addCc({"dave@example.com", "Dävé 😀"});
    m.addBcc({"hidden@example.com", "Hidden Person"});
    m.setSubject("Grüße from the team — квартальный отчёт 📈");
    m.setDate(std::chrono::system_clock::from_time_t(1700000000));
    m.setMessageId("<round.trip.1@example.org>");
    m.setPriority(Priority::High);
    m.addHeader("X-Campaign", "spring-2026");
    m.addHeader("X-Note", "Überprüft ✓");
    m.setTextBody("Hello Bob,\r\nthe report is attached.\r\n");
    m.setHtmlBody("<p>Hello <b>Bob</b>, <img src=\"cid:logo@example.org\"></p>\r\n");
    AlternateView calendar;
    calendar.contentType = "text/calendar";
    calendar.charset = "utf-8";
    calendar.parameters = {{"method", "REQUEST"}};
    calendar.content = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Встреча\r\nEND:VCALENDAR\r\n";
    m.addAlternateView(calendar);
    LinkedResource logo;
    logo.contentId = "logo@example.org";
    logo.contentType = "image/png";
    logo.content = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    logo.fileName = "logo.png";
    m.addLinkedResource(logo);
    m.addAttachment(Attachment::fromBytes("Отчёт за квартал.pdf", std::string("%PDF-1.4\n\0\xff\xfe binary", 19)));
    m.addAttachment(Attachment::fromBytes("notes.txt", "plain notes\r\nsecond line\r\n"));
    return m;
}

} // namespace

BOOST_AUTO_TEST_SUITE(MailMessageRoundTrip)

BOOST_AUTO_TEST_CASE(composeSaveLoadKeepsEveryField) {
    test::TempDir dir;
    MailMessage original = fullMessage();
    original.save(dir.file("m.eml"));
    MailMessage loaded = MailMessage::load(dir.file("m.eml"));

    BOOST_REQUIRE(loaded.from());
    BOOST_TEST(*loaded.from() == *original.from());
    BOOST_REQUIRE(loaded.sender());
    BOOST_TEST(*loaded.sender() == *original.sender());
    BOOST_TEST(loaded.replyTo() == original.replyTo());
    BOOST_TEST(loaded.to() == original.to());
    BOOST_TEST(loaded.cc() == original.cc());
    BOOST_TEST(loaded.bcc().empty()); // Bcc is never written
    BOOST_TEST(loaded.subject() == original.subject());
    BOOST_REQUIRE(loaded.date());
    BOOST_TEST(std::chrono::system_clock::to_time_t(*loaded.date()) == 1700000000);
    BOOST_TEST(loaded.messageId() == "<round.trip.1@example.org>");
    BOOST_TEST(static_cast<int>(loaded.priority()) == static_cast<int>(Priority::High));
    BOOST_TEST(loaded.header("X-Campaign").value_or("") == "spring-2026");
    BOOST_TEST(loaded.header("X-Note").value_or("") == "Überprüft ✓");
    BOOST_TEST(loaded.textBody() == original.textBody());
    BOOST_TEST(loaded.htmlBody() == original.htmlBody());
    BOOST_REQUIRE_EQUAL(loaded.alternateViews().size(), 1u);
    const auto& view = loaded.alternateViews().front();
    BOOST_TEST(view.contentType == "text/calendar");
    BOOST_TEST(view.content == original.alternateViews().front().content);
    BOOST_TEST(view.charset == "utf-8");
    BOOST_REQUIRE_EQUAL(view.parameters.size(), 1u);
    BOOST_TEST(view.parameters[0].first == "method");
    BOOST_TEST(view.parameters[0].second == "REQUEST");
    BOOST_REQUIRE_EQUAL(loaded.linkedResources().size(), 1u);
    BOOST_TEST(loaded.linkedResources()[0].contentId == "logo@example.org");
    BOOST_TEST(loaded.linkedResources()[0].contentType == "image/png");
    BOOST_TEST(loaded.linkedResources()[0].content == original.linkedResources()[0].content);
    BOOST_TEST(loaded.linkedResources()[0].fileName == "logo.png");
    BOOST_REQUIRE_EQUAL(loaded.attachments().size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        BOOST_TEST(loaded.attachments()[i].fileName == original.attachments()[i].fileName);
        BOOST_TEST(loaded.attachments()[i].contentType == original.attachments()[i].contentType);
        BOOST_TEST(loaded.attachments()[i].content == original.attachments()[i].content);
    }
}

BOOST_AUTO_TEST_CASE(loadedMessageKeepsItsBytesUntilChanged) {
    std::string eml = fullMessage().toEml();
    MailMessage loaded = MailMessage::fromBytes(eml);
    BOOST_TEST(loaded.hasOriginalBytes());
    BOOST_TEST(loaded.wireBytes() == eml);
    std::ostringstream out;
    loaded.save(out);
    BOOST_TEST(out.str() == eml);
    loaded.setSubject("changed");
    BOOST_TEST(!loaded.hasOriginalBytes());
    BOOST_TEST(loaded.wireBytes() != eml);
    BOOST_TEST(MailMessage::fromBytes(loaded.wireBytes()).subject() == "changed");
}

BOOST_AUTO_TEST_CASE(pythonSeesTheComposedStructureWithoutDefects) {
    std::string eml = fullMessage().toEml();
    BOOST_TEST(wireProblems(eml).empty());
    auto facts = pythonEmailFacts(eml);
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["h.subject"] == "Grüße from the team — квартальный отчёт 📈");
    BOOST_TEST(facts["from.0.name"] == "Алиса Ёлкина");
    BOOST_TEST(facts["to.0.name"] == "Bob \"the Builder\" O'Neil");
    BOOST_TEST(facts["cc.0.name"] == "Dävé 😀");
    BOOST_TEST(facts["h.mime-version"] == "1.0");
    BOOST_TEST(facts["bcc-present"] == "0");
    // mixed ⊃ related ⊃ alternative, then the resource, then two attachments.
    BOOST_TEST(facts["parts"] == "9");
    BOOST_TEST(facts["part.0.type"] == "multipart/mixed");
    BOOST_TEST(facts["part.1.type"] == "multipart/related");
    BOOST_TEST(facts["part.2.type"] == "multipart/alternative");
    BOOST_TEST(facts["part.3.type"] == "text/plain");
    BOOST_TEST(facts["part.3.content"] == "Hello Bob,\r\nthe report is attached.\r\n");
    BOOST_TEST(facts["part.4.content"] == "<p>Hello <b>Bob</b>, <img src=\"cid:logo@example.org\"></p>\r\n");
    BOOST_TEST(facts["part.5.content"] == "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Встреча\r\nEND:VCALENDAR\r\n");
    BOOST_TEST(facts["part.6.content"] == std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    BOOST_TEST(facts["part.7.content"] == std::string("%PDF-1.4\n\0\xff\xfe binary", 19));
    BOOST_TEST(facts["part.8.content"] == "plain notes\r\nsecond line\r\n");
    BOOST_TEST(facts["part.4.type"] == "text/html");
    BOOST_TEST(facts["part.5.type"] == "text/calendar");
    BOOST_TEST(facts["part.5.params"].find("method=REQUEST") != std::string::npos);
    BOOST_TEST(facts["part.6.type"] == "image/png");
    BOOST_TEST(facts["part.6.cid"] == "<logo@example.org>");
    BOOST_TEST(facts["part.7.filename"] == "Отчёт за квартал.pdf");
    BOOST_TEST(facts["part.7.disposition"] == "attachment");
    BOOST_TEST(facts["part.7.cte"] == "base64");
    BOOST_TEST(facts["part.8.filename"] == "notes.txt");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(MailMessageThreads)

BOOST_AUTO_TEST_CASE(messagesComposeAndLoadOnManyThreadsAtOnce) {
    const std::string reference = fullMessage().toEml();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i) {
                MailMessage m = fullMessage();
                MailMessage loaded = MailMessage::fromBytes(m.toEml());
                if (loaded.subject() != m.subject() || loaded.attachments().size() != 2 ||
                    MailMessage::fromBytes(reference).textBody() != m.textBody())
                    ++failures;
            }
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(failures.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
