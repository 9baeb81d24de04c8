#include "mailrig/client/MailMessage.h"

#include "support/EmailOracle.h"

#include <Poco/Base64Decoder.h>

#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>
#include <sstream>

using namespace mailrig;
using mailrig::test::pythonEmailFacts;
using mailrig::test::wireProblems;

namespace {

MailMessage basic() {
    MailMessage m;
    m.setFrom({"alice@example.org", "Alice"});
    m.addTo({"bob@example.net", "Bob"});
    m.setSubject("Hello");
    return m;
}

std::string headerBlock(const std::string& eml) { return eml.substr(0, eml.find("\r\n\r\n") + 2); }

bool validUtf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

std::string decodeWordPayload(char encoding, const std::string& payload) {
    if (encoding == 'B' || encoding == 'b') {
        std::istringstream in(payload);
        Poco::Base64Decoder decoder(in);
        return std::string(std::istreambuf_iterator<char>(decoder), {});
    }
    std::string out;
    for (std::size_t i = 0; i < payload.size(); ++i) {
        if (payload[i] == '_') out += ' ';
        else if (payload[i] == '=' && i + 2 < payload.size()) {
            out += static_cast<char>(std::stoi(payload.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else out += payload[i];
    }
    return out;
}

// Every encoded word in the header block: ≤ 75 characters and decoding to whole UTF-8 characters.
void checkEncodedWords(const std::string& eml, std::size_t expectAtLeast) {
    std::string headers = headerBlock(eml);
    std::regex word(R"(=\?([^?]+)\?([BbQq])\?([^?]*)\?=)");
    std::size_t count = 0;
    for (auto it = std::sregex_iterator(headers.begin(), headers.end(), word); it != std::sregex_iterator(); ++it) {
        ++count;
        BOOST_TEST(it->length() <= 75, "encoded word longer than 75: " << it->str());
        BOOST_TEST((*it)[1].str() == "UTF-8");
        std::string bytes = decodeWordPayload((*it)[2].str()[0], (*it)[3].str());
        BOOST_TEST(validUtf8(bytes), "encoded word splits a UTF-8 character: " << it->str());
    }
    BOOST_TEST(count >= expectAtLeast);
}

std::vector<std::string> boundariesOf(const std::string& eml) {
    std::vector<std::string> out;
    std::regex boundary("boundary=\"([^\"]+)\"");
    for (auto it = std::sregex_iterator(eml.begin(), eml.end(), boundary); it != std::sregex_iterator(); ++it)
        out.push_back((*it)[1].str());
    return out;
}

std::size_t countOf(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(MimeComposer)

BOOST_AUTO_TEST_CASE(singleTextBodyIsNotWrapped) {
    MailMessage m = basic();
    m.setTextBody("Just text.\n");
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["parts"] == "1");
    BOOST_TEST(facts["part.0.type"] == "text/plain");
    BOOST_TEST(facts["part.0.charset"] == "utf-8");
    BOOST_TEST(facts["part.0.cte"] == "7bit");
}

BOOST_AUTO_TEST_CASE(singleHtmlBodyIsNotWrapped) {
    MailMessage m = basic();
    m.setHtmlBody("<p>only html</p>");
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["parts"] == "1");
    BOOST_TEST(facts["part.0.type"] == "text/html");
}

BOOST_AUTO_TEST_CASE(textAndHtmlMakeOnlyAlternative) {
    MailMessage m = basic();
    m.setTextBody("text");
    m.setHtmlBody("<p>html</p>");
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["parts"] == "3");
    BOOST_TEST(facts["part.0.type"] == "multipart/alternative");
    BOOST_TEST(facts["part.1.type"] == "text/plain");
    BOOST_TEST(facts["part.2.type"] == "text/html");
}

BOOST_AUTO_TEST_CASE(htmlWithLinkedResourceMakesRelatedWithoutMixed) {
    MailMessage m = basic();
    m.setHtmlBody("<img src=\"cid:img1@x\">");
    LinkedResource r;
    r.contentId = "img1@x";
    r.contentType = "image/gif";
    r.content = "GIF89a\x01\x00\x01\x00";
    m.addLinkedResource(r);
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["parts"] == "3");
    BOOST_TEST(facts["part.0.type"] == "multipart/related");
    BOOST_TEST(facts["part.0.params"].find("type=text/html") != std::string::npos);
    BOOST_TEST(facts["part.1.type"] == "text/html");
    BOOST_TEST(facts["part.2.type"] == "image/gif");
    BOOST_TEST(facts["part.2.cid"] == "<img1@x>");
    BOOST_TEST(facts["part.2.disposition"] == "inline");
    BOOST_TEST(facts["part.2.content"] == r.content);
}

BOOST_AUTO_TEST_CASE(linkedResourceWithoutBodyStillHasARootPart) {
    MailMessage m = basic();
    LinkedResource r;
    r.contentId = "only@x";
    r.content = "bytes";
    m.addLinkedResource(r);
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["part.0.type"] == "multipart/related");
    BOOST_TEST(facts["part.1.type"] == "text/plain");
    BOOST_TEST(facts["part.2.cid"] == "<only@x>");
    BOOST_TEST(MailMessage::fromBytes(m.toEml()).linkedResources().size() == 1u);
}

