#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mailrig {

/// One mailbox: an addr-spec (`local@domain`) and an optional display name (any Unicode, UTF-8).
/// On the wire the display name is written as an RFC 2047 encoded word when it is not plain
/// ASCII, and the address always in angle brackets: `Name <local@domain>`.
struct MailAddress {
    std::string address;     ///< the addr-spec, e.g. `alice@example.org` (no angle brackets)
    std::string displayName; ///< UTF-8 display name; empty when none

    MailAddress() = default;
    /// Takes an addr-spec and an optional display name as they are (no parsing).
    MailAddress(std::string addr, std::string name = {})
        : address(std::move(addr)), displayName(std::move(name)) {}

    /// Parses `Name <a@b>`, `"Quoted, Name" <a@b>`, `<a@b>` or `a@b` (display names may hold
    /// UTF-8 or RFC 2047 words, which are decoded). Throws std::invalid_argument naming the text
    /// when it holds no address, more than one, an address without `@`, or anything else
    /// (a stray `>`, text after the angle brackets) that the address would not read back as.
    static MailAddress parse(const std::string& text);
    /// Parses a comma-separated list of mailboxes, as in a `To:` header. Throws like parse().
    static std::vector<MailAddress> parseList(const std::string& text);

    /// `Name <a@b>` (UTF-8, display name quoted when needed) or `a@b` when there is no name;
    /// for people, not for headers on the wire.
    std::string toString() const;
    /// True when address or display name holds a byte above 0x7F.
    bool isInternational() const;

    bool operator==(const MailAddress& other) const {
        return address == other.address && displayName == other.displayName;
    }
    bool operator!=(const MailAddress& other) const { return !(*this == other); }
};

/// Writes toString() (for diagnostics and test output).
std::ostream& operator<<(std::ostream& out, const MailAddress& address);

} // namespace mailrig
