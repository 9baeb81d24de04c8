// Showing text from outside: control characters become \xHH, everything else stays.
#include "mailrig/fakeserver/PrintableText.h"

#include <boost/test/unit_test.hpp>

#include <string>

using mailrig::fake::printableText;

BOOST_AUTO_TEST_SUITE(PrintableTextTest)

BOOST_AUTO_TEST_CASE(controlCharactersAreShownAsHexAndTheRestIsKept) {
    BOOST_TEST(printableText(std::string("a\0b", 3)) == "a\\x00b");
    BOOST_TEST(printableText("\x1b[31mred\x07\r\x7f") == "\\x1B[31mred\\x07\\x0D\\x7F");
    BOOST_TEST(printableText("line\n\ttab") == "line\n\ttab");
    BOOST_TEST(printableText("Gr\xc3\xbc\xc3\x9f" "e") == "Gr\xc3\xbc\xc3\x9f" "e");
    BOOST_TEST(printableText("").empty());
}

BOOST_AUTO_TEST_SUITE_END()
