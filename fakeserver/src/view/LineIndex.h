#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace mailrig::fake::detail {

/// Maps byte offsets of a message to 1-based line numbers. A line ends after an LF (alone or
/// after a CR); a bare CR does not end a line.
class LineIndex {
public:
    explicit LineIndex(std::string_view bytes);
    /// The 1-based line holding byte `offset` (offsets past the end map to the last line).
    std::size_t lineOf(std::size_t offset) const;
    /// Number of lines (an empty input has one empty line).
    std::size_t lineCount() const { return _starts.size(); }

private:
    std::vector<std::size_t> _starts;
};

} // namespace mailrig::fake::detail
