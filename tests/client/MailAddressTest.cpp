#include "mailrig/client/MailAddress.h"

#include <boost/test/unit_test.hpp>

#include <sstream>

using mailrig::MailAddress;

BOOST_AUTO_TEST_SUITE(MailAddressParsing)

BOOST_AUTO_TEST_CASE(parsesTheUsualForms) {
    BOOST_TEST(MailAddress::parse("a@example.org") == MailAddress("a@example.org"));
    BOOST_TEST(MailAddress::parse("<a@example.org>") == MailAddress("a@example.org"));
    BOOST_TEST(MailAddress::parse("Alice <a@example.org>") == MailAddress("a@example.org", "Alice"));
    BOOST_TEST(MailAddress::parse("\"Doe, John\" <j@example.org>") == MailAddress("j@example.org", "Doe, John"));
    BOOST_TEST(MailAddress::parse("Zoë <z@example.org>") == MailAddress("z@example.org", "Zoë"));
    BOOST_TEST(MailAddress::parse("=?UTF-8?B?0JDQu9C40YHQsA==?= <a@example.org>") ==
               MailAddress("a@example.org", "Алиса"));
}

BOOST_AUTO_TEST_CASE(parsesLists) {
    auto list = MailAddress::parseList("Alice <a@example.org>, \"B, C\" <b@example.org>, c@example.org");
    BOOST_REQUIRE_EQUAL(list.size(), 3u);
    BOOST_TEST(list[1] == MailAddress("b@example.org", "B, C"));
    BOOST_TEST(list[2] == MailAddress("c@example.org"));
    auto group = MailAddress::parseList("Team: x@example.org, y@example.org;");
    BOOST_TEST(group.size() == 2u);
}

BOOST_AUTO_TEST_CASE(rejectsTextWithoutAddress) {
    for (const char* bad : {"", "   ", "just words", "Name <>", "no-at-sign"})
        BOOST_CHECK_THROW(MailAddress::parse(bad), std::invalid_argument);
    BOOST_CHECK_THROW(MailAddress::parse("a@example.org, b@example.org"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(refusesWhatTheAddressWouldNotReadBackAs) {
    // The list parser is lenient: each of these would otherwise quietly become an address.
    for (const char* bad : {"c@d.example>", "<c@d.example", "C <c@d.example>>", "c@d.example x",
                            "A <a@b.example> trailing", "<a@b.example> <c@d.example>"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_CHECK_EXCEPTION(MailAddress::parse(bad), std::invalid_argument, [&](const std::invalid_argument& e) {
                return std::string(e.what()).find(bad) != std::string::npos;
            });
        }
    }
    BOOST_TEST(MailAddress::parse(" e@f.example ") == MailAddress("e@f.example"));
    BOOST_TEST(MailAddress::parse("\"a > b\" <a@b.example>") == MailAddress("a@b.example", "a > b"));
}

BOOST_AUTO_TEST_CASE(printsForPeople) {
    BOOST_TEST(MailAddress("a@example.org").toString() == "a@example.org");
    BOOST_TEST(MailAddress("a@example.org", "Alice").toString() == "Alice <a@example.org>");
    BOOST_TEST(MailAddress("a@example.org", "Doe, \"J\"").toString() == "\"Doe, \\\"J\\\"\" <a@example.org>");
    std::ostringstream out;
    out << MailAddress("a@example.org", "Alice");
    BOOST_TEST(out.str() == "Alice <a@example.org>");
    BOOST_TEST(MailAddress("a@example.org", "Zoë").isInternational());
    BOOST_TEST(!MailAddress("a@example.org", "Zoe").isInternational());
}

BOOST_AUTO_TEST_SUITE_END()
