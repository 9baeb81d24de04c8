#pragma once
// RFC 5321 4.1.2 address syntax (with RFC 6531's UTF-8 in local parts and domains), for the
// server's MAIL and RCPT checks.

#include <string>
#include <string_view>

namespace mailrig::fake::detail {

/// Why `mailbox` (the inside of `<...>` without a source route) is not an RFC 5321 Mailbox:
/// `Local-part "@" (Domain / address-literal)`, the local part a dot-string of atoms or a
/// quoted string, the domain dot-separated labels of letters, digits and inner hyphens. Bytes
/// ≥ 0x80 count as letters (RFC 6531) but must form valid UTF-8. With `postmasterAlone`, the
/// bare `Postmaster` (any case, RFC 5321 4.5.1) is accepted too. Empty when it is valid.
std::string mailboxSyntaxError(std::string_view mailbox, bool postmasterAlone);

/// Why `route` (what stands between `<` and `:` in a path, e.g. `@a.example,@b.example`) is
/// not an RFC 5321 A-d-l; empty when it is valid.
std::string sourceRouteSyntaxError(std::string_view route);

} // namespace mailrig::fake::detail
