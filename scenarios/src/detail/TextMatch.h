#pragma once
// The shared text checks (contains / not_contains / matches / equals) and the list comparisons
// used by every expectation.

#include "mailrig/scenarios/Scenario.h"
#include "mailrig/scenarios/ScenarioResult.h"

#include <map>
#include <string>
#include <vector>

namespace mailrig::scenario::detail {

/// Line numbers of the keys of the `expect:` section by full key path (see Expectations::lines).
using KeyLines = std::map<std::string, int>;

/// Collects mismatches under a key path prefix, each at the line of the key that failed.
class MismatchSink {
public:
    /// Every mismatch at `line`.
    MismatchSink(std::vector<Mismatch>& out, std::string prefix, int line)
        : _out(out), _prefix(std::move(prefix)), _line(line) {}
    /// Each mismatch at the line `lines` gives for its key path (`linePath` + key), or for the
    /// nearest enclosing key there; `line` when none is there.
    MismatchSink(std::vector<Mismatch>& out, std::string prefix, const KeyLines& lines, std::string linePath,
                 int line = 0)
        : _out(out), _prefix(std::move(prefix)), _line(line), _lines(&lines), _linePath(std::move(linePath)) {}
    /// A sink for a sub-key: `prefix.key`.
    MismatchSink sub(const std::string& key) const;
    void add(const std::string& key, const std::string& expected, const std::string& actual) const;
    std::size_t count() const { return _out.size(); }

    /// `prefix.key`, or `prefix[i]` when the key is an index.
    static std::string join(const std::string& prefix, const std::string& key);

private:
    /// The line of `key`, or of its nearest enclosing key in `_lines`; `_line` when none.
    int lineOf(const std::string& key) const;

    std::vector<Mismatch>& _out;
    std::string _prefix;
    int _line;
    const KeyLines* _lines = nullptr;
    std::string _linePath;
};

/// Applies `check` to `text`; `equals` ignores trailing CR/LF on both sides.
void checkText(const TextCheck& check, const std::string& text, const MismatchSink& sink);

/// True when ECMAScript `pattern` finds a match in `text`. Throws std::length_error for a text
/// over 1 MiB (std::regex needs stack in proportion to the text), std::regex_error for a bad
/// pattern.
bool searchRegex(const std::string& pattern, const std::string& text);

/// `a, b, c` for reports.
std::string joinList(const std::vector<std::string>& items, const std::string& separator = ", ");

/// `text` shortened to `limit` bytes with a note of what was left out, for reports.
std::string abbreviate(const std::string& text, std::size_t limit = 400);

/// Lower-cases ASCII.
std::string lowerAscii(std::string text);

} // namespace mailrig::scenario::detail
