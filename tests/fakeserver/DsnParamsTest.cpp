#include <boost/test/unit_test.hpp>

#include "smtp/DsnParams.h"

#include <string>

using namespace mailrig::fake::detail;

BOOST_AUTO_TEST_SUITE(DsnParams)

BOOST_AUTO_TEST_CASE(notifyIsNeverAloneOrAListOfTheThreeConditions) {
    BOOST_TEST(isNotify("NEVER"));
    BOOST_TEST(isNotify("SUCCESS"));
    BOOST_TEST(isNotify("DELAY,FAILURE,SUCCESS"));
    BOOST_TEST(!isNotify("NEVER,SUCCESS"));
    BOOST_TEST(!isNotify("SUCCESS,"));
    BOOST_TEST(!isNotify(""));
    BOOST_TEST(!isNotify("ALWAYS"));
}

BOOST_AUTO_TEST_CASE(orcptIsAnAddressTypeAndXtext) {
    BOOST_TEST(isOriginalRecipient("rfc822;bob@example.com", false));
    BOOST_TEST(isOriginalRecipient("RFC822;carol+2Bnews@example.com", false));
    BOOST_TEST(isOriginalRecipient("x-local;box17", false));
    BOOST_TEST(!isOriginalRecipient("bob@example.com", false));          // no type
    BOOST_TEST(!isOriginalRecipient(";bob@example.com", false));         // empty type
    BOOST_TEST(!isOriginalRecipient("rfc822;", false));                  // empty address
    BOOST_TEST(!isOriginalRecipient("rfc 822;bob@example.com", false));  // type is not an atom
    BOOST_TEST(!isOriginalRecipient("rfc822;a+2@example.com", false));   // broken +XX
    BOOST_TEST(!isOriginalRecipient("rfc822;j\xC3\xBCrgen@example.com", true)); // raw UTF-8 is not xtext
}

BOOST_AUTO_TEST_CASE(orcptIsAtMostFiveHundredCharacters) {
    const std::string prefix = "rfc822;";
    const std::string fits = prefix + std::string(500 - prefix.size() - 12, 'a') + "@example.com";
    BOOST_TEST(isOriginalRecipient(fits, false));
    BOOST_TEST(!isOriginalRecipient(fits + "m", false));
}

BOOST_AUTO_TEST_CASE(utf8OrcptTakesEmbeddedCodePointsSpelledAsRfc6533Says) {
    BOOST_TEST(isOriginalRecipient("utf-8;j\\x{FC}rgen@example.com", false));
    BOOST_TEST(isOriginalRecipient("UTF-8;zo\\x{EB}\\x{2B}\\x{65E5}\\x{672C}@example.com", false));
    BOOST_TEST(isOriginalRecipient("utf-8;a\\x{20}b\\x{5C}c\\x{3D}@x", false)); // specials as escapes
    BOOST_TEST(isOriginalRecipient("utf-8;\\x{1F600}\\x{10FFFF}@x", false));
    BOOST_TEST(!isOriginalRecipient("utf-8;a\\x{41}@x", false));     // A must be written as itself
    BOOST_TEST(!isOriginalRecipient("utf-8;a\\x{fc}@x", false));     // lower-case hex
    BOOST_TEST(!isOriginalRecipient("utf-8;a\\x{00FC}@x", false));   // leading zeros
    BOOST_TEST(!isOriginalRecipient("utf-8;a\\x{D800}@x", false));   // a surrogate
    BOOST_TEST(!isOriginalRecipient("utf-8;a\\x{110000}@x", false)); // beyond Unicode
    BOOST_TEST(!isOriginalRecipient("utf-8;a\\x{FC@x", false));      // unclosed
    BOOST_TEST(!isOriginalRecipient("utf-8;a\\u00FC@x", false));     // another escape
    BOOST_TEST(!isOriginalRecipient("utf-8;a+2Bb@x", false));        // xtext's + is not allowed here
    BOOST_TEST(!isOriginalRecipient("utf-8;a=b@x", false));
}

BOOST_AUTO_TEST_CASE(utf8OrcptHoldsRawUtf8OnlyInAnSmtputf8Transaction) {
    const std::string unitext = "utf-8;j\xC3\xBCrgen@example.com";
    BOOST_TEST(isOriginalRecipient(unitext, true));
    BOOST_TEST(!isOriginalRecipient(unitext, false));
    BOOST_TEST(!isOriginalRecipient("utf-8;j\xC3(rgen@example.com", true));     // broken sequence
    BOOST_TEST(!isOriginalRecipient("utf-8;j\xC0\xBCrgen@example.com", true));  // overlong
    BOOST_TEST(!isOriginalRecipient("utf-8;\xED\xA0\x80@example.com", true));   // encoded surrogate
}

BOOST_AUTO_TEST_SUITE_END()
