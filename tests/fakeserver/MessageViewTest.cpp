// MessageView on every fixture: tree paths, types, names, decoded headers and content.
#include "mailrig/fakeserver/MessageView.h"

#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <thread>

using mailrig::fake::MessageParseError;
using mailrig::fake::MessageView;
using mailrig::fake::MimePart;
using mailrig::test::fixturePath;
using mailrig::test::readFile;

namespace {

MessageView fixture(const std::string& name) { return MessageView::fromFile(fixturePath("eml/" + name)); }

std::vector<std::string> paths(const MessageView& view) {
    std::vector<std::string> out;
    for (const MimePart* p : view.parts()) out.push_back(p->path() + "=" + p->contentType());
    return out;
}

const MimePart& at(const MessageView& view, const std::string& path) {
    const MimePart* p = view.part(path);
    BOOST_REQUIRE_MESSAGE(p, "no part at path '" << path << "'");
    return *p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(MessageViewTest)

BOOST_AUTO_TEST_CASE(plainTextIsOneRootPartWithDecodedSummary) {
    const MessageView view = fixture("plain-text.eml");
    BOOST_TEST(paths(view) == std::vector<std::string>{"=text/plain"});
    BOOST_TEST(view.subject() == "Plain text message");
    BOOST_REQUIRE_EQUAL(view.from().size(), 1u);
    BOOST_TEST(view.from()[0].name == "Alice Example");
    BOOST_TEST(view.from()[0].address == "alice@example.org");
    BOOST_REQUIRE_EQUAL(view.to().size(), 1u);
    BOOST_TEST(view.to()[0].address == "bob@example.net");
    BOOST_TEST(view.cc().empty());
    BOOST_TEST(view.messageId() == "plain-text@example.org");
    BOOST_REQUIRE(view.date());
    BOOST_TEST(std::chrono::system_clock::to_time_t(*view.date()) == 1795515300); // 2026-11-24T10:15:00Z
    const MimePart& root = view.root();
    BOOST_TEST(root.charset() == "utf-8");
    BOOST_TEST(root.transferEncoding() == "7bit");
    BOOST_TEST(!root.isAttachment());
    BOOST_TEST(view.textBody() == &root);
    BOOST_TEST(view.htmlBody() == nullptr);
    BOOST_TEST(root.text().rfind("Hello Bob,\r\n\r\nthis is a plain text message", 0) == 0);
    BOOST_TEST(root.size() == root.content().size());
}

BOOST_AUTO_TEST_CASE(headersKeepWireOrderRawAndDecodedValuesAndLines) {
    const MessageView view = fixture("non-ascii-subject-and-filenames.eml");
    const auto& all = view.headers().all();
    std::vector<std::string> names;
    for (const auto& h : all) names.push_back(h.name);
    BOOST_TEST(names == (std::vector<std::string>{"From", "To", "Date", "Message-ID", "MIME-Version", "Subject",
                                                  "Content-Type"}));
    BOOST_TEST(all[0].line == 1u);
    BOOST_TEST(all[5].line == 6u);
    BOOST_TEST(all[6].line == 8u);
    BOOST_TEST(all[5].rawValue == " =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln_?=\r\n =?UTF-8?B?4oCUINCf0YDQuNCy0LXRgiDwn5iA?=");
    BOOST_TEST(view.subject() == "Grüße aus Köln — Привет 😀");
    BOOST_TEST(*view.header("subject") == view.subject());
    BOOST_TEST(!view.header("X-Absent"));
    BOOST_TEST(view.headers("mime-version") == std::vector<std::string>{"1.0"});
    BOOST_TEST(view.from()[0].name == "Jürgen Müller");
    BOOST_TEST(view.to()[0].name == "Владимир");
}

BOOST_AUTO_TEST_CASE(rfc2231AndRfc2047FileNamesAreDecoded) {
    const MessageView view = fixture("non-ascii-subject-and-filenames.eml");
    BOOST_TEST(paths(view) == (std::vector<std::string>{"=multipart/mixed", "1=text/plain", "2=application/pdf",
                                                        "3=application/pdf"}));
    BOOST_TEST(at(view, "1").text() == "Привет, Jürgen! 😀\r\n");
    BOOST_TEST(at(view, "1").transferEncoding() == "base64");
    BOOST_TEST(at(view, "2").fileName() == "Übersicht.pdf");
    BOOST_TEST(*at(view, "2").parameter("name") == "Übersicht.pdf");
    BOOST_TEST(at(view, "3").fileName() == "Jahresübersicht_Müller_Überweisungen_für_das_Geschäftsjahr_2026.pdf");
    BOOST_TEST(at(view, "3").content().rfind("%PDF-1.4\n", 0) == 0);
    const auto attachments = view.attachments();
    BOOST_REQUIRE_EQUAL(attachments.size(), 2u);
    BOOST_TEST(attachments[0]->path() == "2");
    BOOST_TEST(attachments[1]->path() == "3");
}

BOOST_AUTO_TEST_CASE(htmlOnlyDecodesQuotedPrintable) {
    const MessageView view = fixture("html-only.eml");
    BOOST_TEST(paths(view) == std::vector<std::string>{"=text/html"});
    BOOST_REQUIRE(view.htmlBody());
    BOOST_TEST(view.htmlBody()->text() ==
               "<html><body><p>Grüße aus Köln, naïve café.</p></body></html>\r\n");
    BOOST_TEST(view.textBody() == nullptr);
}

BOOST_AUTO_TEST_CASE(alternativeHasTextThenHtml) {
    const MessageView view = fixture("alternative-text-html.eml");
    BOOST_TEST(paths(view) == (std::vector<std::string>{"=multipart/alternative", "1=text/plain", "2=text/html"}));
    BOOST_TEST(view.root().boundary() == "alt-7f3a");
    BOOST_REQUIRE(view.textBody());
    BOOST_TEST(view.textBody()->path() == "1");
    BOOST_TEST(view.textBody()->text() == "Grüße, Bob!");
    BOOST_TEST(view.htmlBody()->text() == "<p>Grüße, <b>Bob</b>!</p>");
    BOOST_TEST(view.attachments().empty());
}

BOOST_AUTO_TEST_CASE(relatedInlineImageIsFoundByContentId) {
    const MessageView view = fixture("related-inline-image.eml");
    BOOST_TEST(paths(view) == (std::vector<std::string>{"=multipart/related", "1=text/html", "2=image/png"}));
    BOOST_TEST(*view.root().parameter("type") == "text/html");
    const MimePart& image = at(view, "2");
    BOOST_TEST(image.contentId() == "logo.png@example.org");
    BOOST_TEST(image.disposition() == "inline");
    BOOST_TEST(image.fileName() == "logo.png");
    BOOST_TEST(!image.isAttachment());
    BOOST_TEST(image.content().rfind("\x89PNG\r\n\x1a\n", 0) == 0);
    BOOST_TEST(image.encodedContent().rfind("iVBORw0KGgo", 0) == 0);
    BOOST_TEST(view.partByContentId("<logo.png@example.org>") == &image);
    BOOST_TEST(view.partByContentId("logo.png@example.org") == &image);
    BOOST_TEST(view.partByContentId("other@example.org") == nullptr);
    BOOST_TEST(view.attachments().empty());
}

BOOST_AUTO_TEST_CASE(mixedWithAttachmentsListsThemInOrder) {
    const MessageView view = fixture("mixed-with-attachments.eml");
    BOOST_TEST(paths(view) == (std::vector<std::string>{"=multipart/mixed", "1=multipart/alternative",
                                                        "1.1=text/plain", "1.2=text/html", "2=application/pdf",
                                                        "3=text/csv"}));
    BOOST_TEST(view.textBody()->path() == "1.1");
    BOOST_TEST(view.htmlBody()->path() == "1.2");
    const auto attachments = view.attachments();
    BOOST_REQUIRE_EQUAL(attachments.size(), 2u);
    BOOST_TEST(attachments[0]->fileName() == "report.pdf");
    BOOST_TEST(attachments[0]->disposition() == "attachment");
    BOOST_TEST(attachments[0]->transferEncoding() == "base64");
    BOOST_TEST(attachments[0]->content().rfind("%PDF-1.4", 0) == 0);
    BOOST_TEST(attachments[1]->fileName() == "data.csv");
    BOOST_TEST(attachments[1]->text() == "id,value\r\n1,42");
    BOOST_TEST(view.part("4") == nullptr);
    BOOST_TEST(view.part("1.3") == nullptr);
}

BOOST_AUTO_TEST_CASE(nestedMessageIsOneChildWithItsOwnTree) {
    const MessageView view = fixture("nested-message-rfc822.eml");
    BOOST_TEST(paths(view) == (std::vector<std::string>{"=multipart/mixed", "1=text/plain", "2=message/rfc822",
                                                        "2.1=multipart/alternative", "2.1.1=text/plain",
                                                        "2.1.2=text/html"}));
    const MimePart& message = at(view, "2");
    BOOST_TEST(message.isMessage());
    BOOST_TEST(message.isAttachment());
    BOOST_TEST(message.fileName() == "original.eml");
    const MimePart& inner = at(view, "2.1");
    BOOST_TEST(*inner.header("Subject") == "Original message");
    BOOST_TEST(*inner.header("From") == "Carol <carol@example.com>");
    BOOST_TEST(inner.headers().all().front().line == 18u);
    BOOST_TEST(at(view, "2.1.1").text() == "The original text.");
    // The body search does not look inside the encapsulated message.
    BOOST_TEST(view.textBody()->path() == "1");
    BOOST_TEST(view.htmlBody() == nullptr);
    BOOST_REQUIRE_EQUAL(view.attachments().size(), 1u);
    BOOST_TEST(view.attachments()[0] == &message);
    // The content is the encapsulated message, byte for byte, and parseable on its own.
    const std::string& raw = view.raw();
    const std::size_t begin = raw.find("From: Carol"), end = raw.find("\r\n--outer-5a--");
    BOOST_TEST(message.content() == raw.substr(begin, end - begin));
    const MessageView again(message.content());
    BOOST_TEST(again.subject() == "Original message");
    BOOST_TEST(again.messageId() == "original@example.com");
    BOOST_TEST(paths(again) == (std::vector<std::string>{"=multipart/alternative", "1=text/plain", "2=text/html"}));
}

BOOST_AUTO_TEST_CASE(base64NestedMessageIsDecodedIntoItsOwnTree) {
    const MessageView view = fixture("nested-message-rfc822-base64.eml");
    BOOST_TEST(paths(view) == (std::vector<std::string>{"=multipart/mixed", "1=text/plain", "2=message/rfc822",
                                                        "2.1=multipart/alternative", "2.1.1=text/plain",
                                                        "2.1.2=text/html"}));
    const MimePart& message = at(view, "2");
    BOOST_TEST(message.isMessage());
    BOOST_TEST(message.isAttachment());
    BOOST_TEST(message.transferEncoding() == "base64");
    BOOST_TEST(message.content().rfind("From: Bob <bob@example.net>\r\n", 0) == 0);
    BOOST_TEST(message.encodedContent().rfind("RnJvbTogQm9i", 0) == 0);
    const MimePart& inner = at(view, "2.1");
    BOOST_TEST(*inner.header("Subject") == "Inner one");
    BOOST_TEST(inner.headers().all().front().line == 0u); // a line of the decoded bytes is no line of the file
    BOOST_TEST(at(view, "2.1.1").text() == "Inner text");
    BOOST_TEST(at(view, "2.1.2").text() == "<p>Inner</p>");
    // Decoded content that is not a message stays a leaf.
    const MessageView notMessage("From: a@example.org\r\nContent-Type: message/rfc822\r\n"
                                 "Content-Transfer-Encoding: base64\r\n\r\nbm90IGEgbWVzc2FnZQ==\r\n");
    BOOST_TEST(!notMessage.root().isMessage());
    BOOST_TEST(notMessage.root().content() == "not a message");
}

BOOST_AUTO_TEST_CASE(mixedRelatedAlternativeNestsThreeLevels) {
    const MessageView view = fixture("mixed-related-alternative.eml");
    BOOST_TEST(paths(view) == (std::vector<std::string>{"=multipart/mixed", "1=multipart/related",
                                                        "1.1=multipart/alternative", "1.1.1=text/plain",
                                                        "1.1.2=text/html", "1.2=image/png", "2=text/plain"}));
    BOOST_TEST(view.textBody()->path() == "1.1.1");
    BOOST_TEST(view.htmlBody()->path() == "1.1.2");
    BOOST_TEST(view.partByContentId("pic@example.org")->path() == "1.2");
    BOOST_REQUIRE_EQUAL(view.attachments().size(), 1u);
    BOOST_TEST(view.attachments()[0]->fileName() == "notes.txt");
}

BOOST_AUTO_TEST_CASE(legacyCharsetIsConvertedToUtf8) {
    const MessageView view = fixture("legacy-charset-iso-8859-1.eml");
    BOOST_TEST(view.root().charset() == "iso-8859-1");
    BOOST_TEST(view.root().content() == "Gr\xfc\xdf" "e aus K\xf6ln, na\xefve caf\xe9.\r\n");
    BOOST_TEST(view.root().text() == "Grüße aus Köln, naïve café.\r\n");
}

BOOST_AUTO_TEST_CASE(unknownCharsetKeepsValidUtf8) {
    const MessageView view = fixture("unknown-charset.eml");
    BOOST_TEST(view.root().charset() == "x-no-such-charset");
    BOOST_TEST(!view.root().charsetKnown());
    BOOST_TEST(view.root().text() == "Café in UTF-8 bytes under an unknown label.\r\n");
}

BOOST_AUTO_TEST_CASE(eightBitHeadersAreReadAsUtf8) {
    const MessageView view = fixture("8bit-headers.eml");
    BOOST_TEST(view.subject() == "Grüße aus Köln");
    BOOST_TEST(view.from()[0].name == "Zoë Ångström");
}

BOOST_AUTO_TEST_CASE(malformedButReadableMessagesParse) {
    const MessageView unclosed = fixture("missing-final-boundary.eml");
    BOOST_TEST(paths(unclosed) == (std::vector<std::string>{"=multipart/mixed", "1=text/plain", "2=text/plain"}));
    BOOST_TEST(at(unclosed, "1").text() == "First part.");
    const MessageView bareLf = fixture("bare-lf.eml");
    BOOST_TEST(bareLf.subject() == "Every line ends with a bare LF");
    BOOST_TEST(bareLf.root().text() == "Line one.\nLine two.\nLine three.\nLine four.\nLine five.\n");
    // GMime drops the headerless text after the stray delimiter: exactly what Lint must flag.
    const MessageView stray = fixture("stray-boundary-in-body.eml");
    BOOST_TEST(paths(stray) == (std::vector<std::string>{"=multipart/mixed", "1=text/plain", "2=text/plain"}));
    BOOST_TEST(at(stray, "2").text() == "Second part.");
}

BOOST_AUTO_TEST_CASE(notAMessageAndEmptyInputThrowNamingThePath) {
    for (const std::string name : {"not-a-message.eml", "empty.eml"}) {
        const std::string path = fixturePath("eml/" + name);
        try {
            MessageView::fromFile(path);
            BOOST_ERROR(name << " parsed");
        } catch (const MessageParseError& e) {
            BOOST_TEST(std::string(e.what()).find(path + ": ") == 0, e.what());
        }
    }
    BOOST_CHECK_THROW(MessageView(std::string()), MessageParseError);
    BOOST_CHECK_THROW(MessageView("just some words\r\n"), MessageParseError);
    try {
        MessageView::fromFile("/nonexistent/dir/x.eml");
        BOOST_ERROR("a missing file parsed");
    } catch (const MessageParseError& e) {
        BOOST_TEST(std::string(e.what()) == "/nonexistent/dir/x.eml: cannot read: No such file or directory");
    }
}

BOOST_AUTO_TEST_CASE(everyFixtureParsesOrIsRejectedCleanly) {
    std::size_t parsed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(fixturePath("eml"))) {
        if (entry.path().extension() != ".eml") continue;
        const std::string name = entry.path().filename().string();
        const bool mustFail = name == "not-a-message.eml" || name == "empty.eml";
        try {
            const MessageView view = MessageView::fromFile(entry.path().string());
            BOOST_TEST(!mustFail, name);
            for (const MimePart* p : view.parts()) {
                BOOST_TEST(!p->contentType().empty(), name << " " << p->path());
                (void)p->text();
            }
            ++parsed;
        } catch (const MessageParseError& e) {
            BOOST_TEST(mustFail, name << ": " << e.what());
        }
    }
    BOOST_TEST(parsed >= 20u);
}

BOOST_AUTO_TEST_CASE(copiesShareDataAndPointersStayValid) {
    const MimePart* text = nullptr;
    MessageView copy = fixture("plain-text.eml");
    {
        const MessageView original = fixture("alternative-text-html.eml");
        text = original.textBody();
        copy = original;
    }
    BOOST_TEST(copy.textBody() == text);
    BOOST_TEST(text->text() == "Grüße, Bob!");
}

BOOST_AUTO_TEST_CASE(viewsAreBuiltConcurrentlyWithTheSameResult) {
    std::vector<std::string> sources;
    for (const std::string name : {"mixed-with-attachments.eml", "non-ascii-subject-and-filenames.eml",
                                   "nested-message-rfc822.eml", "legacy-charset-iso-8859-1.eml"})
        sources.push_back(readFile(fixturePath("eml/" + name)));
    std::vector<std::string> expected;
    for (const auto& s : sources) {
        const MessageView v(s);
        expected.push_back(v.subject() + "|" + std::to_string(v.parts().size()) + "|" + v.parts().back()->text());
    }
    std::vector<std::thread> threads;
    std::vector<int> mismatches(6, 0);
    for (std::size_t t = 0; t < mismatches.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 30; ++round) {
                for (std::size_t i = 0; i < sources.size(); ++i) {
                    const MessageView v(sources[i]);
                    const std::string got =
                        v.subject() + "|" + std::to_string(v.parts().size()) + "|" + v.parts().back()->text();
                    if (got != expected[i]) ++mismatches[t];
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    BOOST_TEST(std::count(mismatches.begin(), mismatches.end(), 0) == static_cast<long>(mismatches.size()));
}

BOOST_AUTO_TEST_CASE(dateBeyondWhatTheClockHoldsIsAbsent) {
    // system_clock counts nanoseconds in 64 bits: 1678 to 2261. A Date the parser accepts but
    // the clock cannot hold is reported as absent, never converted with an overflow.
    const auto dateOf = [](const std::string& date) {
        return MessageView("From: a@example.org\r\nDate: " + date + "\r\n\r\nbody\r\n").date();
    };
    BOOST_TEST(!dateOf("Tue, 24 Nov 4026 10:15:00 +0000"));
    BOOST_TEST(!dateOf("Fri, 31 Dec 9999 23:59:59 +0000"));
    BOOST_TEST(!dateOf("Sat, 1 Jan 1000 00:00:00 +0000"));
    const auto late = dateOf("Thu, 31 Dec 2261 23:59:59 +0000");
    BOOST_REQUIRE(late);
    BOOST_TEST(std::chrono::system_clock::to_time_t(*late) == 9214646399);
}

BOOST_AUTO_TEST_SUITE_END()
