#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailrig::fake {

/// The moment of an SMTP session a rule can fault: every command verb plus the pseudo-phases
/// CONNECT (before the greeting), TLS (the handshake after `220` to STARTTLS, or on accept of
/// the implicit-TLS listener) and DATA-END (after the final dot of DATA or the LAST chunk of
/// BDAT, before the message is accepted).
enum class Phase {
    Connect,  ///< `CONNECT`: argument is the peer address `ip:port`
    Ehlo,     ///< `EHLO`: argument is the domain
    Helo,     ///< `HELO`: argument is the domain
    StartTls, ///< `STARTTLS`: no argument
    Tls,      ///< `TLS`: the handshake; argument is `starttls` or `implicit`
    Auth,     ///< `AUTH`: argument is the mechanism, e.g. `PLAIN`
    Mail,     ///< `MAIL`: argument is the reverse-path address without `<>`
    Rcpt,     ///< `RCPT`: argument is the forward-path address without `<>`
    Data,     ///< `DATA`: no argument
    Bdat,     ///< `BDAT`: argument is the chunk size and `LAST` as sent
    DataEnd,  ///< `DATA-END`: argument is the message bytes (after dot-unstuffing)
    Rset,     ///< `RSET`
    Quit,     ///< `QUIT`
    Noop,     ///< `NOOP`: argument as sent
    Vrfy,     ///< `VRFY`: argument as sent
    Help,     ///< `HELP`: argument as sent
};

/// The upper-case name used in docs, YAML and transcripts (`DATA-END`, `STARTTLS`, ...).
std::string_view phaseName(Phase phase);
/// Parses a phase name case-insensitively (`data-end`, `RCPT`); std::nullopt when unknown.
std::optional<Phase> parsePhase(std::string_view name);

/// Where a rule counts its occurrences.
enum class Scope {
    Session, ///< counters restart for every connection
    Global,  ///< counters are shared by every connection of one server (e.g. greylisting, where
             ///< the retry comes on a new connection)
};

/// A reply the server writes instead of its own.
struct Reply {
    int code = 250; ///< 200..599
    /// The text after the code, without CRLF; a `\n` separates lines of a multi-line reply
    /// (each sent as `code-text`, the last as `code text`). Put the enhanced status code here
    /// yourself (e.g. `"4.7.1 Greylisted, try again"`): a scripted reply is sent verbatim.
    /// Empty: the default text of the code's class (`OK`, `Go ahead`, `Temporary failure, try
    /// again later`, `Permanent failure`) after `2.0.0`/`4.0.0`/`5.0.0` where the server sends
    /// enhanced status codes, e.g. `550 5.0.0 Permanent failure` (never a bare `550 `).
    std::string text;
};

/// What a firing rule does. Fields combine; they are applied in this order:
/// 1. `delay`: sleep before anything else;
/// 2. `tarpit`: from now on every reply of this session is delayed by this much;
/// 3. `ehlo` (EHLO phase only): the capability lines to advertise instead of the configured ones;
/// 4. `abortAfterBytes` (DATA/BDAT phases only): the command is answered normally, then the
///    connection is dropped without a reply once that many bytes of message data arrived;
/// 5. `failTls` (STARTTLS, TLS): the handshake is answered with a fatal TLS alert and the
///    connection closed (after the `220` for STARTTLS; on the implicit-TLS listener the TLS phase
///    comes before CONNECT and the greeting);
/// 6. `close421`: `421` with the reply's text (verbatim) when `reply` has one, else
///    `421 4.3.2 <hostname> Service shutting down`, and close; or else `reply` (if
///    set) instead of the default action; or else the server's normal handling;
/// 7. `disconnect`: close the connection (after the reply, if one is set; without any reply
///    otherwise).
/// A scripted `reply` replaces the server's reply to that command: with a 2xx/3xx code the
/// command takes effect as usual (state changes; at DATA-END the message is captured), with a
/// 4xx/5xx code it is refused and nothing changes (at DATA-END the message is not captured;
/// at DATA/BDAT the data is still read and discarded for BDAT). At QUIT the connection closes
/// either way; at CONNECT a 4xx/5xx greeting leaves the session refusing every command but QUIT
/// with `503` (RFC 5321 3.1), except `421`, which closes.
struct Action {
    std::optional<Reply> reply;
    std::chrono::milliseconds delay{0};
    std::chrono::milliseconds tarpit{0};
    std::optional<std::vector<std::string>> ehlo; ///< capability lines, e.g. {"SIZE 1000", "8BITMIME"}
    std::optional<std::size_t> abortAfterBytes;
    bool failTls = false;
    bool close421 = false;
    bool disconnect = false;
};

/// One scripted fault: when `on` happens and the argument matches `match`, count an occurrence
/// in `scope`; the rule fires on occurrences `nth`, `nth+1`, ... at most `times` times.
///
/// Evaluation order (the same for every phase): the server parses the command and runs its
/// built-in checks (order 503, syntax 501, unknown parameters 555, limits 452/552); a command
/// refused there never reaches the rules and counts no occurrence. Then the rules are tried in
/// the order of `ServerConfig::rules`: every rule whose phase and pattern match counts the
/// occurrence, and the first one that is due fires; later rules only count. If none fires, the
/// default action runs.
struct Rule {
    Phase on = Phase::Rcpt;
    /// Glob over the phase's argument (see `Phase`), case-insensitive: `*` any run, `?` one
    /// character, `\` escapes. Empty matches everything.
    std::string match;
    /// The first occurrence (1-based) on which the rule fires; earlier ones pass. 1 = from the first.
    unsigned nth = 1;
    /// How many times it fires in its scope; 0 = unlimited. (The YAML reader sets 1 when a rule
    /// gives `nth` without `times`, so `nth: 2` means "the second occurrence".)
    unsigned times = 0;
    Scope scope = Scope::Session;
    Action action;

    /// Throws std::invalid_argument naming the problem (reply code outside 200..599, nth 0,
    /// `abortAfterBytes` on a phase without data, `ehlo` outside EHLO, `failTls` outside
    /// STARTTLS/TLS, a negative delay, an action that does nothing).
    void validate() const;

    /// `on RCPT match x@example.com: reply 451 4.7.1 ...` style one-line description for logs.
    std::string describe() const;
};

} // namespace mailrig::fake
