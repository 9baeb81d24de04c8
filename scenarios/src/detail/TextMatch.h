#pragma once
// The shared text checks (contains / not_contains / matches / equals) and the list comparisons
// used by every expectation.

#include "mailrig/scenarios/Scenario.h"
#include "mailrig/scenarios/ScenarioResult.h"

#include <string>
#include <vector>

namespace mailrig::scenario::detail {

/// Collects mismatches under a key path prefix and a line.
class MismatchSink {
public:
    MismatchSink(std::vector<Mismatch>& out, std::string prefix, int line)
        : _out(out), _prefix(std::move(prefix)), _line(line) {}
    /// A sink for a sub-key: `prefix.key`.
    MismatchSink sub(const std::string& key) const { return {_out, join(_prefix, key), _line}; }
    void add(const std::string& key, const std::string& expected, const std::string& actual) const;
    std::size_t count() const { return _out.size(); }

    /// `prefix.key`, or `prefix[i]` when the key is an index.
    static std::string join(const std::string& prefix, const std::string& key);

private:
    std::vector<Mismatch>& _out;
    std::string _prefix;
    int _line;
};

/// Applies `check` to `text`; `equals` ignores trailing CR/LF on both sides.
void checkText(const TextCheck& check, const std::string& text, const MismatchSink& sink);

/// True when ECMAScript `pattern` finds a match in `text`.
bool searchRegex(const std::string& pattern, const std::string& text);

/// `a, b, c` for reports.
std::string joinList(const std::vector<std::string>& items, const std::string& separator = ", ");

/// `text` shortened to `limit` bytes with a note of what was left out, for reports.
std::string abbreviate(const std::string& text, std::size_t limit = 400);

/// Lower-cases ASCII.
std::string lowerAscii(std::string text);

} // namespace mailrig::scenario::detail