BOOST_AUTO_TEST_CASE(attachmentWithoutBodyMakesMixedWithOnlyTheAttachment) {
    MailMessage m = basic();
    m.addAttachment(Attachment::fromBytes("data.bin", std::string("\0\1\2\3", 4)));
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["parts"] == "2");
    BOOST_TEST(facts["part.0.type"] == "multipart/mixed");
    BOOST_TEST(facts["part.1.type"] == "application/octet-stream");
    BOOST_TEST(facts["part.1.cte"] == "base64");
    BOOST_TEST(facts["part.1.content"] == std::string("\0\1\2\3", 4));
}

BOOST_AUTO_TEST_CASE(messageWithoutAnyBodyHasAnEmptyTextPart) {
    auto facts = pythonEmailFacts(basic().toEml());
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["parts"] == "1");
    BOOST_TEST(facts["part.0.type"] == "text/plain");
}

BOOST_AUTO_TEST_CASE(requiredHeadersAreWritten) {
    MailMessage m = basic();
    std::string eml = m.toEml();
    auto facts = pythonEmailFacts(eml);
    BOOST_TEST(facts["h.mime-version"] == "1.0");
    BOOST_TEST(!facts["h.date"].empty());
    BOOST_TEST(std::regex_match(facts["h.message-id"], std::regex("<[^<>@ ]+@example\\.org>")));
    BOOST_TEST(m.messageId().empty()); // toEml() does not store the generated id
    std::string id = m.ensureMessageId();
    BOOST_TEST(std::regex_match(id, std::regex("<[^<>@ ]+@example\\.org>")));
    BOOST_TEST(m.ensureMessageId() == id);
    BOOST_TEST(pythonEmailFacts(m.toEml())["h.message-id"] == id);
}

BOOST_AUTO_TEST_CASE(generatedMessageIdsAreUnique) {
    MailMessage m = basic();
    std::set<std::string> ids;
    for (int i = 0; i < 200; ++i) {
        MailMessage copy = m;
        ids.insert(copy.ensureMessageId());
    }
    BOOST_TEST(ids.size() == 200u);
}

