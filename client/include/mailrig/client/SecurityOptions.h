#pragma once

#include <string>

namespace mailrig {

/// How the connection is protected (the seed's `security_options`).
enum class SecurityOptions {
    /// Plaintext only: STARTTLS is never sent, even when offered. Credentials, if any, travel in
    /// clear text: use it for tests and trusted loopback peers only.
    None,
    /// Connect in plaintext, then `STARTTLS` and `EHLO` again before anything else. Throws
    /// SmtpTlsException when the server does not offer STARTTLS or refuses it (e.g. 454).
    SslExplicit,
    /// TLS from the first byte (SMTPS, usually port 465).
    SslImplicit,
    /// Port 465 → SslImplicit; any other port → STARTTLS when the server offers it. When it does
    /// not, the session is aborted with SmtpTlsException: plaintext is used only when
    /// TlsSettings::allowPlaintextFallback is true (false by default, the safe choice).
    Auto,
};

/// `none`, `starttls`, `tls` or `auto`.
std::string toString(SecurityOptions options);
/// Parses `none`, `starttls` (or `explicit`), `tls` (or `implicit`, `ssl`) and `auto`; throws
/// std::invalid_argument naming the text otherwise.
SecurityOptions parseSecurityOptions(const std::string& text);

/// Lowest TLS protocol version accepted in the handshake.
enum class TlsVersion { Tls10, Tls11, Tls12, Tls13 };

/// TLS settings used for STARTTLS and implicit TLS. The defaults verify the server: its chain
/// against the system CA store (or caFile / caDirectory when set) and its name against the host
/// the client connects to (or serverName when set).
struct TlsSettings {
    TlsVersion minimumVersion = TlsVersion::Tls12; ///< older versions are refused
    std::string caFile;      ///< PEM file of trusted CAs; empty → the system store
    std::string caDirectory; ///< hashed directory of trusted CAs; empty → the system store
    /// Verify the certificate chain. Turning it off accepts any certificate (an explicit,
    /// insecure opt-out meant for tests); see insecure().
    bool verifyCertificate = true;
    /// Check that the certificate names the server (only when verifyCertificate is true).
    bool checkHostName = true;
    /// Name sent in SNI and checked against the certificate; empty → the client's host.
    std::string serverName;
    /// With SecurityOptions::Auto: continue in plaintext when STARTTLS is not offered. Off by
    /// default; then the client refuses to talk to such a server. Even then, credentials are
    /// never sent without TLS (AUTH in plaintext needs SecurityOptions::None).
    bool allowPlaintextFallback = false;

    /// Settings that accept any certificate and any name: for tests against self-signed peers.
    static TlsSettings insecure() {
        TlsSettings s;
        s.verifyCertificate = false;
        s.checkHostName = false;
        return s;
    }
};

} // namespace mailrig
