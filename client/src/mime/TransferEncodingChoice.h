#pragma once
/// Choosing a part's Content-Transfer-Encoding from its content, and the line-end
/// normalisation that goes with it.

#include "mailrig/client/MimeTypes.h"

#include <string>

namespace mailrig::detail {

/// Rewrites every line break (CRLF, a bare CR or a bare LF) as `eol`.
std::string normalizeLineEnds(const std::string& text, const std::string& eol);

/// A chosen encoding and the content to hand to the MIME writer: line ends as "\n" for the
/// line-based encodings (the writer makes them CRLF); for base64, text in canonical CRLF form and
/// bytes unchanged.
struct EncodedContent {
    TransferEncoding encoding; ///< never Auto
    std::string content;
};

/// For a body (text, HTML, alternate view): line ends are normalised. `Auto` gives 7bit for
/// ASCII without control characters and lines of at most 78 octets, else quoted-printable. A
/// requested 7bit or 8bit that cannot carry the content (8-bit bytes in 7bit, NUL or other
/// control bytes, lines over 998 octets) becomes quoted-printable; base64 and QP are kept.
EncodedContent chooseForText(const std::string& text, TransferEncoding requested);

/// For an attachment or linked resource, whose bytes must survive unchanged: 7bit or
/// quoted-printable only when the content uses CRLF line ends exclusively (7bit: printable ASCII,
/// lines ≤ 78 octets; QP: a `text/*` type without NUL), else base64. A requested line-based
/// encoding that would change the bytes becomes base64. A `message/*` part (a forwarded
/// message) is always 7bit or 8bit with CRLF line ends, as RFC 2046 requires, unless a line is
/// over 998 octets or it holds NUL, when it becomes base64.
EncodedContent chooseForBytes(const std::string& bytes, const std::string& mediaType,
                              TransferEncoding requested);

} // namespace mailrig::detail
