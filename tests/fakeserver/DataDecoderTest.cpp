#include <boost/test/unit_test.hpp>

#include "smtp/DataDecoder.h"

#include <algorithm>
#include <string>
#include <vector>

using mailrig::fake::detail::ContentFacts;
using mailrig::fake::detail::ContentScanner;
using mailrig::fake::detail::scanContent;
using mailrig::fake::MessageFlags;

namespace {
std::string unstuffed(const std::string& raw, ContentFacts* facts = nullptr, std::size_t limit = 1000) {
    std::string out;
    ContentFacts f = scanContent(raw, true, limit, &out);
    if (facts) *facts = f;
    return out;
}

/// What a session does: each block is appended to what the scanner left, which is fed again.
struct Received {
    std::string out;
    ContentFacts facts;
    bool done = false;
    std::size_t taken = 0;   ///< raw bytes taken, terminator included
    std::string left;        ///< bytes after the terminator (or not yet taken)
};

Received receiveInBlocks(const std::string& raw, const std::vector<std::size_t>& cuts) {
    Received r;
    ContentScanner scanner(true, 1000, &r.out);
    std::size_t from = 0;
    std::vector<std::size_t> ends = cuts;
    ends.push_back(raw.size());
    for (std::size_t cut : ends) {
        r.left += raw.substr(from, cut - from);
        from = cut;
        const std::size_t n = scanner.feed(r.left);
        r.taken += n;
        r.left.erase(0, n);
        if (scanner.done()) {
            r.left += raw.substr(from);
            break;
        }
    }
    r.done = scanner.done();
    r.facts = scanner.facts();
    return r;
}
/// The rules written the plain way, byte by byte: the oracle for the scanner.
Received reference(const std::string& raw) {
    Received r;
    MessageFlags& f = r.facts.flags;
    bool afterCrlf = true;
    std::size_t pos = 0;
    while (pos < raw.size()) {
        const std::size_t nl = raw.find('\n', pos);
        if (nl == std::string::npos) break; // never taken: the caller always ends with a terminator
        const std::string line = raw.substr(pos, nl + 1 - pos);
        const bool crlf = line.size() >= 2 && line[line.size() - 2] == '\r';
        if (line == ".\r\n" && afterCrlf) {
            r.done = true;
            r.taken = nl + 1;
            r.left = raw.substr(nl + 1);
            break;
        }
        std::string kept = line;
        if (line[0] == '.' && line.size() >= 2 && (line[1] == '\r' || line[1] == '\n')) f.smuggling = true;
        else if (line[0] == '.' && afterCrlf) kept = line.substr(1);
        for (std::size_t i = 0; i + 1 < line.size(); ++i)
            if (line[i] == '\r' && line[i + 1] != '\n') {
                f.bareCr = true;
                if (i + 2 < line.size() && line[i + 1] == '.' && (line[i + 2] == '\r' || line[i + 2] == '\n'))
                    f.smuggling = true;
            }
        if (!crlf) f.bareLf = true;
        for (char c : line) {
            if (c == '\0') f.nulBytes = true;
            if (static_cast<unsigned char>(c) & 0x80) r.facts.eightBit = true;
        }
        f.longestLine = std::max(f.longestLine, line.size());
        r.out += kept;
        afterCrlf = crlf;
        pos = nl + 1;
    }
    return r;
}
} // namespace

BOOST_AUTO_TEST_SUITE(DataDecoder)

BOOST_AUTO_TEST_CASE(agreesWithThePlainRulesOnRandomContentCutAnywhere) {
    const std::vector<std::string> pieces{"a", "xyz", ".", "..", "\r", "\n", "\r\n", "\r\n.", std::string(1, '\0'),
                                          "\xc3\xa9", std::string(70, 'L'), std::string(15, 'm'), "\r.\r", "\n.\n"};
    unsigned seed = 12345;
    auto next = [&](unsigned bound) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 8) % bound;
    };
    for (int round = 0; round < 3000; ++round) {
        std::string raw;
        const unsigned count = next(60);
        for (unsigned k = 0; k < count; ++k) raw += pieces[next(static_cast<unsigned>(pieces.size()))];
        raw += "\r\n.\r\nQU\rIT\r\n"; // a bare CR after the end is not the message's
        const Received expected = reference(raw);
        BOOST_REQUIRE(expected.done);
        std::vector<std::size_t> cuts;
        for (unsigned c = next(4); c > 0; --c) cuts.push_back(next(static_cast<unsigned>(raw.size())));
        std::sort(cuts.begin(), cuts.end());
        const Received got = receiveInBlocks(raw, cuts);
        BOOST_REQUIRE_MESSAGE(got.done, "round " << round);
        BOOST_TEST(got.out == expected.out, "round " << round);
        BOOST_TEST(got.taken == expected.taken, "round " << round);
        BOOST_TEST(got.left == expected.left, "round " << round);
        BOOST_TEST(got.facts.flags.smuggling == expected.facts.flags.smuggling, "round " << round);
        BOOST_TEST(got.facts.flags.bareCr == expected.facts.flags.bareCr, "round " << round);
        BOOST_TEST(got.facts.flags.bareLf == expected.facts.flags.bareLf, "round " << round);
        BOOST_TEST(got.facts.flags.nulBytes == expected.facts.flags.nulBytes, "round " << round);
        BOOST_TEST(got.facts.eightBit == expected.facts.eightBit, "round " << round);
        BOOST_TEST(got.facts.flags.longestLine == expected.facts.flags.longestLine, "round " << round);
    }
}