BOOST_AUTO_TEST_CASE(setMessageIdValidatesAndAddsBrackets) {
    MailMessage m = basic();
    m.setMessageId("abc@example.org");
    BOOST_TEST(m.messageId() == "<abc@example.org>");
    BOOST_CHECK_THROW(m.setMessageId("no-at-sign"), std::invalid_argument);
    BOOST_CHECK_THROW(m.setMessageId("a b@example.org"), std::invalid_argument);
    BOOST_CHECK_THROW(m.setMessageId("<a<b@example.org>"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(bccIsNeverWrittenButIsInTheEnvelope) {
    MailMessage m = basic();
    m.addCc({"carol@example.net"});
    m.addBcc({"secret@example.com", "Secret"});
    m.addBcc({"BOB@example.net"});
    std::string eml = m.toEml();
    BOOST_TEST(eml.find("secret@example.com") == std::string::npos);
    BOOST_TEST(wireProblems(eml).empty());
    BOOST_TEST(pythonEmailFacts(eml)["bcc-present"] == "0");
    auto envelope = m.envelopeRecipients();
    BOOST_TEST(envelope == (std::vector<std::string>{"bob@example.net", "carol@example.net", "secret@example.com"}),
               boost::test_tools::per_element());
    BOOST_CHECK_THROW(m.addHeader("Bcc", "x@example.com"), std::invalid_argument);
    BOOST_CHECK_THROW(m.addHeader("resent-bcc", "x@example.com"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(structuralAndModelHeadersAreRefused) {
    MailMessage m = basic();
    for (const char* name : {"Content-Type", "MIME-Version", "Content-Transfer-Encoding", "From", "Subject", "Date",
                             "Message-ID"})
        BOOST_CHECK_THROW(m.addHeader(name, "x"), std::invalid_argument);
    BOOST_CHECK_THROW(m.addHeader("Bad Name", "x"), std::invalid_argument);
    BOOST_CHECK_THROW(m.addHeader("Bad:Name", "x"), std::invalid_argument);
    BOOST_CHECK_THROW(m.addHeader("", "x"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(headerValuesCannotInjectFields) {
    MailMessage m = basic();
    m.setSubject("hi\r\nBcc: victim@example.com");
    m.addHeader("X-Test", "a\nTo: other@example.com\rCc: more@example.com");
    std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    auto facts = pythonEmailFacts(eml);
    BOOST_TEST(facts["bcc-present"] == "0");
    BOOST_TEST(facts["h.to"] == "Bob <bob@example.net>");
    BOOST_TEST(facts["h.cc"] == "");
}

BOOST_AUTO_TEST_CASE(longMultibyteSubjectUsesWordsThatNeverSplitACharacter) {
    std::string emoji;
    for (int i = 0; i < 40; ++i) emoji += "😀🎉";
    std::string cyrillic;
    for (int i = 0; i < 30; ++i) cyrillic += "Съешь же ещё этих мягких французских булок ";
    std::string cjk = "a";
    for (int i = 0; i < 60; ++i) cjk += "漢字";
    for (const auto& subject : {emoji, cyrillic, cjk, std::string("ü") + std::string(200, 'x')}) {
        MailMessage m = basic();
        m.setSubject(subject);
        std::string eml = m.toEml();
        BOOST_TEST(wireProblems(eml).empty());
        checkEncodedWords(eml, 2);
        BOOST_TEST(pythonEmailFacts(eml)["h.subject"] == subject);
        BOOST_TEST(MailMessage::fromBytes(eml).subject() == subject);
    }
}

BOOST_AUTO_TEST_CASE(headerLinesStayShortWhenFolded) {
    MailMessage m = basic();
    m.setSubject(std::string(300, 'a') + " " + std::string(50, 'b') + " end");
    for (int i = 0; i < 30; ++i) m.addTo({"user" + std::to_string(i) + "@example.net", "User Number " + std::to_string(i)});
    m.addHeader("X-Long", std::string(2000, 'z'));
    std::string quotedName;
    for (int i = 0; i < 200; ++i) quotedName += "Doe, John ";
    quotedName.pop_back();
    m.addCc({"long.name@example.net", quotedName});
    std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    auto facts = pythonEmailFacts(eml);
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["h.subject"] == m.subject());
    BOOST_TEST(facts["to.30.addr"] == "user29@example.net");
    BOOST_TEST(MailMessage::fromBytes(eml).header("X-Long").value_or("") == std::string(2000, 'z'));
    BOOST_TEST(MailMessage::fromBytes(eml).cc().at(0).displayName == quotedName);
}

BOOST_AUTO_TEST_CASE(displayNamesWithSpecialsAndUnicodeSurvive) {
    std::vector<MailAddress> people = {
        {"a@example.org", "Doe, John"},           {"b@example.org", "O'Brien \"Bob\" \\ Jr."},
        {"c@example.org", "Zoë Ünal"},            {"d@example.org", "李小龍"},
        {"e@example.org", "=?UTF-8?B?Zm9v?="},    {"f@example.org", "Dave (Ops) Ünal"},
        {"g@example.org", std::string(120, 'n')}, {"h@example.org", "😀 " + std::string(50, 'w')},
    };
    MailMessage m = basic();
    for (const auto& p : people) m.addCc(p);
    std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    checkEncodedWords(eml, 1);
    auto facts = pythonEmailFacts(eml);
    BOOST_TEST(facts["defects"] == "");
    for (std::size_t i = 0; i < people.size(); ++i) {
        BOOST_TEST(facts["cc." + std::to_string(i) + ".name"] == people[i].displayName);
        BOOST_TEST(facts["cc." + std::to_string(i) + ".addr"] == people[i].address);
    }
    BOOST_TEST(MailMessage::fromBytes(eml).cc() == people, boost::test_tools::per_element());
}

// A name too long for one encoded word needs adjacent words; RFC 2047 readers (GMime, and so
// the loader) join them exactly. (Python's email keeps a space between such words in a phrase.)
BOOST_AUTO_TEST_CASE(longUnicodeNameSplitsIntoWholeCharacterWords) {
    std::string name;
    for (int i = 0; i < 40; ++i) name += "名前";
    MailMessage m = basic();
    m.addTo({"long@example.org", name});
    std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    checkEncodedWords(eml, 3);
    auto loaded = MailMessage::fromBytes(eml);
    BOOST_REQUIRE_EQUAL(loaded.to().size(), 2u);
    BOOST_TEST(loaded.to()[1].displayName == name);
    BOOST_TEST(pythonEmailFacts(eml)["defects"] == "");
}

BOOST_AUTO_TEST_CASE(badAddressesAreRefusedAtComposition) {
    for (const char* bad : {"", "no-at", "a b@example.org", "a@b\r\nBcc: x@y", "<a@b>"}) {
        MailMessage m = basic();
        m.addTo({bad});
        BOOST_CHECK_THROW(m.toEml(), std::invalid_argument);
    }
    MailMessage noFrom;
    noFrom.addTo({"a@example.org"});
    BOOST_CHECK_THROW(noFrom.toEml(), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(bodyLineEndsAreNormalisedToCrlf) {
    MailMessage m = basic();
    m.setTextBody("unix\nmac\rwindows\r\nmixed\n\rend");
    m.setHtmlBody(std::string("<p>\r\r\n\n</p>") + "\xC3\xA9");
    std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    MailMessage loaded = MailMessage::fromBytes(eml);
    BOOST_TEST(loaded.textBody() == "unix\r\nmac\r\nwindows\r\nmixed\r\n\r\nend");
    BOOST_TEST(loaded.htmlBody() == "<p>\r\n\r\n\r\n</p>\xC3\xA9");
}

BOOST_AUTO_TEST_CASE(aLineBreakInACharsetOrParameterIsRefusedNotWrittenAsAHeader) {
    const auto withView = [](const std::string& contentType, const std::string& charset) {
        MailMessage m = basic();
        AlternateView view;
        view.content = "x";
        view.contentType = contentType;
        view.charset = charset;
        m.addAlternateView(view);
        return m;
    };
    BOOST_CHECK_THROW(withView("text/plain", "utf-8\r\nX-Injected: 1").toEml(), std::invalid_argument);
    BOOST_CHECK_THROW(withView("text/plain; format=\"flowed\nX-Injected: 1\"", "utf-8").toEml(), std::invalid_argument);
    const std::string good = withView("text/plain", "ISO-8859-1").toEml();
    BOOST_TEST(good.find("charset=ISO-8859-1") != std::string::npos, good);
}

BOOST_AUTO_TEST_CASE(transferEncodingIsChosenByContent) {
    MailMessage m = basic();
    m.setTextBody("short ascii lines\n");
    m.setHtmlBody("<p>" + std::string(200, 'x') + "</p>");
    AlternateView utf8;
    utf8.content = "Grüße";
    m.addAlternateView(utf8);
    AlternateView forced;
    forced.content = "8-bit in 7bit: é";
    forced.transferEncoding = TransferEncoding::SevenBit;
    m.addAlternateView(forced);
    AlternateView b64;
    b64.content = "plain";
    b64.transferEncoding = TransferEncoding::Base64;
    m.addAlternateView(b64);
    AlternateView eight;
    eight.content = "8bit ok: é";
    eight.transferEncoding = TransferEncoding::EightBit;
    m.addAlternateView(eight);
    m.addAttachment(Attachment::fromBytes("a.txt", "crlf only\r\nascii\r\n"));
    m.addAttachment(Attachment::fromBytes("b.txt", "bare lf\n"));
    m.addAttachment(Attachment::fromBytes("c.txt", "utf-8 é\r\n"));
    m.addAttachment(Attachment::fromBytes("d.png", "\x89PNG"));
    Attachment forcedBytes = Attachment::fromBytes("e.bin", std::string("\0\r\n", 3));
    forcedBytes.transferEncoding = TransferEncoding::SevenBit;
    m.addAttachment(forcedBytes);
    std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    auto facts = pythonEmailFacts(eml);
    BOOST_TEST(facts["defects"] == "");
    // 0 mixed, 1 alternative, 2 text, 3 html, 4..7 views, 8..12 attachments
    BOOST_TEST(facts["part.2.cte"] == "7bit");
    BOOST_TEST(facts["part.3.cte"] == "quoted-printable");
    BOOST_TEST(facts["part.4.cte"] == "quoted-printable");
    BOOST_TEST(facts["part.5.cte"] == "quoted-printable");
    BOOST_TEST(facts["part.6.cte"] == "base64");
    BOOST_TEST(facts["part.7.cte"] == "8bit");
    BOOST_TEST(facts["part.8.cte"] == "7bit");
    BOOST_TEST(facts["part.9.cte"] == "base64");
    BOOST_TEST(facts["part.10.cte"] == "quoted-printable");
    BOOST_TEST(facts["part.11.cte"] == "base64");
    BOOST_TEST(facts["part.12.cte"] == "base64");
    MailMessage loaded = MailMessage::fromBytes(eml);
    BOOST_REQUIRE_EQUAL(loaded.attachments().size(), 5u);
    for (std::size_t i = 0; i < 5; ++i)
        BOOST_TEST(loaded.attachments()[i].content == m.attachments()[i].content);
    BOOST_REQUIRE_EQUAL(loaded.alternateViews().size(), 4u);
    BOOST_TEST(loaded.alternateViews()[0].content == "Grüße");
    BOOST_TEST(loaded.alternateViews()[1].content == "8-bit in 7bit: é");
}

BOOST_AUTO_TEST_CASE(nastyBodiesStillGiveCleanLines) {
    MailMessage m = basic();
    std::string nasty = std::string(3000, 'L') + "\n.\n\r.\r\n" + std::string("nul\0byte", 8) + "\r" +
                        "\xe2\x82\xac euro " + std::string(1200, 'x') + "\n";
    m.setTextBody(nasty);
    m.setHtmlBody(nasty);
    // Bytes that are not UTF-8 go in a view labelled with their own charset.
    AlternateView latin1;
    latin1.content = std::string(2000, 'L') + "\r.\n\xff\xfe caf\xe9 " + std::string(1200, '\xe2') + "\n";
    latin1.charset = "iso-8859-1";
    m.addAlternateView(latin1);
    std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    BOOST_TEST(pythonEmailFacts(eml)["defects"] == "");
    BOOST_TEST(eml.find("\n.\n") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bodiesThatAreNotUtf8AreRefusedNamingTheByte) {
    // The text and HTML bodies go out labelled charset=utf-8: other bytes would be mislabelled.
    for (bool html : {false, true}) {
        MailMessage m = basic();
        if (html) m.setHtmlBody("<p>caf\xe9</p>");
        else m.setTextBody(std::string("nul\0 then caf\xe9", 15));
        try {
            m.toEml();
            BOOST_FAIL("a body that is not UTF-8 was composed");
        } catch (const std::invalid_argument& e) {
            const std::string expected = html ? "the HTML body is not valid UTF-8 (byte 0xE9 at offset 6)"
                                              : "the text body is not valid UTF-8 (byte 0xE9 at offset 13)";
            BOOST_TEST(std::string(e.what()).find(expected) == 0u, e.what());
        }
    }
}

BOOST_AUTO_TEST_CASE(fileNamesUseRfc2231WithAnAsciiFallback) {
    std::vector<std::string> names = {
        "report.pdf", "Отчёт за квартал.pdf", "with \"quotes\" and \\ backslash.txt",
        std::string(30, 'x') + "😀" + std::string(150, 'y') + ".bin", "日本語のファイル名がとても長い場合のテスト用ファイル名.docx"};
    MailMessage m = basic();
    m.setTextBody("see attachments");
    for (const auto& name : names) m.addAttachment(Attachment::fromBytes(name, "data"));
    std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    auto facts = pythonEmailFacts(eml);
    BOOST_TEST(facts["defects"] == "");
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto part = "part." + std::to_string(i + 2) + ".";
        BOOST_TEST(facts[part + "filename"] == names[i]);
        BOOST_TEST(facts[part + "disposition"] == "attachment");
    }
    BOOST_TEST(eml.find("filename*0*=UTF-8''") != std::string::npos);
    BOOST_TEST(eml.find("name=\"_.pdf\"") == std::string::npos);
    BOOST_TEST(eml.find("name=\"_ _ _.pdf\"") != std::string::npos); // the ASCII fallback
    MailMessage loaded = MailMessage::fromBytes(eml);
    BOOST_REQUIRE_EQUAL(loaded.attachments().size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) BOOST_TEST(loaded.attachments()[i].fileName == names[i]);
}

BOOST_AUTO_TEST_CASE(fileNamesThatLookLikeEncodedWordsOrRunLongStayLiteralOnShortLines) {
    // Readers decode encoded words even inside quoted strings (Python's email turns
    // "=?UTF-8?B?SGk=?=.txt" into "Hi.txt"): such names, and names too long for one 78-octet
    // line, are written in RFC 2231 form, with a fallback `name` no reader decodes.
    const std::vector<std::string> names = {"=?UTF-8?B?SGk=?=.txt", "a =?iso-8859-1?q?x?= b.txt",
                                            std::string(150, 'a') + ".txt", "short.txt"};
    MailMessage m = basic();
    m.setTextBody("see attachments");
    for (const auto& name : names) m.addAttachment(Attachment::fromBytes(name, "data"));
    const std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    std::istringstream lines(eml);
    for (std::string line; std::getline(lines, line);)
        BOOST_TEST(line.size() <= 79u, "line over 78 octets: " << line); // 78 + the CR
    auto facts = pythonEmailFacts(eml);
    BOOST_TEST(facts["defects"] == "");
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto part = "part." + std::to_string(i + 2) + ".";
        BOOST_TEST(facts[part + "filename"] == names[i]);
        BOOST_TEST(facts[part + "params"].find("=?") == std::string::npos, facts[part + "params"]);
    }
    BOOST_TEST(eml.find("filename=\"short.txt\"") != std::string::npos); // short plain names stay plain
    MailMessage loaded = MailMessage::fromBytes(eml);
    BOOST_REQUIRE_EQUAL(loaded.attachments().size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) BOOST_TEST(loaded.attachments()[i].fileName == names[i]);
}

BOOST_AUTO_TEST_CASE(inlineAttachmentKeepsDispositionAndContentId) {
    MailMessage m = basic();
    m.setTextBody("x");
    Attachment a = Attachment::fromBytes("pic.png", "\x89PNG");
    a.disposition = Disposition::Inline;
    a.contentId = "pic@example.org";
    m.addAttachment(a);
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["part.2.disposition"] == "inline");
    BOOST_TEST(facts["part.2.cid"] == "<pic@example.org>");
    BOOST_TEST(facts["part.2.type"] == "image/png");
    MailMessage loaded = MailMessage::fromBytes(m.toEml());
    BOOST_REQUIRE_EQUAL(loaded.attachments().size(), 1u);
    BOOST_TEST((loaded.attachments()[0].disposition == Disposition::Inline));
    BOOST_TEST(loaded.attachments()[0].contentId == "pic@example.org");
}

BOOST_AUTO_TEST_CASE(calendarViewCarriesMethodAndCharset) {
    MailMessage m = basic();
    m.setTextBody("You are invited.");
    AlternateView view;
    view.contentType = "text/calendar";
    view.charset = "UTF-8";
    view.parameters = {{"method", "REQUEST"}, {"name", "invite.ics"}};
    view.transferEncoding = TransferEncoding::Base64;
    view.content = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
    m.addAlternateView(view);
    m.addHeader("Content-Class", "urn:content-classes:calendarmessage");
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["part.0.type"] == "multipart/alternative");
    BOOST_TEST(facts["part.2.type"] == "text/calendar");
    BOOST_TEST(facts["part.2.charset"] == "UTF-8");
    BOOST_TEST(facts["part.2.params"].find("method=REQUEST") != std::string::npos);
    BOOST_TEST(facts["part.2.cte"] == "base64");
    BOOST_TEST(facts["part.2.content"] == "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n");
    MailMessage unixLines = basic();
    view.content = "BEGIN:VCALENDAR\nEND:VCALENDAR\n"; // bare LF in, canonical CRLF inside base64
    unixLines.addAlternateView(view);
    BOOST_TEST(pythonEmailFacts(unixLines.toEml())["part.0.content"] == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
}

BOOST_AUTO_TEST_CASE(extraAddressFieldsKeepTheirAddressesReadable) {
    MailMessage m = basic();
    m.addHeader("Resent-From", "Алиса <alice@example.org>");
    m.addHeader("Resent-To", "bob@example.net, Zoë <zoe@example.net>");
    m.addHeader("Disposition-Notification-To", "not an address list");
    std::string eml = m.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    BOOST_TEST(eml.find("<alice@example.org>") != std::string::npos);
    BOOST_TEST(eml.find("<zoe@example.net>") != std::string::npos);
    MailMessage loaded = MailMessage::fromBytes(eml);
    BOOST_TEST(loaded.header("Resent-From").value_or("") == "Алиса <alice@example.org>");
    BOOST_TEST(loaded.header("Disposition-Notification-To").value_or("") == "not an address list");
}

BOOST_AUTO_TEST_CASE(contentClassAndOtherTopLevelFieldsSurviveARoundTrip) {
    MailMessage m = basic();
    m.addHeader("Content-Class", "urn:content-classes:calendarmessage");
    m.addHeader("Content-Language", "de-DE");
    MailMessage loaded = MailMessage::fromBytes(m.toEml());
    BOOST_TEST(loaded.header("Content-Class").value_or("") == "urn:content-classes:calendarmessage");
    BOOST_TEST(loaded.header("Content-Language").value_or("") == "de-DE");
    BOOST_TEST(!loaded.header("Content-Type"));
}

BOOST_AUTO_TEST_CASE(priorityWritesThreeHeaders) {
    MailMessage m = basic();
    m.setPriority(Priority::Low);
    std::string eml = m.toEml();
    BOOST_TEST(eml.find("X-Priority: 5 (Lowest)\r\n") != std::string::npos);
    BOOST_TEST(eml.find("Importance: low\r\n") != std::string::npos);
    BOOST_TEST(eml.find("Priority: non-urgent\r\n") != std::string::npos);
    BOOST_TEST((MailMessage::fromBytes(eml).priority() == Priority::Low));
    m.setPriority(Priority::Normal);
    BOOST_TEST(m.toEml().find("Priority") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(boundariesNeverOccurInContent) {
    MailMessage m = basic();
    std::string tricky = "--=_mailrig_\r\n--=_mailrig_00000000000000000000000000000000\r\n--\r\n";
    m.setTextBody(tricky);
    m.setHtmlBody(tricky);
    m.addAttachment(Attachment::fromBytes("t.txt", tricky));
    std::string eml = m.toEml();
    auto boundaries = boundariesOf(eml);
    BOOST_REQUIRE_EQUAL(boundaries.size(), 2u);
    BOOST_TEST(countOf(eml, "--" + boundaries[0]) == 3u);  // mixed: 2 parts + close
    BOOST_TEST(countOf(eml, "--" + boundaries[1]) == 3u);  // alternative: 2 parts + close
    BOOST_TEST(pythonEmailFacts(eml)["parts"] == "5");
}

BOOST_AUTO_TEST_CASE(badContentTypesAndIdsAreRefused) {
    MailMessage m = basic();
    m.addAttachment(Attachment::fromBytes("x", "y", "not a type"));
    BOOST_CHECK_THROW(m.toEml(), std::invalid_argument);
    MailMessage r = basic();
    LinkedResource res;
    res.contentId = "has space";
    r.addLinkedResource(res);
    BOOST_CHECK_THROW(r.toEml(), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(textAttachmentsGetACharsetOnlyWhenTheyAreUtf8) {
    MailMessage m = basic();
    m.addAttachment(Attachment::fromBytes("a.txt", "ascii\r\n"));
    m.addAttachment(Attachment::fromBytes("b.txt", "Grüße\r\n"));
    m.addAttachment(Attachment::fromBytes("c.txt", "Gr\xfc\xdf" "e\r\n"));
    m.addAttachment(Attachment::fromBytes("d.txt", "x", "text/plain; charset=iso-8859-1"));
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["part.1.charset"] == "utf-8");
    BOOST_TEST(facts["part.2.charset"] == "utf-8");
    BOOST_TEST(facts["part.3.charset"] == "");
    BOOST_TEST(facts["part.4.charset"] == "iso-8859-1");
}

BOOST_AUTO_TEST_CASE(forwardedMessageIsAttachedUnencoded) {
    MailMessage original = basic();
    original.setSubject("Original Grüße");
    original.setTextBody("inner text");
    original.addAttachment(Attachment::fromBytes("inner.bin", std::string("\0\1", 2)));
    MailMessage forward = basic();
    forward.setSubject("Fwd: Original");
    forward.setTextBody("see attached");
    forward.addAttachment(Attachment::fromBytes("original.eml", original.toEml()));
    std::string eml = forward.toEml();
    BOOST_TEST(wireProblems(eml).empty());
    auto facts = pythonEmailFacts(eml);
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["part.2.type"] == "message/rfc822");
    BOOST_TEST(facts["part.2.cte"] == "7bit");
    BOOST_TEST(facts["part.2.filename"] == "original.eml");
    MailMessage loaded = MailMessage::fromBytes(eml);
    BOOST_REQUIRE_EQUAL(loaded.attachments().size(), 1u);
    MailMessage inner = MailMessage::fromBytes(loaded.attachments()[0].content);
    BOOST_TEST(inner.subject() == "Original Grüße");
    BOOST_TEST(inner.textBody() == "inner text");
    BOOST_REQUIRE_EQUAL(inner.attachments().size(), 1u);
    BOOST_TEST(inner.attachments()[0].content == std::string("\0\1", 2));
}

BOOST_AUTO_TEST_CASE(attachmentContentTypeMayCarryParameters) {
    MailMessage m = basic();
    m.addAttachment(Attachment::fromBytes("invite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                                          "text/calendar; method=REQUEST; charset=UTF-8"));
    auto facts = pythonEmailFacts(m.toEml());
    BOOST_TEST(facts["defects"] == "");
    BOOST_TEST(facts["part.1.type"] == "text/calendar");
    BOOST_TEST(facts["part.1.params"].find("method=REQUEST") != std::string::npos);
    BOOST_TEST(facts["part.1.filename"] == "invite.ics");
}

BOOST_AUTO_TEST_CASE(aLongAsciiParameterOtherThanAFileNameStaysPlain) {
    // Readers seldom decode RFC 2231 outside name and filename: a 100-octet profile URL stays a
    // quoted string (one line of its own, under 998 octets).
    const std::string profile = "https://example.org/" + std::string(80, 'p');
    MailMessage m = basic();
    m.addAttachment(Attachment::fromBytes("data.json", "{}", "application/json; profile=\"" + profile + "\""));
    const std::string eml = m.toEml();
    BOOST_TEST(eml.find("profile=\"" + profile + "\"") != std::string::npos, eml);
    BOOST_TEST(wireProblems(eml).empty());
}

BOOST_AUTO_TEST_SUITE_END()
