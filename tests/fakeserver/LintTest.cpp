// Lint: exact findings on the purpose-built bad fixtures, none on the good ones, and each code
// on a minimal message.
#include "mailrig/fakeserver/Lint.h"

#include "support/EmlFixtures.h"
#include "support/Process.h"

#include <boost/test/unit_test.hpp>


using mailrig::fake::Lint;
using mailrig::fake::LintFinding;
using mailrig::fake::MessageView;
using mailrig::test::fixturePath;

namespace {

// "code@line/part" per finding, space-separated: line 0 and no part are left out ("code@3",
// "code/1.2"; the root part is "code/").
std::string summary(const std::vector<LintFinding>& findings) {
    std::string out;
    for (const auto& f : findings) {
        if (!out.empty()) out += " ";
        out += f.code;
        if (f.line) out += "@" + std::to_string(f.line);
        if (f.part) out += "/" + *f.part;
    }
    return out;
}

std::string lintFixture(const std::string& name) {
    return summary(Lint::check(MessageView::fromFile(fixturePath("eml/" + name))));
}

std::string lintBytes(const std::string& bytes) { return summary(Lint::check(MessageView(bytes))); }

std::string crlf(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

const std::string goodHead = "From: a@example.org\nTo: b@example.org\nDate: Tue, 24 Nov 2026 10:15:00 +0000\n"
                             "Message-ID: <x@example.org>\nMIME-Version: 1.0\n";


} // namespace

BOOST_AUTO_TEST_SUITE(LintTest)

BOOST_AUTO_TEST_CASE(goodFixturesHaveNoFindings) {
    for (const std::string& name : mailrig::test::cleanEmlFixtures()) {
        BOOST_TEST(lintFixture(name) == "", name);
    }
}

BOOST_AUTO_TEST_CASE(badFixturesHaveExactlyTheirFindings) {
    BOOST_TEST(lintFixture("missing-final-boundary.eml") == "boundary-missing-final/");
    BOOST_TEST(lintFixture("8bit-headers.eml") == "header-8bit@1/ header-8bit@6/");
    BOOST_TEST(lintFixture("unknown-charset.eml") == "unknown-charset/");
    BOOST_TEST(lintFixture("bcc-header-present.eml") == "bcc-present@6/");
    BOOST_TEST(lintFixture("long-line.eml") == "line-too-long@11");
    BOOST_TEST(lintFixture("encoded-word-in-quoted-string.eml") ==
               "encoded-word-in-quoted-string@1/ encoded-word-in-quoted-string@17/2");
    BOOST_TEST(lintFixture("text-without-charset.eml") == "text-without-charset/");
    BOOST_TEST(lintFixture("stray-boundary-in-body.eml") == "boundary-in-content@15/");
    BOOST_TEST(lintFixture("smuggling-sequence.eml") == "bare-lf@11 smuggling-sequence@12 bare-lf@12");
    BOOST_TEST(lintFixture("missing-required-headers.eml") ==
               "missing-date/ missing-from/ missing-message-id/ missing-mime-version/");
    BOOST_TEST(lintFixture("duplicate-headers.eml") == "duplicate-header@6/");
    BOOST_TEST(lintFixture("invalid-base64.eml") == "invalid-base64/2");
    BOOST_TEST(lintFixture("boundary-too-long.eml") == "boundary-too-long/");
    BOOST_TEST(lintFixture("bare-cr.eml") == "bare-cr@10");
    BOOST_TEST(lintFixture("8bit-body-undeclared.eml") == "body-8bit-undeclared/");
}

BOOST_AUTO_TEST_CASE(lineCodesAreCappedWithACountOfTheRest) {
    // bare-lf.eml: 14 lines, all ending in a bare LF.
    const auto findings = Lint::check(MessageView::fromFile(fixturePath("eml/bare-lf.eml")));
    BOOST_REQUIRE_EQUAL(findings.size(), Lint::maxPerCode);
    for (std::size_t i = 0; i < findings.size(); ++i) {
        BOOST_TEST(findings[i].code == "bare-lf");
        BOOST_TEST(findings[i].line == i + 1);
        BOOST_TEST(!findings[i].part);
    }
    BOOST_TEST(findings.back().message == "5 more lines like the ones above, the first at line 10");
}

BOOST_AUTO_TEST_CASE(findingsNameTheirCause) {
    const auto findings = Lint::check(MessageView::fromFile(fixturePath("eml/long-line.eml")));
    BOOST_REQUIRE_EQUAL(findings.size(), 1u);
    BOOST_TEST(findings[0].message == "line is 1000 octets, over the 998 allowed");
}

BOOST_AUTO_TEST_CASE(eachCodeOnAMinimalMessage) {
    const std::string text = "Content-Type: text/plain; charset=utf-8\n\nhi\n";
    BOOST_TEST(lintBytes(crlf(goodHead + text))== "");
    BOOST_TEST(lintBytes(crlf(goodHead + std::string("Subject: a\0b\n", 13) + text)) == "nul-byte@6");
    BOOST_TEST(lintBytes(crlf(goodHead + "Subject: =?utf-8?q?" + std::string(70, 'a') + "?=\n" + text)) ==
               "encoded-word-too-long@6/");
    BOOST_TEST(lintBytes(crlf(goodHead + "Subject: x\nnot a header line\n" + text)) ==
               "invalid-header-line@7");
    BOOST_TEST(lintBytes(crlf("From: a@example.org\nDate: someday\nMessage-ID: no-angles\nMIME-Version: 1.0\n" +
                              text)) == "invalid-date@2/ invalid-message-id@3/");
    BOOST_TEST(lintBytes(crlf(goodHead + "Content-Type: text/plain; charset=utf-8\n" + text)) ==
               "duplicate-header@6/");
    BOOST_TEST(lintBytes(crlf(goodHead + "Content-Type: text/plain; charset=utf-8\n"
                                         "Content-Transfer-Encoding: uuencode\n\nhi\n")) ==
               "invalid-transfer-encoding/");
    BOOST_TEST(lintBytes(crlf(goodHead + "Content-Type: multipart/mixed\n\nbody\n")) == "boundary-missing/");
    BOOST_TEST(lintBytes(crlf(goodHead + "Content-Type: multipart/mixed; boundary=b\n"
                                         "Content-Transfer-Encoding: base64\n\n--b\n\nx\n--b--\n")) ==
               "invalid-transfer-encoding/ text-without-charset/1");
    BOOST_TEST(lintBytes(crlf(goodHead + "Content-Type: multipart/mixed; boundary=b\n\n"
                                         "--b\nContent-Type: text/plain; charset=utf-8\n\nsee --b inside\n--b--\n")) ==
               "boundary-in-content/1");
    BOOST_TEST(lintBytes(crlf(goodHead + "Resent-Bcc: c@example.org\n" + text)) == "bcc-present@6/");
    BOOST_TEST(lintBytes(crlf(goodHead + "Content-Type: text/plain; charset=utf-8\n"
                                         "Content-Transfer-Encoding: base64\n\naGk=\n"))== "");
    BOOST_TEST(lintBytes(crlf(goodHead + "Content-Type: text/plain; charset=utf-8\n"
                                         "Content-Transfer-Encoding: base64\n\naGk\n")) == "invalid-base64/");
}

BOOST_AUTO_TEST_CASE(encodedMessagePartsAndUnreadableContentTypesAreFound) {
    const std::string outer = goodHead + "Content-Type: multipart/mixed; boundary=x\n\n--x\n"
                                         "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                                         "RnJvbTogYUBiDQoNCmJvZHkNCg==\n--x\nContent-Type: garbage\n\nzz\n--x--\n";
    // The encapsulated message has no Content-Type, so its text has no charset.
    BOOST_TEST(lintBytes(crlf(outer)) == "invalid-content-type@14 invalid-transfer-encoding/1 text-without-charset/1.1");
}

BOOST_AUTO_TEST_CASE(base64EncapsulatedMessageIsFlaggedAndCheckedInside) {
    BOOST_TEST(lintFixture("nested-message-rfc822-base64.eml") == "invalid-transfer-encoding/2");
    // Inside the decoded message, boundaries are checked on the decoded bytes and name the part only.
    // base64 of "Subject: in\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n--in\r\n"
    //           "Content-Type: text/plain; charset=utf-8\r\n\r\nunclosed\r\n"
    const std::string outer = goodHead + "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                                         "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                                         "U3ViamVjdDogaW4NCkNvbnRlbnQtVHlwZTogbXVsdGlwYXJ0L21peGVkOyBib3VuZGFyeT1pbg0K\n"
                                         "DQotLWluDQpDb250ZW50LVR5cGU6IHRleHQvcGxhaW47IGNoYXJzZXQ9dXRmLTgNCg0KdW5jbG9z\n"
                                         "ZWQNCg==\n--b--\n";
    BOOST_TEST(lintBytes(crlf(outer)) == "invalid-transfer-encoding/1 boundary-missing-final/1.1");
    // Its transmitted body is still checked as base64.
    const std::string broken = goodHead + "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                                          "RnJvbTogYUBiDQoNCmJvZHkNCg==!\n";
    BOOST_TEST(lintBytes(crlf(broken)) == "invalid-transfer-encoding/ invalid-base64/ text-without-charset/1");
}

BOOST_AUTO_TEST_CASE(smugglingVariantsAreAllFound) {
    const std::string head = crlf(goodHead + "Content-Type: text/plain; charset=utf-8\n\n");
    // A proper "\r\n.\r\n" inside a stored file is not smuggling (it would be dot-stuffed on the wire).
    BOOST_TEST(lintBytes(head + "a\r\n.\r\nb\r\n")== "");
    BOOST_TEST(lintBytes(head + "a\r\n.\nb\r\n") == "smuggling-sequence@9 bare-lf@9");
    BOOST_TEST(lintBytes(head + "a\n.\r\nb\r\n") == "bare-lf@8 smuggling-sequence@9");
    BOOST_TEST(lintBytes(head + "a\r.\rb\r\n") == "smuggling-sequence@8 bare-cr@8");
}

BOOST_AUTO_TEST_CASE(encapsulatedMessagesAreCheckedForDuplicatesButNotForRequiredFields) {
    const std::string inner = "Subject: one\nSubject: two\nContent-Type: text/plain; charset=utf-8\n\ninner\n";
    const std::string outer = goodHead + "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                                         "Content-Type: message/rfc822\n\n" + inner + "--b--\n";
    BOOST_TEST(lintBytes(crlf(outer)) == "duplicate-header@11/1.1");
}

BOOST_AUTO_TEST_SUITE_END()