BOOST_AUTO_TEST_CASE(stopsAtTheTerminatorAndLeavesPipelinedBytes) {
    const Received r = receiveInBlocks("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n", {});
    BOOST_TEST(r.done);
    BOOST_TEST(r.out == "Subject: x\r\n\r\nbody\r\n");
    BOOST_TEST(r.left == "QUIT\r\n");
}

BOOST_AUTO_TEST_CASE(leadingDotLineIsAnEmptyMessage) {
    const Received r = receiveInBlocks(".\r\nQUIT\r\n", {});
    BOOST_TEST(r.done);
    BOOST_TEST(r.out.empty());
    BOOST_TEST(r.taken == 3u);
}

BOOST_AUTO_TEST_CASE(waitsForTheRestOfALineAndNeverTakesAPartialTerminator) {
    const std::string raw = "line one\r\n..two\r\n.\r\n";
    for (std::size_t split = 1; split < raw.size(); ++split) {
        ContentScanner scanner(true, 1000, nullptr);
        BOOST_TEST(!(scanner.feed(raw.substr(0, split)), scanner.done()), "split " << split);
        const Received r = receiveInBlocks(raw, {split});
        BOOST_TEST(r.done, "split " << split);
        BOOST_TEST(r.out == "line one\r\n.two\r\n", "split " << split);
        BOOST_TEST(r.taken == raw.size(), "split " << split);
    }
}

BOOST_AUTO_TEST_CASE(blockBoundariesChangeNothing) {
    const std::string raw = "a\r\n..b\r\nc\r.\rd\r\nx\n.\ny\r\n\xc3\xa9\r\n" + std::string("n\0l\r\n", 5) +
                            ".\r\nQUIT\r\n";
    const Received whole = receiveInBlocks(raw, {});
    BOOST_TEST(whole.done);
    BOOST_TEST(whole.facts.flags.smuggling);
    BOOST_TEST(whole.facts.flags.bareCr);
    BOOST_TEST(whole.facts.flags.bareLf);
    BOOST_TEST(whole.facts.flags.nulBytes);
    BOOST_TEST(whole.facts.eightBit);
    for (std::size_t a = 1; a < raw.size(); ++a)
        for (std::size_t b = a; b < raw.size(); b += 3) {
            const Received r = receiveInBlocks(raw, {a, b});
            BOOST_TEST(r.out == whole.out, "cuts " << a << "," << b);
            BOOST_TEST(r.left == whole.left, "cuts " << a << "," << b);
            BOOST_TEST(r.facts.flags.smuggling == whole.facts.flags.smuggling);
            BOOST_TEST(r.facts.flags.bareCr == whole.facts.flags.bareCr);
            BOOST_TEST(r.facts.flags.bareLf == whole.facts.flags.bareLf);
            BOOST_TEST(r.facts.flags.nulBytes == whole.facts.flags.nulBytes);
            BOOST_TEST(r.facts.eightBit == whole.facts.eightBit);
            BOOST_TEST(r.facts.flags.longestLine == whole.facts.flags.longestLine);
        }
}

BOOST_AUTO_TEST_CASE(aLongLineWithoutItsEndIsTakenAsItArrives) {
    std::string out;
    ContentScanner scanner(true, 1000, &out);
    const std::string half(20 * 1024, 'x');
    const std::size_t taken = scanner.feed(half);
    BOOST_TEST(taken == half.size() - 2); // the last two bytes wait: they may start a CRLF
    std::string rest = half.substr(taken) + half + "\r.\rz\r\n.\r\n";
    BOOST_TEST(scanner.feed(rest) == rest.size());
    BOOST_TEST(scanner.done());
    BOOST_TEST(out.size() == 2 * half.size() + 6);
    BOOST_TEST(scanner.facts().flags.longestLine == 2 * half.size() + 6);
    BOOST_TEST(scanner.facts().flags.overlongLines);
    BOOST_TEST(scanner.facts().flags.smuggling); // `\r.\r` inside the long line
}

