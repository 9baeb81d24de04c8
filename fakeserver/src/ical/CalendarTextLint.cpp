#include "ical/CalendarTextLint.h"

#include <cctype>

namespace mailrig::fake::detail {

namespace {

constexpr std::size_t maxLineOctets = 75; // RFC 5545 3.1

struct PhysicalLine {
    std::string text;       ///< without its line end
    std::string ending;     ///< "\r\n", "\n", "\r" or "" at the end of the text
};

std::vector<PhysicalLine> physicalLines(const std::string& text) {
    std::vector<PhysicalLine> lines;
    PhysicalLine current;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            current.ending = "\r\n";
            ++i;
        } else if (c == '\r' || c == '\n') {
            current.ending = std::string(1, c);
        } else {
            current.text += c;
            continue;
        }
        lines.push_back(current);
        current = PhysicalLine{};
    }
    if (!current.text.empty()) lines.push_back(current);
    return lines;
}

/// Collects the first offending line and the number of offending lines for one code.
struct Tally {
    std::size_t first = 0;
    std::size_t count = 0;
    void add(std::size_t line) {
        if (count++ == 0) first = line;
    }
};

std::string lines(std::size_t n) { return std::to_string(n) + (n == 1 ? " line" : " lines"); }

} // namespace

std::vector<CalendarFinding> lintCalendarText(const std::string& text) {
    Tally bareEnding, tooLong, splitFold;
    std::string firstBareKind;
    std::size_t longest = 0;
    const std::vector<PhysicalLine> all = physicalLines(text);
    for (std::size_t i = 0; i < all.size(); ++i) {
        const PhysicalLine& line = all[i];
        const std::size_t number = i + 1;
        if (line.ending == "\n" || line.ending == "\r") {
            if (bareEnding.count == 0) firstBareKind = line.ending == "\n" ? "a bare LF" : "a bare CR";
            bareEnding.add(number);
        }
        if (line.text.size() > maxLineOctets) {
            tooLong.add(number);
            longest = std::max(longest, line.text.size());
        }
        const bool continuation = !line.text.empty() && (line.text[0] == ' ' || line.text[0] == '\t');
        if (continuation && line.text.size() > 1 && (static_cast<unsigned char>(line.text[1]) & 0xC0) == 0x80)
            splitFold.add(number);
    }
    std::vector<CalendarFinding> findings;
    if (bareEnding.count)
        findings.push_back({"ical-line-ending",
                            "line " + std::to_string(bareEnding.first) + " ends with " + firstBareKind +
                                " instead of CRLF (" + lines(bareEnding.count) + " in all)",
                            bareEnding.first});
    if (tooLong.count)
        findings.push_back({"ical-line-too-long",
                            "line " + std::to_string(tooLong.first) + " is longer than 75 octets (" +
                                lines(tooLong.count) + " in all, the longest " + std::to_string(longest) +
                                " octets): fold with CRLF and a space",
                            tooLong.first});
    if (splitFold.count)
        findings.push_back({"ical-fold-splits-utf8",
                            "line " + std::to_string(splitFold.first) +
                                " continues a folded line inside a UTF-8 character (" + lines(splitFold.count) +
                                " in all)",
                            splitFold.first});
    return findings;
}

std::size_t findContentLine(const std::string& text, const std::string& name, std::size_t fromLine) {
    const std::vector<PhysicalLine> all = physicalLines(text);
    for (std::size_t i = fromLine == 0 ? 0 : fromLine - 1; i < all.size(); ++i) {
        const std::string& line = all[i].text;
        if (line.size() <= name.size()) continue;
        const char after = line[name.size()];
        if (after != ':' && after != ';') continue;
        bool same = true;
        for (std::size_t k = 0; k < name.size() && same; ++k)
            same = std::toupper(static_cast<unsigned char>(line[k])) == std::toupper(static_cast<unsigned char>(name[k]));
        if (same) return i + 1;
    }
    return 0;
}

} // namespace mailrig::fake::detail
