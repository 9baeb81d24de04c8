#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailrig::fake::detail {

/// A command line split into its verb (upper-cased) and the rest.
struct CommandLine {
    std::string verb;     ///< e.g. `MAIL`; empty for an empty line
    std::string argument; ///< everything after the first space, trailing spaces removed
};

/// Splits one line (without its line ending) at the first space.
CommandLine splitCommand(std::string_view line);

/// `s` with ASCII letters upper-cased.
std::string upper(std::string_view s);

/// A parsed `FROM:<path> params` or `TO:<path> params`.
struct PathCommand {
    std::string address; ///< inside the angle brackets, source route removed; empty for `<>`
    std::vector<std::pair<std::string, std::string>> params; ///< keyword upper-cased, in order
    bool spaceBeforePath = false; ///< `FROM: <...>`: a space RFC 5321 does not allow, tolerated
};

/// Parses the argument of MAIL (`keyword` = "FROM") or RCPT ("TO"). Lenient where real clients
/// differ (spaces after the colon, case); strict where it matters (angle brackets, balanced
/// quotes, no control characters, parameter syntax). On failure returns false and sets `error`
/// to the reason for the `501` reply.
bool parsePathCommand(std::string_view argument, std::string_view keyword, PathCommand& out, std::string& error);

/// True when the text has a byte ≥ 0x80 (an internationalised address needs SMTPUTF8).
bool hasNonAscii(std::string_view text);

/// RFC 3461 4 xtext: `+XX` escapes (upper-case hex) and printable ASCII other than `+` and `=`.
bool isXtext(std::string_view text);

} // namespace mailrig::fake::detail
