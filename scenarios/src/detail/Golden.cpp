#include "detail/Golden.h"

#include <algorithm>
#include <regex>
#include <sstream>
#include <vector>

namespace mailrig::scenario::detail {

namespace {

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::string line;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        if (c == '\n') {
            lines.push_back(line);
            line.clear();
        } else {
            line += c;
        }
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

/// Every `boundary=` value in order of first appearance.
std::vector<std::string> boundariesOf(const std::string& text) {
    static const std::regex boundary(R"re(boundary\s*=\s*(?:"([^"]+)"|([^\s;]+)))re", std::regex::icase);
    std::vector<std::string> found;
    for (std::sregex_iterator it(text.begin(), text.end(), boundary), end; it != end; ++it) {
        std::string value = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
        if (std::find(found.begin(), found.end(), value) == found.end()) found.push_back(value);
    }
    return found;
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

} // namespace

std::string normaliseForGolden(const std::string& raw) {
    // Unfold header continuation lines first so a folded Date or Message-ID is one line.
    std::vector<std::string> lines;
    bool inHeader = true;
    for (const auto& line : splitLines(raw)) {
        if (inHeader && line.empty()) inHeader = false;
        if (inHeader && !lines.empty() && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            lines.back() += line;
            continue;
        }
        lines.push_back(line);
    }
    static const std::vector<std::pair<std::regex, std::string>> volatileValues = {
        {std::regex(R"(^(Date|Resent-Date):.*$)", std::regex::icase), "$1: <date>"},
        {std::regex(R"(^(Message-ID|Resent-Message-ID|Content-ID):\s*<[^@>]*@)", std::regex::icase), "$1: <id@"},
        {std::regex(R"(^X-MS-TNEF-Correlator:.*$)", std::regex::icase), "X-MS-TNEF-Correlator: <correlator>"},
        {std::regex(R"(^(UID|DTSTAMP):.*$)"), "$1:<generated>"},
    };
    std::string text;
    for (auto& line : lines) {
        for (const auto& [pattern, replacement] : volatileValues) line = std::regex_replace(line, pattern, replacement);
        text += line + "\r\n";
    }
    const auto boundaries = boundariesOf(text);
    for (std::size_t i = 0; i < boundaries.size(); ++i) replaceAll(text, boundaries[i], "BOUNDARY-" + std::to_string(i + 1));
    return text;
}

void compareGolden(const std::string& goldenPath, const std::string& golden, const std::string& captured,
                   const MismatchSink& sink) {
    const auto expected = splitLines(normaliseForGolden(golden));
    const auto actual = splitLines(normaliseForGolden(captured));
    std::size_t first = 0;
    while (first < expected.size() && first < actual.size() && expected[first] == actual[first]) ++first;
    if (first == expected.size() && first == actual.size()) return;
    const std::size_t from = first >= 2 ? first - 2 : 0;
    auto excerpt = [&](const std::vector<std::string>& lines) {
        std::ostringstream out;
        for (std::size_t i = from; i < lines.size() && i < first + 4; ++i)
            out << (i == first ? "> " : "  ") << (i + 1) << ": " << lines[i] << "\n";
        if (first >= lines.size()) out << "> " << (first + 1) << ": (end of message)\n";
        return out.str();
    };
    sink.add("", "matches " + goldenPath + " (normalised), first difference at line " + std::to_string(first + 1) +
                     ":\n" + excerpt(expected),
             excerpt(actual));
}

} // namespace mailrig::scenario::detail
