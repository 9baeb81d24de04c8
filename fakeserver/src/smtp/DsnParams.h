#pragma once

#include <string_view>

namespace mailrig::fake::detail {

/// RFC 3461 4.1: `NEVER`, or a comma-separated list of `SUCCESS`, `FAILURE` and `DELAY`.
bool isNotify(std::string_view value);

/// RFC 3461 4.2 with RFC 6533 3: `addr-type;value`, at most 500 characters. The type is an atom
/// (letters, digits, `-`). For `utf-8` (any case) the value is utf-8-addr-xtext: printable ASCII
/// other than `+`, `=` and `\`, and `\x{HEX}` escapes (the code point in upper-case hex, two
/// to six digits, without leading zeros, never a surrogate, the two-digit forms only for what
/// may not appear as itself); with `smtpUtf8` (the transaction's MAIL FROM had SMTPUTF8) it may
/// be utf-8-addr-unitext, which also holds well-formed UTF-8 characters as they are. Any other
/// type takes xtext.
bool isOriginalRecipient(std::string_view value, bool smtpUtf8);

} // namespace mailrig::fake::detail
