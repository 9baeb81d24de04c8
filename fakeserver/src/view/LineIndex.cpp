#include "view/LineIndex.h"

#include <algorithm>

namespace mailrig::fake::detail {

LineIndex::LineIndex(std::string_view bytes) {
    _starts.push_back(0);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        if (bytes[i] == '\n' && i + 1 < bytes.size()) _starts.push_back(i + 1);
}

std::size_t LineIndex::lineOf(std::size_t offset) const {
    const auto it = std::upper_bound(_starts.begin(), _starts.end(), offset);
    return static_cast<std::size_t>(it - _starts.begin());
}

} // namespace mailrig::fake::detail
