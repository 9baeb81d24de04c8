#pragma once
/// Independent checks of composed messages: Python's `email` package (policy.default, run with
/// /usr/bin/python3) and plain byte rules, so composing code is never checked by itself.

#include <map>
#include <string>
#include <vector>

namespace mailrig::test {

/// Parses `eml` with Python's `email.message_from_bytes(..., policy=policy.default)` and returns
/// what it saw as key → value (UTF-8):
/// - `defects`: comma-separated defect class names of every part and header ("" when none);
/// - `parts`: the number of parts in walk order (root first); per part `part.N.type`,
///   `part.N.cte`, `part.N.disposition`, `part.N.filename`, `part.N.charset`, `part.N.cid`,
///   `part.N.params` (all Content-Type parameters as `name=value;...`) and, for leaves,
///   `part.N.content` (decoded text, bytes, or an embedded message's bytes);
/// - `h.<name>` for subject, from, to, cc, reply-to, sender, date, message-id, mime-version,
///   x-priority, importance (decoded, "" when absent); `bcc-present` ("1"/"0");
/// - `<field>.N.name` / `<field>.N.addr` for each mailbox of from, to, cc, reply-to, sender.
/// Throws std::runtime_error when Python fails.
std::map<std::string, std::string> pythonEmailFacts(const std::string& eml);

/// Byte-level problems in `eml`, each naming its place: a bare CR or LF, a line over 998
/// octets, a byte above 0x7F or a control byte in the header block, a `Bcc:` or `Resent-Bcc:`
/// header, a missing final CRLF. Empty when the message is clean.
std::vector<std::string> wireProblems(const std::string& eml);

} // namespace mailrig::test
