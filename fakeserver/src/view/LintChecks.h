#pragma once
// The two halves of Lint: checks over raw lines, and checks over the parsed tree.

#include "mailrig/fakeserver/Lint.h"

#include <string>
#include <vector>

namespace mailrig::fake::detail {

/// Collects findings and caps line-based codes at Lint::maxPerCode each.
class FindingSink {
public:
    /// A finding about line `line` (1-based); past the cap it is only counted.
    void atLine(const std::string& code, std::size_t line, std::string message);
    /// A finding about part `path`, optionally also at a line.
    void atPart(const std::string& code, const std::string& path, std::string message, std::size_t line = 0);
    /// All findings, with one "... and N more" finding appended per capped code.
    std::vector<LintFinding> take();

private:
    struct Capped {
        std::string code;
        std::size_t count = 0;
        std::size_t firstSkippedLine = 0;
    };
    std::vector<LintFinding> _findings;
    std::vector<Capped> _capped;
};

/// Bare CR/LF, smuggling sequences, long lines, NUL octets and malformed top-level header lines.
void checkLines(const std::string& raw, FindingSink& sink);

/// Every line that starts with "--" (a possible delimiter), with the line after it; built once
/// per message so that each multipart's check does not rescan the whole message.
struct DelimiterCandidate {
    std::size_t line; // 1-based; 0 when the bytes are not the transmitted ones (a decoded message)
    std::string_view text;
    std::string_view next; // the following line, without its ending ("" at the end)
};
std::vector<DelimiterCandidate> delimiterCandidates(const std::string& raw);

/// Delimiter lines of `boundary` (owned by multipart `path`): a missing close, and delimiters
/// followed by a line that is neither blank nor a header field.
void checkDelimiterLines(const std::vector<DelimiterCandidate>& candidates, const std::string& boundary,
                         const std::string& path, FindingSink& sink);

/// True when `line` has the shape of a header field start: printable name, optional blanks, ':'.
bool looksLikeHeaderField(std::string_view line);

} // namespace mailrig::fake::detail
