#pragma once

#include "mailrig/fakeserver/CapturedMessage.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailrig::fake::detail {

/// Where the DATA terminator is in bytes received after `354`.
struct DataEnd {
    std::size_t contentLength; ///< bytes of content (up to and including the last line's CRLF)
    std::size_t consumed;      ///< content plus the `.CRLF` of the terminator
};

/// Searches `raw` (everything received since `354`) for the terminating `CRLF.CRLF`, starting
/// at `from` (callers pass the previous `raw.size()` minus 4 so a terminator split across reads
/// is found and nothing is scanned twice). With `atStart`, `raw` begins where the content
/// begins (a line start), so a leading `.CRLF` is an empty message. std::nullopt while not
/// complete.
std::optional<DataEnd> findDataEnd(std::string_view raw, std::size_t from, bool atStart = true);

/// What `scanContent` found.
struct ContentFacts {
    MessageFlags flags;   ///< smuggling, bare CR/LF, NUL, over-long lines, longest line
    bool eightBit = false; ///< some byte ≥ 0x80
};

/// One pass over message content: with `dotStuffed` (DATA) it removes the leading dot of every
/// line that starts with one after a CRLF, appending the result to `*out` (when given); it
/// reports smuggling sequences, bare CR, bare LF, NUL, 8-bit bytes, and lines longer than
/// `lineLimit` octets including their ending. Lines are found with memchr, bytes are copied in
/// runs.
ContentFacts scanContent(std::string_view content, bool dotStuffed, std::size_t lineLimit, std::string* out);

} // namespace mailrig::fake::detail