BOOST_AUTO_TEST_CASE(smugglingCrDotCrAtAPieceBoundaryOfALongLineIsFound) {
    for (std::size_t tail = 0; tail < 4; ++tail) {
        std::string out;
        ContentScanner scanner(true, 0, &out);
        std::string pending = std::string(10 * 1024, 'x') + std::string("\r.\r").substr(0, tail);
        pending.erase(0, scanner.feed(pending));
        pending += std::string("\r.\r").substr(tail) + "\r\n.\r\n";
        BOOST_TEST(scanner.feed(pending) == pending.size(), "tail " << tail);
        BOOST_TEST(scanner.done(), "tail " << tail);
        BOOST_TEST(scanner.facts().flags.smuggling, "tail " << tail);
    }
}

BOOST_AUTO_TEST_CASE(removesOneLeadingDotPerLine) {
    ContentFacts facts;
    BOOST_TEST(unstuffed("..hidden\r\n...two\r\nplain.\r\n", &facts) == ".hidden\r\n..two\r\nplain.\r\n");
    BOOST_TEST(!facts.flags.smuggling);
    BOOST_TEST(!facts.flags.bareLf);
    BOOST_TEST(!facts.flags.bareCr);
}

BOOST_AUTO_TEST_CASE(flagsEverySmugglingSequence) {
    const char* const cases[] = {"a\r\nx\n.\nMAIL FROM:<e@x>\r\n", "a\r.\rMAIL FROM:<e@x>\r\n",
                                 "a\n.\r\nMAIL FROM:<e@x>\r\n", "a\r\n.\nMAIL FROM:<e@x>\r\n",
                                 "a\r\n.\rMAIL\r\n"};
    for (const char* raw : cases) {
        ContentFacts facts;
        unstuffed(raw, &facts);
        BOOST_TEST(facts.flags.smuggling, "not flagged: " << raw);
    }
}

BOOST_AUTO_TEST_CASE(keepsSmugglingLinesVerbatim) {
    BOOST_TEST(unstuffed("a\r\n.\nb\r\n") == "a\r\n.\nb\r\n");
}

BOOST_AUTO_TEST_CASE(flagsBareLfAndBareCrSeparately) {
    ContentFacts lf;
    unstuffed("a\nb\r\n", &lf);
    BOOST_TEST(lf.flags.bareLf);
    BOOST_TEST(!lf.flags.bareCr);
    ContentFacts cr;
    unstuffed("a\rb\r\n", &cr);
    BOOST_TEST(cr.flags.bareCr);
    BOOST_TEST(!cr.flags.bareLf);
    BOOST_TEST(!cr.flags.smuggling);
}

BOOST_AUTO_TEST_CASE(reportsLongestLineAndOverlongLines) {
    std::string longLine(999, 'x');
    ContentFacts ok;
    unstuffed("short\r\n" + std::string(998, 'y') + "\r\n", &ok);
    BOOST_TEST(ok.flags.longestLine == 1000u);
    BOOST_TEST(!ok.flags.overlongLines);
    ContentFacts over;
    unstuffed(longLine + "\r\n", &over);
    BOOST_TEST(over.flags.longestLine == 1001u);
    BOOST_TEST(over.flags.overlongLines);
}

BOOST_AUTO_TEST_CASE(detectsEightBitAndNul) {
    ContentFacts high;
    unstuffed("caf\xc3\xa9\r\n", &high);
    BOOST_TEST(high.eightBit);
    ContentFacts ascii;
    unstuffed("plain ascii text that is longer than eight bytes\r\n", &ascii);
    BOOST_TEST(!ascii.eightBit);
    ContentFacts nul;
    unstuffed(std::string("a\0b\r\n", 5), &nul);
    BOOST_TEST(nul.flags.nulBytes);
}

BOOST_AUTO_TEST_CASE(binaryContentIsNotUnstuffedOrSmugglingChecked) {
    std::string out;
    ContentFacts facts = scanContent(".\r\n..x\n", false, 1000, &out);
    BOOST_TEST(out == ".\r\n..x\n");
    BOOST_TEST(!facts.flags.smuggling);
    BOOST_TEST(facts.flags.bareLf);
}

BOOST_AUTO_TEST_SUITE_END()
