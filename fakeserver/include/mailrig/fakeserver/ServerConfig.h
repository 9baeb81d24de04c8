#pragma once

#include "mailrig/fakeserver/Capabilities.h"
#include "mailrig/fakeserver/Limits.h"
#include "mailrig/fakeserver/Rule.h"
#include "mailrig/fakeserver/TestCertificates.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mailrig::fake {

/// Where a TLS listener gets its certificate and key. Exactly one source is used, in this
/// order: PEM files, in-memory PEM, or a run-time test certificate (`TestCertificates::shared()`).
struct TlsMaterial {
    std::string certificateFile; ///< PEM certificate (chain) file
    std::string privateKeyFile;  ///< PEM private key file, unencrypted
    std::string certificatePem;  ///< PEM certificate text (used when certificateFile is empty)
    std::string privateKeyPem;   ///< PEM private key text
    /// Used when no file and no PEM text is given: a certificate of this kind from the shared,
    /// run-time generated test PKI (clients trust `TestCertificates::shared().caCertificatePath()`).
    ServerCertificate testCertificate = ServerCertificate::Valid;

    /// The shared test PKI's certificate of the given kind ("self-signed" in the CLI's words).
    static TlsMaterial selfSigned(ServerCertificate kind = ServerCertificate::Valid);
    /// Certificate and key read from PEM files when the server starts.
    static TlsMaterial files(std::string certificateFile, std::string privateKeyFile);
    /// Certificate and key given as PEM text.
    static TlsMaterial pem(std::string certificatePem, std::string privateKeyPem);
};

/// What to do with SMTP smuggling sequences (`\n.\n`, `\r.\r`, `\n.\r\n`, `\r\n.\n`) and bare CR
/// or LF in message data.
enum class SmugglingPolicy {
    Flag,   ///< capture the message and set its flags (the default: a test asserts on them)
    Reject, ///< refuse the message with `550 5.6.0` (bare CR/LF and smuggling) and capture nothing
};

/// How the server shares threads among connections.
enum class Threading {
    /// A few event-loop threads (`eventLoops`) accept the connections and serve the plain-text
    /// sessions, each session on the loop that accepted it; a session moves to a thread of its
    /// own when it starts TLS (STARTTLS or the implicit-TLS listener), AUTH or BDAT, and every
    /// session gets its own thread when a rule delays or tarpits. The default: thousands of
    /// commands per second cost one or two threads and few context switches. Capture callbacks
    /// of a session on a loop run on the loop's thread: while one runs, the other sessions on
    /// that loop wait (those on other loops go on).
    EventLoop,
    /// Every connection gets its own thread from its first byte (reused for later connections):
    /// choose this when a capture callback blocks (waits for a disk, a lock or another thread).
    ThreadPerConnection,
};

/// Everything that describes one fake server: a value object with presets. Copy, adjust, pass
/// to `FakeSmtpServer`. Nothing is checked until `FakeSmtpServer::start()`, which throws
/// std::invalid_argument naming the field.
struct ServerConfig {
    std::string host = "127.0.0.1"; ///< listen address; loopback unless you mean otherwise
    std::uint16_t port = 0;         ///< plain SMTP (with STARTTLS if `tls`); 0 = ephemeral
    /// Second listener speaking TLS from the first byte (RFC 8314 implicit TLS, "port 465").
    /// std::nullopt = none; 0 = ephemeral. Needs `tls`.
    std::optional<std::uint16_t> implicitTlsPort;
    /// Certificate and key; std::nullopt = no TLS (STARTTLS not offered).
    std::optional<TlsMaterial> tls;
    /// The domain in the greeting and EHLO reply.
    std::string hostname = "mailrig.test";
    /// Accounts for AUTH: user name → password. For XOAUTH2 the password is the bearer token.
    std::map<std::string, std::string> users;
    /// Offer and accept AUTH on unencrypted connections (RFC 4954 4 says "SHOULD NOT").
    bool allowInsecureAuth = false;
    /// Refuse MAIL with `530 5.7.0 Authentication required` until AUTH succeeded.
    bool requireAuth = false;
    /// Refuse everything but EHLO/HELO/NOOP/RSET/QUIT/STARTTLS with `530 5.7.0 Must issue a
    /// STARTTLS command first` on unencrypted connections (RFC 3207 4).
    bool requireStartTls = false;
    Capabilities capabilities;
    Limits limits;
    /// Scripted faults, tried in this order (see `Rule`).
    std::vector<Rule> rules;
    SmugglingPolicy smuggling = SmugglingPolicy::Flag;
    /// Keep the per-session transcript (`SessionInfo::transcript`). Costs a little per command.
    bool recordTranscript = true;
    /// Spool every captured message to this directory (`NNNNNN.eml` + `NNNNNN.json`); empty =
    /// memory only.
    std::string spoolDirectory;
    Threading threading = Threading::EventLoop;
    /// How many event-loop threads accept connections and serve plain sessions under
    /// `Threading::EventLoop` (a new session goes to the loop with the fewest sessions and stays
    /// there; capture callbacks of sessions on different loops may run at once). 0 = automatic:
    /// one per hardware thread, at most `kAutomaticEventLoops`. 1 gives the single loop of
    /// earlier versions: every callback of a plain session on one thread. At most 64. An idle
    /// loop sleeps (no CPU). Where every session gets a thread of its own (`ThreadPerConnection`,
    /// or rules that delay or tarpit) a single loop accepts, whatever this says.
    std::size_t eventLoops = 0;
    /// The most event loops `eventLoops = 0` starts. Two loops let a spooling server use a
    /// second core while the first waits for the file system (about 40 µs per message on tmpfs);
    /// more were not measured to help a single client.
    static constexpr std::size_t kAutomaticEventLoops = 2;
    /// The number of event loops the server starts: `eventLoops`, or when 0 the automatic count
    /// (never less than 1, also where the hardware thread count is unknown).
    std::size_t loopCount() const;

    /// Plain SMTP on an ephemeral loopback port, every extension but STARTTLS/AUTH offered.
    static ServerConfig plain();
    /// `plain()` plus STARTTLS with the shared test certificate of the given kind.
    static ServerConfig withStartTls(ServerCertificate kind = ServerCertificate::Valid);
    /// `withStartTls()` plus an implicit-TLS listener on an ephemeral port.
    static ServerConfig withImplicitTls(ServerCertificate kind = ServerCertificate::Valid);
    /// `withStartTls()` plus one account for AUTH.
    static ServerConfig withAuth(std::string user, std::string password);

    /// Checks every field (limits, rules, ports, TLS needs); throws std::invalid_argument naming
    /// the field and the cause. `FakeSmtpServer::start()` calls it.
    void validate() const;
};

} // namespace mailrig::fake
