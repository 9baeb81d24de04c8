#pragma once

#include <string>
#include <vector>

namespace mailrig::fake {

/// Which ESMTP extensions the server offers in its EHLO reply. Each switch both controls the
/// advertised line and what the server accepts: a parameter or command of a switched-off
/// extension is refused (`555 5.5.4` for parameters, `502 5.5.1` for commands), so a test
/// proves a client does not use what was not offered. A plain value.
struct Capabilities {
    bool pipelining = true;          ///< `PIPELINING` (RFC 2920)
    bool size = true;                ///< `SIZE n`, n from `Limits::messageSize` (RFC 1870)
    bool eightBitMime = true;        ///< `8BITMIME` and `BODY=8BITMIME` (RFC 6152)
    bool smtpUtf8 = true;            ///< `SMTPUTF8` and the MAIL parameter (RFC 6531)
    bool chunking = true;            ///< `CHUNKING` and the BDAT command (RFC 3030)
    bool binaryMime = true;          ///< `BINARYMIME` and `BODY=BINARYMIME`; needs chunking (RFC 3030)
    bool dsn = true;                 ///< `DSN`: RET, ENVID, NOTIFY, ORCPT (RFC 3461)
    bool enhancedStatusCodes = true; ///< `ENHANCEDSTATUSCODES`: replies carry `x.y.z` (RFC 2034)
    bool startTls = true;            ///< `STARTTLS`, only when TLS material is configured and the
                                     ///< session is not yet encrypted (RFC 3207)
    /// SASL mechanisms for `AUTH ...` (RFC 4954), in advertised order; empty = no AUTH. Offered
    /// only when `ServerConfig::users` is non-empty, and before TLS only with
    /// `ServerConfig::allowInsecureAuth`. Known: PLAIN, LOGIN, CRAM-MD5, XOAUTH2.
    std::vector<std::string> authMechanisms{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"};
    bool requireTls = true;          ///< `REQUIRETLS` and the MAIL parameter, on TLS sessions (RFC 8689)
    bool vrfy = true;                ///< answer VRFY with `252` instead of `502`
    bool help = true;                ///< answer HELP with `214` instead of `502`
    /// Lines appended verbatim after the built-in ones (e.g. `"X-EXPERIMENT"`).
    std::vector<std::string> extra;

    /// Everything on (the default).
    static Capabilities all() { return Capabilities{}; }
    /// A plain RFC 5321 server: every extension off, no AUTH (EHLO still works and lists nothing).
    static Capabilities none();
};

} // namespace mailrig::fake
