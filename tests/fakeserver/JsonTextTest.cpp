// The spool's JSON writer: the exact layout (which spooled files keep byte for byte), string
// escaping and U+FFFD replacement, and the hand-formatted timestamps checked against Python's
// datetime for instants across the whole range of system_clock.
#include "spool/JsonText.h"
#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <sstream>

using namespace mailrig::fake::detail;
using mailrig::test::runPython;

namespace {

std::chrono::system_clock::time_point atMillis(std::int64_t millis) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds(millis)));
}

} // namespace

BOOST_AUTO_TEST_SUITE(JsonTextTest)

BOOST_AUTO_TEST_CASE(prettyPrintsWithTwoSpaceIndentAndCompactEmptyContainers) {
    std::string out = "kept before: ";
    JsonText json(out);
    json.beginObject()
        .key("a").value(std::uint64_t{18446744073709551615u})
        .key("b").beginArray().endArray()
        .key("c").beginObject().endObject()
        .key("d").beginArray().beginObject().key("x").value(true).endObject().null().value("s").endArray()
        .key("e").raw("\"raw\"")
        .endObject()
        .finish();
    BOOST_TEST(out == "kept before: {\n"
                      "  \"a\": 18446744073709551615,\n"
                      "  \"b\": [],\n"
                      "  \"c\": {},\n"
                      "  \"d\": [\n"
                      "    {\n"
                      "      \"x\": true\n"
                      "    },\n"
                      "    null,\n"
                      "    \"s\"\n"
                      "  ],\n"
                      "  \"e\": \"raw\"\n"
                      "}\n");
}

BOOST_AUTO_TEST_CASE(nestingBeyondTheLimitIsRefused) {
    std::string out;
    JsonText json(out);
    for (int depth = 0; depth < JsonText::kMaxDepth; ++depth) json.beginArray();
    BOOST_CHECK_THROW(json.beginArray(), std::logic_error);
    for (int depth = 0; depth < JsonText::kMaxDepth; ++depth) json.endArray();
    BOOST_TEST(std::count(out.begin(), out.end(), '[') == 64);
    BOOST_TEST(std::count(out.begin(), out.end(), ']') == 64);
}

BOOST_AUTO_TEST_CASE(escapesControlCharactersQuotesAndBackslashes) {
    BOOST_TEST(jsonQuote("") == "\"\"");
    BOOST_TEST(jsonQuote("plain text 123") == "\"plain text 123\"");
    BOOST_TEST(jsonQuote("a\"b\\c\nd\re\tf") == "\"a\\\"b\\\\c\\nd\\re\\tf\"");
    BOOST_TEST(jsonQuote(std::string("\x01\x1f\x7f", 3)) == "\"\\u0001\\u001f\\u007f\"");
    BOOST_TEST(jsonQuote(std::string("nul\0end", 7)) == "\"nul\\u0000end\"");
    BOOST_TEST(jsonQuote("/ and ' stay") == "\"/ and ' stay\"");
}

BOOST_AUTO_TEST_CASE(keepsValidUtf8AndReplacesEachBadByte) {
    BOOST_TEST(jsonQuote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7\"");
    BOOST_TEST(jsonQuote("a\xff" "b") == "\"a\\ufffdb\"");
    BOOST_TEST(jsonQuote("\xc0\xaf") == "\"\\ufffd\\ufffd\"");             // overlong '/'
    BOOST_TEST(jsonQuote("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\""); // a UTF-16 surrogate
    BOOST_TEST(jsonQuote("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); // above U+10FFFF
    BOOST_TEST(jsonQuote("end\xe2\x82") == "\"end\\ufffd\\ufffd\"");      // cut short
    BOOST_TEST(jsonQuote("\xe2\x82\"") == "\"\\ufffd\\ufffd\\\"\"");
}

BOOST_AUTO_TEST_CASE(quotedStringsParseBackWithPython) {
    // Every byte value, in runs, must give a JSON string Python reads back to the text with each
    // invalid byte as U+FFFD.
    std::string text;
    for (int byte = 0; byte < 256; ++byte) text += static_cast<char>(byte);
    text += "caf\xc3\xa9\xf0\x9f\x93\xa7";
    const std::string quoted = jsonQuote(text);
    auto r = runPython("import json,sys\n"
                       "s=json.loads(sys.stdin.read())\n"
                       "exp=''.join(chr(b) if b<0x80 else '\\ufffd' for b in range(256))+'caf\\u00e9\\U0001f4e7'\n"
                       "print(s==exp, len(s))\n",
                       {}, quoted, std::chrono::seconds(30));
    BOOST_TEST(r.out == "True 261\n", r.out << r.err);
}

BOOST_AUTO_TEST_CASE(timestampsMatchPythonAcrossTheClockRange) {
    std::vector<std::int64_t> millis{0,
                                     -1,
                                     -1000,
                                     -86400000,
                                     951782400000,   // 2000-02-29
                                     4107542399999,  // 2100-02-28T23:59:59.999
                                     -2203891200000, // 1900-03-01
                                     1798761599999,  // 2026-12-31T23:59:59.999
                                     9223372036853,  // near the 64-bit nanosecond clock's end (2262)
                                     -9223372036853}; // and its start (1677)
    std::mt19937_64 random(20261126);
    std::uniform_int_distribution<std::int64_t> anyMillis(-9223372036853, 9223372036853);
    for (int i = 0; i < 2000; ++i) millis.push_back(anyMillis(random));
    std::ostringstream input;
    std::string ours;
    for (std::int64_t m : millis) {
        input << m << "\n";
        ours += isoTime(atMillis(m)) + "\n";
    }
    auto r = runPython("import sys, datetime\n"
                       "e = datetime.datetime(1970, 1, 1)\n"
                       "for line in sys.stdin:\n"
                       "    t = e + datetime.timedelta(milliseconds=int(line))\n"
                       "    print(t.strftime('%Y-%m-%dT%H:%M:%S') + '.%03dZ' % (t.microsecond // 1000))\n",
                       {}, input.str(), std::chrono::seconds(30));
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_TEST(ours == r.out);
}

BOOST_AUTO_TEST_CASE(timeBeforeTheEpochRoundsItsMillisecondsTowardZero) {
    // -1.5 ms truncates to -1 ms: the last millisecond of 1969.
    const auto time = std::chrono::system_clock::time_point(std::chrono::microseconds(-1500));
    BOOST_TEST(isoTime(time) == "1969-12-31T23:59:59.999Z");
    std::string out;
    JsonText(out).value(atMillis(1767323045678));
    BOOST_TEST(out == "\"2026-01-02T03:04:05.678Z\"");
}

BOOST_AUTO_TEST_SUITE_END()
