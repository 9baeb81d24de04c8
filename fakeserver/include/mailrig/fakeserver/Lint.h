#pragma once
/// Conformance checks of one message's bytes against RFC 5322, RFC 2045-2049, RFC 2047,
/// RFC 2231 and RFC 5321, reported as findings with a stable code and a place.

#include "mailrig/fakeserver/MessageView.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mailrig::fake {

/// One problem found by Lint.
struct LintFinding {
    /// Stable kebab-case code; the list is in Lint's comment. Tests and scripts match on it.
    std::string code;
    /// One human sentence naming the cause, e.g. `line is 1200 octets, over the 998 allowed`.
    std::string message;
    /// 1-based line in MessageView::raw(), 0 when the finding is about a part or the whole message.
    std::size_t line = 0;
    /// The part path (see MessageView.h) the finding is about, nullopt when it is about a line.
    /// The top-level entity is `""`.
    std::optional<std::string> part;
};

/// Runs every check on a parsed message. Stateless; safe on several threads.
///
/// Codes (line-based checks report at most Lint::maxPerCode findings each, the last of which
/// counts the rest):
/// - `bare-cr`, `bare-lf`: a CR not followed by LF, an LF not preceded by CR (RFC 5322 §2.3).
/// - `smuggling-sequence`: a lone dot line ended by bare CR/LF (`\n.\n`, `\r\n.\n`,
///   `\n.\r\n`, `\r.\r`): the SMTP smuggling patterns of CVE-2023-51764.
/// - `line-too-long`: a line over 998 octets without its CRLF (RFC 5322 §2.1.1).
/// - `nul-byte`: a NUL octet (RFC 5322 §2.3, RFC 2045 §2.7).
/// - `header-8bit`: 8-bit octets in a header field of any entity (RFC 5322 §2.2; SMTPUTF8 aside).
/// - `invalid-header-line`: a line in the top-level header block that is neither a field nor a
///   continuation (inside multiparts, see `boundary-in-content`).
/// - `missing-date`, `missing-from`, `missing-message-id`, `missing-mime-version`: required
///   top-level fields (RFC 5322 §3.6, RFC 2045 §4).
/// - `invalid-date`, `invalid-message-id`: a Date GMime cannot read, a Message-ID not `<x@y>`.
/// - `duplicate-header`: a field that may occur once (RFC 5322 §3.6 table; Content-* per
///   entity) occurs more often.
/// - `bcc-present`: a Bcc or Resent-Bcc field is in the transmitted header.
/// - `encoded-word-in-quoted-string`: an RFC 2047 encoded word inside a quoted string of a
///   structured field (RFC 2047 §5 forbids it; RFC 2231 is the way for parameters).
/// - `encoded-word-too-long`: an encoded word over 75 characters (RFC 2047 §2).
/// - `boundary-missing`: a multipart without a boundary parameter.
/// - `boundary-too-long`: a boundary over 70 characters (RFC 2046 §5.1.1).
/// - `boundary-missing-final`: no closing `--boundary--` line.
/// - `boundary-in-content`: the boundary string occurs inside a part's content, or a delimiter
///   line is followed by text that is not a header (a stray delimiter that split a body).
/// - `text-without-charset`: a text/* part without a charset parameter.
/// - `unknown-charset`: a charset the converter does not know.
/// - `invalid-base64`: base64 content with characters outside the alphabet or wrong padding.
/// - `body-8bit-undeclared`: 8-bit octets in a body declared (or defaulting to) 7bit.
/// - `invalid-transfer-encoding`: an unknown Content-Transfer-Encoding, or one other than
///   7bit/8bit/binary on a multipart or message/rfc822 (RFC 2045 §6.4, RFC 2046 §5.2.1).
/// - `invalid-content-type`: a Content-Type GMime cannot read (the part becomes
///   application/octet-stream).
/// - `nesting-too-deep`: GMime gave up on nesting, or an entity is 100 levels deep and its
///   children were not read (a likely attack).
class Lint {
public:
    /// Line-based codes report at most this many findings each.
    static constexpr std::size_t maxPerCode = 10;

    /// All findings for `view` (its raw bytes and its tree), ordered by line (findings without a
    /// line last), then by part in tree order. Empty when the message is clean. Never throws for
    /// bad message data.
    static std::vector<LintFinding> check(const MessageView& view);
};

} // namespace mailrig::fake
