#include "mailrig/client/Attachment.h"

#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <sstream>

using namespace mailrig;

BOOST_AUTO_TEST_SUITE(AttachmentSources)

BOOST_AUTO_TEST_CASE(fromFileReadsBytesNameAndGuessesType) {
    test::TempDir dir;
    std::string bytes("%PDF\0\xff", 6);
    test::writeFile(dir.file("Отчёт.PDF"), bytes);
    Attachment a = Attachment::fromFile(dir.file("Отчёт.PDF"));
    BOOST_TEST(a.fileName == "Отчёт.PDF");
    BOOST_TEST(a.contentType == "application/pdf");
    BOOST_TEST(a.content == bytes);
    BOOST_TEST(Attachment::fromFile(dir.file("Отчёт.PDF"), "application/x-custom").contentType == "application/x-custom");
}

BOOST_AUTO_TEST_CASE(fromFileNamesThePathWhenItCannotRead) {
    test::TempDir dir;
    try {
        Attachment::fromFile(dir.file("missing.bin"));
        BOOST_FAIL("no exception");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find(dir.file("missing.bin")) != std::string::npos);
    }
    BOOST_CHECK_THROW(Attachment::fromFile(dir.path()), std::runtime_error);
    BOOST_CHECK_THROW(LinkedResource::fromFile(dir.file("missing.png"), "x@y"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(fromStreamAndBytesKeepEveryByte) {
    std::string bytes;
    for (int i = 0; i < 200000; ++i) bytes += static_cast<char>(i % 251);
    std::istringstream in(bytes);
    Attachment s = Attachment::fromStream("big.zip", in);
    BOOST_TEST(s.content == bytes);
    BOOST_TEST(s.contentType == "application/zip");
    BOOST_TEST(Attachment::fromBytes("x.unknownext", "y").contentType == "application/octet-stream");
    BOOST_TEST(Attachment::fromBytes("noext", "y").contentType == "application/octet-stream");
}

BOOST_AUTO_TEST_CASE(anEmlThatIsNotAMessageIsAttachedAsBytes) {
    // message/rfc822 would have its line ends rewritten and be parsed as mail by readers.
    BOOST_TEST(Attachment::fromBytes("saved.eml", "From: a@b.example\r\n\r\nhi\r\n").contentType == "message/rfc822");
    BOOST_TEST(Attachment::fromBytes("notes.eml", "just some notes\nwith LF\n").contentType ==
               "application/octet-stream");
    BOOST_TEST(Attachment::fromBytes("empty.eml", "").contentType == "application/octet-stream");
    BOOST_TEST(Attachment::fromBytes("notes.eml", "x", "message/rfc822").contentType == "message/rfc822"); // as asked
}

BOOST_AUTO_TEST_CASE(linkedResourceFromFile) {
    test::TempDir dir;
    test::writeFile(dir.file("logo.png"), "\x89PNG");
    LinkedResource r = LinkedResource::fromFile(dir.file("logo.png"), "logo@x");
    BOOST_TEST(r.contentId == "logo@x");
    BOOST_TEST(r.contentType == "image/png");
    BOOST_TEST(r.fileName == "logo.png");
    BOOST_TEST(r.content == "\x89PNG");
}

BOOST_AUTO_TEST_CASE(transferEncodingNames) {
    BOOST_TEST(toString(TransferEncoding::QuotedPrintable) == "quoted-printable");
    BOOST_TEST(toString(TransferEncoding::Base64) == "base64");
    BOOST_TEST(toString(TransferEncoding::SevenBit) == "7bit");
    BOOST_TEST(toString(TransferEncoding::EightBit) == "8bit");
    BOOST_TEST(toString(TransferEncoding::Auto) == "auto");
}

BOOST_AUTO_TEST_SUITE_END()
