#include <boost/test/unit_test.hpp>

#include "smtp/HeaderFilter.h"
#include "smtp/MessageSource.h"

using namespace mailrig::detail;

BOOST_AUTO_TEST_SUITE(SmtpHeaderFilterTest)

BOOST_AUTO_TEST_CASE(dropsBccResentBccAndReturnPathWithContinuations) {
    const std::string in = "Return-Path: <old@x>\r\nFrom: a@x\r\nBcc: hidden@x,\r\n\tother@x\r\n"
                           "To: b@x\r\nRESENT-BCC : r@x\r\nSubject: Bcc: in subject\r\n\r\n";
    BOOST_TEST(needsFiltering(in));
    BOOST_TEST(filterHeaderBlock(in) == "From: a@x\r\nTo: b@x\r\nSubject: Bcc: in subject\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(keepsSimilarlyNamedFields) {
    const std::string in = "X-Bcc: a\nBccx: b\nResent-To: c\n\n";
    BOOST_TEST(!needsFiltering(in));
    BOOST_TEST(filterHeaderBlock(in) == in);
}

BOOST_AUTO_TEST_CASE(dropsMboxSeparatorLine) {
    BOOST_TEST(filterHeaderBlock("From a@x Mon Jan  1 00:00:00 2024\nFrom: a@x\n\n") == "From: a@x\n\n");
}

BOOST_AUTO_TEST_CASE(rewriteKeepsBodyBytesExactly) {
    const std::string body = "Bcc: not a header here\r\n.\r\n\xff";
    const std::string msg = "From: a@x\r\nBcc: b@x\r\n\r\n" + body;
    BOOST_TEST(rewriteMessage(msg, {}) == "From: a@x\r\n\r\n" + body);
    const std::string clean = "From: a@x\r\n\r\nbody";
    BOOST_TEST(rewriteMessage(clean, {}) == clean);
}

BOOST_AUTO_TEST_CASE(resentBlockHasTheFourFieldsAndNoBcc) {
    const std::string block = resentBlock("fwd@example.org", {"a@example.org", "b@example.org"},
                                          std::chrono::system_clock::from_time_t(0));
    BOOST_TEST(block.find("Resent-Date: Thu, 1 Jan 1970 00:00:00 +0000\r\n") == 0u);
    BOOST_TEST(block.find("Resent-From: <fwd@example.org>\r\n") != std::string::npos);
    BOOST_TEST(block.find("Resent-To: <a@example.org>, <b@example.org>\r\n") != std::string::npos);
    BOOST_TEST(block.find("@example.org>\r\n", block.find("Resent-Message-ID: <")) != std::string::npos);
    BOOST_TEST(block.find("Bcc") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(resentBlockRefusesTheNullSender) {
    BOOST_CHECK_THROW(resentBlock("", {"a@example.org"}, std::chrono::system_clock::from_time_t(0)),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(headerBlockLengthFindsFirstEmptyLine) {
    BOOST_TEST(headerBlockLength("A: b\r\n\r\nbody") == 8u);
    BOOST_TEST(headerBlockLength("A: b\n\nbody") == 6u);
    BOOST_TEST(headerBlockLength("A: b\r\n") == 6u);
    BOOST_TEST(headerBlockLength("\r\nbody") == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
