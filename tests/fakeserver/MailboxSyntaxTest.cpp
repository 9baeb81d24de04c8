#include <boost/test/unit_test.hpp>

#include "smtp/MailboxSyntax.h"

#include <string>
#include <vector>

using mailrig::fake::detail::mailboxSyntaxError;
using mailrig::fake::detail::sourceRouteSyntaxError;

BOOST_AUTO_TEST_SUITE(MailboxSyntaxTest)

BOOST_AUTO_TEST_CASE(rfc5321MailboxesAreAccepted) {
    const std::vector<std::string> valid = {
        "a@b",
        "first.last+tag@sub.example.org",
        "!#$%&'*+-/=?^_`{|}~@example.org",
        "\"quoted local\"@example.org",
        "\"with \\\"escaped\\\" quote\"@example.org",
        "\"a@b\"@example.org",
        "user@[192.0.2.1]",
        "user@[IPv6:2001:db8::1]",
        "j\xC3\xBCrgen@m\xC3\xBCller.example", // RFC 6531: UTF-8 local part and domain
        "x@a-b.example",
    };
    for (const auto& mailbox : valid) BOOST_TEST(mailboxSyntaxError(mailbox, false).empty(), mailbox);
    BOOST_TEST(mailboxSyntaxError("Postmaster", true).empty());
    BOOST_TEST(mailboxSyntaxError("POSTMASTER", true).empty());
}

BOOST_AUTO_TEST_CASE(malformedMailboxesAreRefusedWithTheReason) {
    const std::vector<std::pair<std::string, std::string>> invalid = {
        {"user", "no `@domain`"},
        {"Postmaster", "no `@domain`"}, // only a recipient may be Postmaster alone
        {"a@@b", "character `@` in an unquoted local part"},
        {"a..b@c", "empty atom in the local part (a leading, trailing or double dot)"},
        {".a@b", "empty atom in the local part (a leading, trailing or double dot)"},
        {"a.@b", "empty atom in the local part (a leading, trailing or double dot)"},
        {"@b", "empty local part"},
        {"a@", "empty domain"},
        {"a@b..c", "empty label in the domain"},
        {"a@-b.c", "a domain label starts or ends with `-`"},
        {"a@b_c.d", "character `_` in the domain"},
        {"a(b)@c", "character `(` in an unquoted local part"},
        {"\"open@b", "no `@domain`"},
        {"a@[192.0.2.1", "unterminated address literal"},
        {"\xff\xfe@x", "bytes that are not UTF-8"},
        {"a\xC0\xAF@x", "bytes that are not UTF-8"}, // an overlong form
    };
    for (const auto& [mailbox, reason] : invalid) BOOST_TEST(mailboxSyntaxError(mailbox, false) == reason, mailbox);
}

BOOST_AUTO_TEST_CASE(sourceRoutesAreCheckedHopByHop) {
    BOOST_TEST(sourceRouteSyntaxError("@a.example").empty());
    BOOST_TEST(sourceRouteSyntaxError("@a.example,@b.example").empty());
    BOOST_TEST(sourceRouteSyntaxError("@a,b") == "source route hop `b` is not @domain");
    BOOST_TEST(sourceRouteSyntaxError("@") == "source route hop `@` is not @domain");
    BOOST_TEST(sourceRouteSyntaxError("@a..b") == "source route: empty label in the domain");
}

BOOST_AUTO_TEST_SUITE_END()
