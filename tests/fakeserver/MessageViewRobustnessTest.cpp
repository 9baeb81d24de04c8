// MessageView and Lint on garbage: truncated fixtures, flipped bytes, random input, hostile
// nesting. Each input must either parse or throw MessageParseError; never crash or hang.
#include "mailrig/fakeserver/InputFile.h"
#include "mailrig/fakeserver/Lint.h"
#include "mailrig/fakeserver/MessageView.h"

#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <random>

using mailrig::fake::Lint;
using mailrig::fake::MessageParseError;
using mailrig::fake::MessageView;
using mailrig::fake::MimePart;

namespace {

// Parses and reads everything a caller could ask for; returns false when the input was rejected.
bool exercise(const std::string& bytes) {
    try {
        const MessageView view(bytes);
        (void)view.from();
        (void)view.to();
        (void)view.date();
        (void)view.messageId();
        (void)view.textBody();
        (void)view.attachments();
        for (const MimePart* p : view.parts()) {
            (void)p->text();
            (void)p->charsetKnown();
        }
        (void)Lint::check(view);
        return true;
    } catch (const MessageParseError&) {
        return false;
    }
}

std::vector<std::string> fixtures() {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(mailrig::test::fixturePath("eml")))
        if (entry.path().extension() == ".eml") out.push_back(mailrig::test::readFile(entry.path().string()));
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(MessageViewRobustnessTest)

BOOST_AUTO_TEST_CASE(aFileOverOneGibibyteIsRefusedBeforeItIsRead) {
    const mailrig::test::TempDir dir;
    const std::string huge = dir.file("huge.eml");
    mailrig::test::writeFile(huge, "");
    std::filesystem::resize_file(huge, mailrig::fake::kMaxMessageInput + 1);
    try {
        (void)MessageView::fromFile(huge);
        BOOST_FAIL("no exception");
    } catch (const MessageParseError& e) {
        BOOST_TEST(std::string(e.what()) == huge + ": cannot read: larger than 1 GiB, the most read into memory");
    }
}

BOOST_AUTO_TEST_CASE(everyTruncationOfEveryFixtureIsHandled) {
    std::size_t parsed = 0;
    for (const auto& bytes : fixtures()) {
        const std::size_t step = std::max<std::size_t>(1, bytes.size() / 300);
        for (std::size_t n = 0; n <= bytes.size(); n += step) parsed += exercise(bytes.substr(0, n));
    }
    BOOST_TEST(parsed > 1000u);
}

BOOST_AUTO_TEST_CASE(flippedAndInsertedBytesAreHandled) {
    std::mt19937 random(20261124);
    std::size_t parsed = 0;
    for (const auto& original : fixtures()) {
        if (original.empty()) continue;
        for (int round = 0; round < 150; ++round) {
            std::string bytes = original;
            const int edits = 1 + static_cast<int>(random() % 8);
            for (int e = 0; e < edits; ++e) {
                const std::size_t at = random() % bytes.size();
                static const char interesting[] = {'\0', '\r', '\n', '-', '=', '?', '"', ';', ':', '\x80', '\xff'};
                const char c = random() % 2 ? static_cast<char>(random() % 256)
                                            : interesting[random() % sizeof interesting];
                if (random() % 3 == 0) bytes.insert(at, 1, c);
                else bytes[at] = c;
            }
            parsed += exercise(bytes);
        }
    }
    BOOST_TEST(parsed > 1000u); // most edits leave a readable message
}

BOOST_AUTO_TEST_CASE(randomInputIsHandled) {
    std::mt19937 random(7);
    std::size_t parsed = 0;
    const std::string alphabet = "Content-Type: multipart/mixed; boundary=\"b\"\r\n--b--=?utf-8?q?x?=\x80\xc3\xa9\0";
    for (int round = 0; round < 2000; ++round) {
        std::string bytes;
        const std::size_t length = random() % 600;
        for (std::size_t i = 0; i < length; ++i)
            bytes += random() % 4 ? alphabet[random() % alphabet.size()] : static_cast<char>(random() % 256);
        if (round % 2) bytes = "From: a@b\r\n" + bytes;
        parsed += exercise(bytes);
    }
    BOOST_TEST(parsed >= 500u); // most inputs that start with a header field
}

BOOST_AUTO_TEST_CASE(hostileNestingAndHugeLinesAreHandled) {
    std::string deep = "From: a@b\r\nMIME-Version: 1.0\r\n";
    for (int i = 0; i < 600; ++i)
        deep += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" +
                std::to_string(i) + "\r\n";
    deep += "\r\nleaf\r\n";
    BOOST_TEST(exercise(deep));

    std::string rfc822 = "From: a@b\r\n";
    for (int i = 0; i < 600; ++i) rfc822 += "Content-Type: message/rfc822\r\n\r\nFrom: a@b\r\n";
    BOOST_TEST(exercise(rfc822));

    BOOST_TEST(exercise("From: a@b\r\nSubject: " + std::string(300'000, 'x') + "\r\n\r\n" +
                        std::string(300'000, '\n')));
}

BOOST_AUTO_TEST_CASE(encapsulatedMessagesNestedThousandsDeepAreCutAndReported) {
    // GMime bounds multipart nesting but not message/rfc822 nesting: the view must, or its own
    // recursion runs out of stack. Quoted-printable layers do not grow, so they nest cheaply too.
    for (const char* encoding : {"", "Content-Transfer-Encoding: quoted-printable\r\n"}) {
        BOOST_TEST_CONTEXT("encoding '" << encoding << "'") {
            std::string message = "From: a@example.org\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nleaf\r\n";
            std::string prefix;
            for (int i = 0; i < 4000; ++i)
                prefix += "From: a@example.org\r\nContent-Type: message/rfc822\r\n" + std::string(encoding) + "\r\n";
            const MessageView view(prefix + message);
            std::size_t deepest = 0;
            for (const MimePart* p : view.parts())
                deepest = std::max<std::size_t>(deepest, p->path().empty() ? 0 : std::count(p->path().begin(), p->path().end(), '.') + 1);
            BOOST_TEST(deepest == 100u);
            bool reported = false;
            for (const auto& f : Lint::check(view)) reported = reported || f.code == "nesting-too-deep";
            BOOST_TEST(reported);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
