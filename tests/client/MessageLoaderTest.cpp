#include "mailrig/client/MailMessage.h"

#include "support/EmailOracle.h"
#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace mailrig;
namespace fs = std::filesystem;

namespace {

// Runs `check` and requires a std::runtime_error whose message holds every one of `parts`.
template <typename F>
void requireLoadError(F check, const std::vector<std::string>& parts) {
    try {
        check();
        BOOST_FAIL("no exception");
    } catch (const std::runtime_error& e) {
        std::string what = e.what();
        for (const auto& p : parts) BOOST_TEST(what.find(p) != std::string::npos, "'" << what << "' lacks '" << p << "'");
    }
}

std::string crlf(const std::string& lf) {
    std::string out;
    for (char c : lf) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(MessageLoader)

BOOST_AUTO_TEST_CASE(everyFixtureLoadsAndKeepsItsBytes) {
    std::size_t loaded = 0;
    for (const auto& entry : fs::directory_iterator(test::fixturePath("eml"))) {
        if (entry.path().extension() != ".eml") continue;
        std::string name = entry.path().filename().string();
        if (name == "empty.eml" || name == "not-a-message.eml") continue;
        BOOST_TEST_CONTEXT(name) {
            MailMessage m;
            BOOST_CHECK_NO_THROW(m = MailMessage::load(entry.path().string()));
            BOOST_TEST(m.hasOriginalBytes());
            BOOST_TEST(m.wireBytes() == test::readFile(entry.path().string()));
            ++loaded;
        }
    }
    BOOST_TEST(loaded > 0u);
}

BOOST_AUTO_TEST_CASE(fixturesThatAreNotMessagesGiveTheDocumentedError) {
    for (const char* name : {"empty.eml", "not-a-message.eml"}) {
        std::string path = test::fixturePath(std::string("eml/") + name);
        if (!fs::exists(path)) continue;
        requireLoadError([&] { MailMessage::load(path); }, {path});
    }
}

BOOST_AUTO_TEST_CASE(fixturesDecodeAsTheirReadmeSays) {
    MailMessage names = MailMessage::load(test::fixturePath("eml/non-ascii-subject-and-filenames.eml"));
    BOOST_TEST(names.subject() == "Grüße aus Köln — Привет 😀");
    BOOST_REQUIRE_EQUAL(names.attachments().size(), 2u);
    BOOST_TEST(names.attachments()[0].fileName == "Übersicht.pdf");
    BOOST_TEST(names.attachments()[1].fileName ==
               "Jahresübersicht_Müller_Überweisungen_für_das_Geschäftsjahr_2026.pdf");
    MailMessage nested = MailMessage::load(test::fixturePath("eml/mixed-related-alternative.eml"));
    BOOST_TEST(!nested.textBody().empty());
    BOOST_TEST(!nested.htmlBody().empty());
    BOOST_TEST(nested.linkedResources().size() == 1u);
    BOOST_TEST(nested.attachments().size() == 1u);
    MailMessage latin1 = MailMessage::load(test::fixturePath("eml/legacy-charset-iso-8859-1.eml"));
    BOOST_TEST(latin1.textBody().find("Grüße aus Köln") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(clientComposedFixtureLoadsFieldByField) {
    MailMessage m = MailMessage::load(test::fixturePath("eml/client-composed-full.eml"));
    BOOST_TEST(m.from()->displayName == "Алиса Ёлкина");
    BOOST_TEST(m.replyTo().front().displayName == "Replies, Inc.");
    BOOST_TEST(m.to().front().displayName == "Bob \"the Builder\"");
    BOOST_TEST(m.cc().front().displayName == "Dävé 😀");
    BOOST_TEST(m.bcc().empty());
    BOOST_TEST(m.subject() == "Grüße from the team — квартальный отчёт 📈 with a subject long enough to fold");
    BOOST_TEST(std::chrono::system_clock::to_time_t(m.date().value()) == 1795420800);
    BOOST_TEST(m.messageId() == "<client-composed-full@example.org>");
    BOOST_TEST((m.priority() == Priority::High));
    BOOST_TEST(m.header("X-Note").value_or("") == "Überprüft ✓");
    BOOST_TEST(m.textBody() == "Hello Bob,\r\nthe report is attached.\r\n");
    BOOST_TEST(m.htmlBody() == "<p>Hello <b>Bob</b>, <img src=\"cid:logo@example.org\"></p>\r\n");
    BOOST_REQUIRE_EQUAL(m.alternateViews().size(), 1u);
    BOOST_TEST(m.alternateViews()[0].contentType == "text/calendar");
    BOOST_REQUIRE_EQUAL(m.linkedResources().size(), 1u);
    BOOST_TEST(m.linkedResources()[0].content == std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    BOOST_REQUIRE_EQUAL(m.attachments().size(), 2u);
    BOOST_TEST(m.attachments()[0].fileName == "Отчёт за квартал.pdf");
    BOOST_TEST(m.attachments()[0].content == std::string("%PDF-1.4\n\0\xff\xfe binary", 19));
    BOOST_TEST(m.attachments()[1].content == "plain notes\r\nsecond line\r\n");
    auto facts = test::pythonEmailFacts(m.wireBytes());
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(test::wireProblems(m.wireBytes()).empty());
}

BOOST_AUTO_TEST_CASE(unreadableInputsNameThePathAndTheCause) {
    test::TempDir dir;
    requireLoadError([&] { MailMessage::load(dir.file("missing.eml")); },
                     {dir.file("missing.eml"), "No such file or directory"});
    requireLoadError([&] { MailMessage::load(dir.path()); }, {dir.path(), "is a directory"});
    test::writeFile(dir.file("empty.eml"), "");
    requireLoadError([&] { MailMessage::load(dir.file("empty.eml")); }, {dir.file("empty.eml"), "empty"});
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919 + 13) & 0xFF);
    test::writeFile(dir.file("garbage.eml"), garbage);
    requireLoadError([&] { MailMessage::load(dir.file("garbage.eml")); }, {dir.file("garbage.eml"), "header"});
    test::writeFile(dir.file("prose.eml"), "Dear Bob, this is just a letter.\n\nRegards\n");
    requireLoadError([&] { MailMessage::load(dir.file("prose.eml")); }, {dir.file("prose.eml"), "header"});
    test::writeFile(dir.file("nul.eml"), std::string("Subject: a\0b\r\n\r\nbody\r\n", 22));
    requireLoadError([&] { MailMessage::load(dir.file("nul.eml")); }, {dir.file("nul.eml"), "NUL"});
    std::istringstream emptyStream;
    requireLoadError([&] { MailMessage::load(emptyStream, "upload"); }, {"'upload'", "empty"});
}

BOOST_AUTO_TEST_CASE(inputsOverOneGibibyteAreRefusedNamingTheLimit) {
    test::TempDir dir;
    const std::string huge = dir.file("huge.eml");
    test::writeFile(huge, "");
    fs::resize_file(huge, MailMessage::kMaxLoadSize + 1); // sparse: refused before a byte is read
    requireLoadError([&] { MailMessage::load(huge); }, {huge, "larger than 1 GiB"});
    requireLoadError([&] { Attachment::fromFile(huge); }, {huge, "larger than 1 GiB"});
    // A device that never ends is stopped at the limit, not read until memory runs out.
    requireLoadError([&] { MailMessage::load("/dev/zero"); }, {"'/dev/zero'", "larger than 1 GiB"});
}

BOOST_AUTO_TEST_CASE(aMegabyteLongEncodedWordLoads) {
    std::string encoded;
    for (int i = 0; i < 250000; ++i) encoded += "QUFB"; // "AAA" each
    const std::string eml = "From: a@b.c\r\nTo: d@e.f\r\nSubject: =?utf-8?B?" + encoded + "?=\r\n"
                            "Comments: =?utf-8?B?w6k=?= =?UTF-8?b?w6k=?= =?iso-8859-1?B?6Q==?=\r\n\r\nx\r\n";
    const MailMessage m = MailMessage::fromBytes(eml);
    BOOST_TEST(m.subject() == std::string(750000, 'A'));
}

BOOST_AUTO_TEST_CASE(saveToAnUnwritablePathNamesIt) {
    MailMessage m;
    m.setFrom({"a@example.org"});
    requireLoadError([&] { m.save("/nonexistent-dir/x.eml"); }, {"/nonexistent-dir/x.eml", "No such file"});
}

BOOST_AUTO_TEST_CASE(messageComposedByPythonLoadsWhole) {
    const char* script = R"PY(
import sys
from email.message import EmailMessage
from email.headerregistry import Address
from email import policy
m = EmailMessage()
m['Subject'] = 'Очень длинная тема письма, которая не помещается в одно слово 😀 ' * 3
m['From'] = Address('Алиса Ёлкина-Длинная-Фамилия', 'alice', 'example.org')
m['To'] = [Address('Bob', 'bob', 'example.net'), Address('Zoë', 'zoe', 'example.net')]
m['Message-ID'] = '<py.1@example.org>'
m.set_content('Привет, Боб!\n')
m.add_alternative('<p>Привет</p>\n', subtype='html')
m.add_attachment(bytes(range(256)), maintype='application', subtype='octet-stream', filename='Отчёт за квартал 2026.bin')
sys.stdout.buffer.write(m.as_bytes(policy=policy.SMTP))
)PY";
    auto result = test::runPython(script);
    BOOST_REQUIRE_EQUAL(result.exitCode, 0);
    MailMessage m = MailMessage::fromBytes(result.out, "python");
    std::string subject;
    for (int i = 0; i < 3; ++i) subject += "Очень длинная тема письма, которая не помещается в одно слово 😀 ";
    // Python writes some spaces as whitespace between two encoded words, which RFC 2047 6.2 says
    // readers ignore; so compare without spaces. Python also pads words mid-run, which is what
    // this test is about.
    auto noSpaces = [](std::string s) {
        s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
        return s;
    };
    BOOST_TEST(noSpaces(m.subject()) == noSpaces(subject));
    BOOST_TEST(m.subject().find("слово 😀 Очень") != std::string::npos);
    BOOST_REQUIRE(m.from());
    BOOST_TEST(m.from()->displayName == "Алиса Ёлкина-Длинная-Фамилия");
    BOOST_REQUIRE_EQUAL(m.to().size(), 2u);
    BOOST_TEST(m.to()[1].displayName == "Zoë");
    BOOST_TEST(m.messageId() == "<py.1@example.org>");
    BOOST_TEST(m.textBody() == "Привет, Боб!\r\n");
    BOOST_TEST(m.htmlBody() == "<p>Привет</p>\r\n");
    BOOST_REQUIRE_EQUAL(m.attachments().size(), 1u);
    BOOST_TEST(m.attachments()[0].fileName == "Отчёт за квартал 2026.bin");
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    BOOST_TEST(m.attachments()[0].content == all);
}

BOOST_AUTO_TEST_CASE(rfc2231FileNamesWinOverTheirAsciiFallback) {
    std::string eml = crlf(
        "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
        "--b\nContent-Type: text/plain\n\nx\n"
        "--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"Uebersicht.pdf\";\n"
        " filename*=UTF-8''%C3%9Cbersicht.pdf\n\nx\n"
        "--b\nContent-Type: application/pdf; name=\"fallback.pdf\"; name*0*=UTF-8''Gr%C3%BC;\n name*1*=%C3%9Fe.pdf\n\nx\n"
        "--b\nContent-Type: application/pdf; name=\"=?UTF-8?B?w5xiZXI=?=.pdf\"\n\nx\n--b--\n");
    MailMessage m = MailMessage::fromBytes(eml);
    BOOST_REQUIRE_EQUAL(m.attachments().size(), 3u);
    BOOST_TEST(m.attachments()[0].fileName == "Übersicht.pdf");
    BOOST_TEST(m.attachments()[1].fileName == "Grüße.pdf");
    BOOST_TEST(m.attachments()[2].fileName == "Über.pdf"); // encoded word in quotes, as some mailers write
}

BOOST_AUTO_TEST_CASE(missingFinalBoundaryStillGivesEveryPart) {
    std::string eml = crlf(
        "From: a@example.org\nSubject: cut\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: text/plain\n\nbody text\n"
        "--b1\nContent-Type: application/pdf; name=\"r.pdf\"\nContent-Transfer-Encoding: base64\n"
        "Content-Disposition: attachment; filename=\"r.pdf\"\n\nJVBERi0xLjQ=\n");
    MailMessage m = MailMessage::fromBytes(eml);
    BOOST_TEST(m.textBody() == "body text");
    BOOST_REQUIRE_EQUAL(m.attachments().size(), 1u);
    BOOST_TEST(m.attachments()[0].fileName == "r.pdf");
    BOOST_TEST(m.attachments()[0].content == "%PDF-1.4");
}

BOOST_AUTO_TEST_CASE(bareLfMessageLoads) {
    std::string eml =
        "From: \"Bob\" <bob@example.org>\nTo: a@example.org\nSubject: =?UTF-8?Q?caf=C3=A9?=\n"
        "Content-Type: multipart/alternative; boundary=zz\n\n--zz\nContent-Type: text/plain; charset=utf-8\n\n"
        "line one\nline two\n--zz\nContent-Type: text/html; charset=utf-8\n\n<p>x</p>\n--zz--\n";
    MailMessage m = MailMessage::fromBytes(eml);
    BOOST_TEST(m.subject() == "café");
    BOOST_TEST(m.from()->displayName == "Bob");
    BOOST_TEST(m.textBody() == "line one\nline two");
    BOOST_TEST(m.htmlBody() == "<p>x</p>");
}

BOOST_AUTO_TEST_CASE(eightBitHeadersAreReadAsUtf8OrLatin1) {
    MailMessage utf8 = MailMessage::fromBytes("From: Jörg <j@example.org>\r\nSubject: Grüße\r\n\r\nx\r\n");
    BOOST_TEST(utf8.subject() == "Grüße");
    BOOST_TEST(utf8.from()->displayName == "Jörg");
    MailMessage latin1 = MailMessage::fromBytes("From: J\xf6rg <j@example.org>\r\nSubject: Gr\xfc\xdf" "e\r\n\r\nx\r\n");
    BOOST_TEST(latin1.subject() == "Grüße");
    BOOST_TEST(latin1.from()->displayName == "Jörg");
}

BOOST_AUTO_TEST_CASE(bodiesInLegacyOrUnknownCharsetsBecomeUtf8) {
    auto body = [](const std::string& charset, const std::string& bytes) {
        return MailMessage::fromBytes("From: a@example.org\r\nContent-Type: text/plain; charset=" + charset +
                                      "\r\n\r\n" + bytes)
            .textBody();
    };
    BOOST_TEST(body("iso-8859-1", "caf\xe9") == "café");
    BOOST_TEST(body("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4") == "Привет");
    BOOST_TEST(body("windows-1252", "\x80 5") == "€ 5");
    BOOST_TEST(body("x-no-such-charset", "café") == "café");       // valid UTF-8 kept
    BOOST_TEST(body("x-no-such-charset", "caf\xe9") == "café");    // else read as Latin-1
    BOOST_TEST(body("utf-8", "bad \xff byte") == "bad \xc3\xbf byte"); // mislabelled: windows-1252
}

BOOST_AUTO_TEST_CASE(nestedMessageBecomesAnAttachment) {
    std::string eml = crlf(
        "From: a@example.org\nSubject: Fwd: hi\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=o\n\n"
        "--o\nContent-Type: text/plain\n\nsee below\n--o\nContent-Type: message/rfc822\n\n"
        "From: c@example.com\nSubject: Original\nContent-Type: multipart/alternative; boundary=i\n\n"
        "--i\nContent-Type: text/plain\n\ninner text\n--i\nContent-Type: text/html\n\n<p>inner</p>\n--i--\n"
        "\n--o--\n");
    MailMessage m = MailMessage::fromBytes(eml);
    BOOST_TEST(m.textBody() == "see below");
    BOOST_TEST(m.htmlBody().empty()); // the inner message's bodies are not the outer's
    BOOST_REQUIRE_EQUAL(m.attachments().size(), 1u);
    const auto& a = m.attachments()[0];
    BOOST_TEST(a.contentType == "message/rfc822");
    BOOST_TEST(a.fileName == "Original.eml");
    MailMessage inner = MailMessage::fromBytes(a.content);
    BOOST_TEST(inner.subject() == "Original");
    BOOST_TEST(inner.textBody() == "inner text");
    BOOST_TEST(inner.htmlBody() == "<p>inner</p>");
}

BOOST_AUTO_TEST_CASE(relatedPartsBecomeLinkedResources) {
    std::string eml = crlf(
        "From: a@example.org\nMIME-Version: 1.0\n"
        "Content-Type: multipart/related; boundary=r; type=\"text/html\"; start=\"<root@x>\"\n\n"
        "--r\nContent-Type: image/png\nContent-ID: <img@x>\nContent-Transfer-Encoding: base64\n\niVBORw==\n"
        "--r\nContent-Type: text/html\nContent-ID: <root@x>\n\n<img src=\"cid:img@x\">\n"
        "--r\nContent-Type: image/gif\nContent-Location: http://example.org/a.gif\n\nGIF\n--r--\n");
    MailMessage m = MailMessage::fromBytes(eml);
    BOOST_TEST(m.htmlBody() == "<img src=\"cid:img@x\">");
    BOOST_REQUIRE_EQUAL(m.linkedResources().size(), 1u);
    BOOST_TEST(m.linkedResources()[0].contentId == "img@x");
    BOOST_TEST(m.linkedResources()[0].content == "\x89PNG");
    BOOST_REQUIRE_EQUAL(m.attachments().size(), 1u); // no Content-ID: kept as an inline attachment
    BOOST_TEST((m.attachments()[0].disposition == Disposition::Inline));
}

BOOST_AUTO_TEST_CASE(mboxFromLineAndDamagedBase64AreTolerated) {
    std::string eml = crlf(
        "From alice@example.org Mon Nov 23 08:00:00 2026\nFrom: alice@example.org\nSubject: mbox\n"
        "Content-Type: application/octet-stream; name=x.bin\nContent-Transfer-Encoding: base64\n\n"
        "QUJD!!not*base64\n");
    MailMessage m = MailMessage::fromBytes(eml);
    BOOST_TEST(m.subject() == "mbox");
    BOOST_TEST(m.wireBytes() == eml);
    BOOST_REQUIRE_EQUAL(m.attachments().size(), 1u);
    BOOST_TEST(m.attachments()[0].fileName == "x.bin");
}

BOOST_AUTO_TEST_CASE(extraHeadersAndPriorityAreRead) {
    MailMessage m = MailMessage::fromBytes(
        "From: a@example.org\r\nX-Mailer: Thing 1.0\r\nX-Priority: 2\r\nX-Label: =?UTF-8?B?w5w=?=\r\n"
        "Received: from x by y;\r\n Mon, 23 Nov 2026 08:00:00 +0000\r\nDate: Mon, 23 Nov 2026 09:00:00 +0100\r\n\r\nbody\r\n");
    BOOST_TEST(m.header("x-mailer").value_or("") == "Thing 1.0");
    BOOST_TEST(m.header("X-Label").value_or("") == "Ü");
    BOOST_TEST(m.header("Received").value_or("") == "from x by y; Mon, 23 Nov 2026 08:00:00 +0000");
    BOOST_TEST(!m.header("X-Priority"));
    BOOST_TEST((m.priority() == Priority::High));
    BOOST_REQUIRE(m.date());
    BOOST_TEST(std::chrono::system_clock::to_time_t(*m.date()) == 1795420800);
    BOOST_TEST(m.textBody() == "body\r\n");
}

BOOST_AUTO_TEST_CASE(aDateOutsideWhatSystemClockHoldsLoadsAsNoDate) {
    for (const char* date : {"Tue, 24 Nov 4052 10:15:00 +0000", "Fri, 1 Jan 1600 00:00:00 +0000"}) {
        const std::string eml = std::string("From: a@example.org\r\nDate: ") + date + "\r\n\r\nbody\r\n";
        const MailMessage m = MailMessage::fromBytes(eml);
        BOOST_TEST(!m.date(), date);
        BOOST_TEST(m.wireBytes() == eml); // sent as loaded, its Date included
    }
    const MailMessage edge = MailMessage::fromBytes("From: a@example.org\r\nDate: Fri, 31 Dec 2260 23:59:59 +0000\r\n\r\n");
    BOOST_REQUIRE(edge.date());
    BOOST_TEST(std::chrono::system_clock::to_time_t(*edge.date()) == 9183110399);
}

BOOST_AUTO_TEST_CASE(truncatedAndMutatedMessagesLoadOrFailCleanly) {
    std::string eml = test::readFile(test::fixturePath("eml/client-composed-full.eml"));
    std::size_t loaded = 0, refused = 0;
    auto attempt = [&](const std::string& bytes) {
        try {
            MailMessage m = MailMessage::fromBytes(bytes, "mutant");
            BOOST_TEST(m.wireBytes() == bytes);
            (void)m.toEml(); // whatever was read can be composed again (From may be missing)
            ++loaded;
        } catch (const std::runtime_error&) {
            ++refused;
        } catch (const std::invalid_argument&) {
            ++loaded; // toEml() refused a model without From or with a damaged address
        }
    };
    for (std::size_t cut = 0; cut < eml.size(); cut += 37) attempt(eml.substr(0, cut));
    std::uint32_t state = 12345;
    auto next = [&] { return state = state * 1664525u + 1013904223u; };
    for (int i = 0; i < 300; ++i) {
        std::string mutant = eml;
        for (int k = 0; k < 8; ++k) {
            std::size_t at = next() % mutant.size();
            switch (next() % 3) {
            case 0: mutant[at] = static_cast<char>(next() & 0xFF); break;
            case 1: mutant.insert(at, 1, "\r\n-=?\0:;\"<>"[next() % 11]); break;
            default: mutant.erase(at, 1 + next() % 20); break;
            }
        }
        attempt(mutant);
    }
    BOOST_TEST(loaded > 250u);
    BOOST_TEST_MESSAGE("loaded " << loaded << ", refused " << refused);
}

BOOST_AUTO_TEST_CASE(loadFromStreamMatchesLoadFromFile) {
    test::TempDir dir;
    MailMessage m;
    m.setFrom({"a@example.org"});
    m.setSubject("stream");
    m.setTextBody("text");
    m.save(dir.file("s.eml"));
    std::ifstream in(dir.file("s.eml"), std::ios::binary);
    MailMessage fromStream = MailMessage::load(in, "s.eml");
    BOOST_TEST(fromStream.subject() == "stream");
    BOOST_TEST(fromStream.wireBytes() == MailMessage::load(dir.file("s.eml")).wireBytes());
}

BOOST_AUTO_TEST_SUITE_END()
