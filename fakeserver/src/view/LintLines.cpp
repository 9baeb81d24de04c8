// Lint checks that read the raw bytes line by line.
#include "view/LintChecks.h"

#include <algorithm>

namespace mailrig::fake::detail {

namespace {

constexpr std::size_t maxLineOctets = 998; // RFC 5322 §2.1.1, without the CRLF

struct Line {
    std::size_t number;     // 1-based
    std::string_view text;  // without the terminator
    std::string_view ending; // "\r\n", "\n" or "" at the end of input
};

// Splits at LF; a CR directly before the LF belongs to the ending.
template <typename Visit>
void forEachLine(const std::string& raw, Visit visit) {
    std::size_t start = 0, number = 1;
    const std::string_view all(raw);
    while (start < raw.size()) {
        const std::size_t lf = raw.find('\n', start);
        if (lf == std::string::npos) {
            visit(Line{number, all.substr(start), {}});
            return;
        }
        const bool crlf = lf > start && raw[lf - 1] == '\r';
        const std::size_t end = crlf ? lf - 1 : lf;
        visit(Line{number, all.substr(start, end - start), all.substr(end, lf + 1 - end)});
        start = lf + 1;
        ++number;
    }
}

bool isBlank(std::string_view s) { return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; }); }

} // namespace

void checkSmuggling(const std::string& raw, FindingSink& sink);

bool looksLikeHeaderField(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && line[i] != ':' && static_cast<unsigned char>(line[i]) > 32 &&
           static_cast<unsigned char>(line[i]) < 127)
        ++i;
    if (i == 0) return false;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    return i < line.size() && line[i] == ':';
}

void checkLines(const std::string& raw, FindingSink& sink) {
    checkSmuggling(raw, sink);
    bool inHeader = true;
    forEachLine(raw, [&](const Line& line) {
        const std::string_view text = line.text;
        if (line.ending == "\n") sink.atLine("bare-lf", line.number, "line ends with a bare LF instead of CRLF");
        if (text.find('\r') != std::string_view::npos)
            sink.atLine("bare-cr", line.number, "line holds a CR that is not followed by LF");
        if (text.find('\0') != std::string_view::npos) sink.atLine("nul-byte", line.number, "line holds a NUL octet");
        if (text.size() > maxLineOctets)
            sink.atLine("line-too-long", line.number,
                        "line is " + std::to_string(text.size()) + " octets, over the 998 allowed");

        if (inHeader) {
            if (text.empty()) {
                inHeader = false;
            } else if (text[0] != ' ' && text[0] != '\t' && !looksLikeHeaderField(text)) {
                sink.atLine("invalid-header-line", line.number,
                            "header line is neither a field nor a continuation (no blank line before the body?)");
            }
        }
    });
}

void checkSmuggling(const std::string& raw, FindingSink& sink) {
    // A '.' between two line breaks where either break is not a proper CRLF: "\n.\n",
    // "\r\n.\n", "\n.\r\n", "\r.\r", ... (CVE-2023-51764/51765/51766).
    std::size_t line = 1;
    std::size_t lastReported = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\n') ++line;
        if (raw[i] != '.' || i == 0 || i + 1 >= raw.size()) continue;
        const char before = raw[i - 1], after = raw[i + 1];
        if ((before != '\r' && before != '\n') || (after != '\r' && after != '\n')) continue;
        const bool properBefore = before == '\n' && i >= 2 && raw[i - 2] == '\r';
        const bool properAfter = after == '\r' && i + 2 < raw.size() && raw[i + 2] == '\n';
        if ((properBefore && properAfter) || line == lastReported) continue;
        lastReported = line;
        sink.atLine("smuggling-sequence", line,
                    "a '.' between line breaks that are not both CRLF could end SMTP DATA early (SMTP smuggling)");
    }
}

std::vector<DelimiterCandidate> delimiterCandidates(const std::string& raw) {
    std::vector<DelimiterCandidate> out;
    bool wantNext = false;
    forEachLine(raw, [&](const Line& line) {
        if (wantNext) {
            out.back().next = line.text;
            wantNext = false;
        }
        if (line.text.size() >= 2 && line.text[0] == '-' && line.text[1] == '-') {
            out.push_back({line.number, line.text, {}});
            wantNext = true;
        }
    });
    return out;
}

void checkDelimiterLines(const std::vector<DelimiterCandidate>& candidates, const std::string& boundary,
                         const std::string& path, FindingSink& sink) {
    const std::string delimiter = "--" + boundary;
    bool sawDelimiter = false, sawClose = false;
    for (const auto& candidate : candidates) {
        if (candidate.text.rfind(delimiter, 0) != 0) continue;
        const std::string_view rest = candidate.text.substr(delimiter.size());
        if (rest.rfind("--", 0) == 0 && isBlank(rest.substr(2))) {
            sawClose = true;
            continue;
        }
        if (!isBlank(rest)) continue;
        sawDelimiter = true;
        const std::string_view next = candidate.next;
        if (!next.empty() && !looksLikeHeaderField(next) && next.rfind(delimiter, 0) != 0)
            sink.atPart("boundary-in-content", path,
                        "delimiter line '" + delimiter +
                            "' is followed by text, not headers or a blank line: the boundary occurs inside a "
                            "part's content",
                        candidate.line ? candidate.line + 1 : 0);
    }
    if (!sawDelimiter)
        sink.atPart("boundary-missing-final", path, "no delimiter line '" + delimiter + "' at all");
    else if (!sawClose)
        sink.atPart("boundary-missing-final", path, "no closing delimiter line '" + delimiter + "--'");
}

void FindingSink::atLine(const std::string& code, std::size_t line, std::string message) {
    std::size_t seen = 0;
    for (const auto& f : _findings)
        if (f.code == code && !f.part) ++seen;
    if (seen < Lint::maxPerCode - 1) {
        _findings.push_back({code, std::move(message), line, std::nullopt});
        return;
    }
    auto it = std::find_if(_capped.begin(), _capped.end(), [&](const Capped& c) { return c.code == code; });
    if (it == _capped.end()) {
        _capped.push_back({code, 0, line});
        it = _capped.end() - 1;
    }
    ++it->count;
}

void FindingSink::atPart(const std::string& code, const std::string& path, std::string message, std::size_t line) {
    _findings.push_back({code, std::move(message), line, path});
}

std::vector<LintFinding> FindingSink::take() {
    for (const auto& c : _capped) {
        if (c.count == 1) {
            _findings.push_back({c.code, "one more line like the ones above", c.firstSkippedLine, std::nullopt});
        } else {
            _findings.push_back({c.code,
                                 std::to_string(c.count) + " more lines like the ones above, the first at line " +
                                     std::to_string(c.firstSkippedLine),
                                 c.firstSkippedLine, std::nullopt});
        }
    }
    _capped.clear();
    return std::move(_findings);
}

} // namespace mailrig::fake::detail
