#pragma once

#include "mailrig/fakeserver/CapturedMessage.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace mailrig::fake::detail {

/// What the content scan found.
struct ContentFacts {
    MessageFlags flags;   ///< smuggling, bare CR/LF, NUL, over-long lines, longest line
    bool eightBit = false; ///< some byte ≥ 0x80
};

/// Decodes message content as it arrives, one pass, line by line (lines found with memchr,
/// bytes copied in runs). For DATA (`dotStuffed`) it removes the leading dot of every line that
/// starts with one after a CRLF and stops at the terminating `.CRLF` line (after a CRLF, or
/// first of all: an empty message); lines shaped like a terminator without being one (`\n.\n`,
/// `\r\n.\n`, `\n.\r\n`, `\r\n.\r`, `\r.\r`) are smuggling attempts, flagged and kept verbatim.
/// Without `dotStuffed` (BDAT) the content is taken as it is. It reports bare CR, bare LF, NUL,
/// 8-bit bytes and lines longer than `lineLimit` octets including their ending. Decoded bytes
/// are appended to the output string (none while it is null).
class ContentScanner {
public:
    ContentScanner(bool dotStuffed, std::size_t lineLimit, std::string* out);

    /// Takes the complete lines at the front of `bytes`, and of a line longer than 8 KiB whose
    /// end has not arrived yet all but its last two bytes; returns how many bytes it took (the
    /// caller keeps the rest and passes it again with more). Takes nothing after the terminator.
    std::size_t feed(std::string_view bytes);
    /// Takes `rest` as the last line, ended or not (BDAT content need not end with a CRLF).
    void finish(std::string_view rest);
    /// Where decoded bytes go from now on (null: nowhere, e.g. once a message is over the limit).
    void setOutput(std::string* out) { _out = out; }
    /// True once the terminating `.CRLF` line was taken.
    bool done() const { return _done; }
    ContentFacts facts() const;

private:
    /// What a piece of input is: part of a line whose end has not come, a line up to and
    /// including its LF, or the last bytes of the content without a line end.
    enum class Piece { Partial, Line, Last };
    /// What became of a line: kept as it is, its leading dot removed, or the terminator.
    enum class Line { Kept, Unstuffed, Terminator };
    /// Takes [begin, end) of `bytes` and notes what it shows.
    Line takeLine(std::string_view bytes, std::size_t begin, std::size_t end, Piece piece);
    /// Takes the complete lines from `pos` (a line start) sixteen bytes at a time (SSE2), up to
    /// the last 17 bytes or the terminator; returns where it stopped, a line start. Bytes from
    /// `runStart` on go out as they are.
    std::size_t takeLines(std::string_view bytes, std::size_t pos, std::size_t& runStart);
    /// The line-start rules for a line (or its first piece) of `length` bytes at `p`.
    Line classify(const char* p, std::size_t length, bool ended, bool crlf);
    /// Notes the bare CR at `at` in `bytes`.
    void noteBareCr(std::string_view bytes, std::size_t at);
    /// Notes a line of `length` bytes in all that has just ended (with CRLF or a bare LF).
    void endLine(std::size_t length, bool crlf);
    void emit(const char* data, std::size_t size);

    bool _dotStuffed;
    std::size_t _lineLimit;
    std::string* _out;
    ContentFacts _facts;
    bool _afterCrlf = true;      ///< the previous line ended with CRLF (or nothing came yet)
    std::size_t _lineLength = 0; ///< bytes of the current line taken so far
    bool _done = false;
};

/// The whole of `content` scanned at once (ContentScanner::feed then finish): the facts, and
/// the decoded bytes appended to `*out` when given.
ContentFacts scanContent(std::string_view content, bool dotStuffed, std::size_t lineLimit, std::string* out);

} // namespace mailrig::fake::detail
