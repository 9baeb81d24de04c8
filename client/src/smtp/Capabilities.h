#pragma once
// What a server announced in its EHLO reply.

#include "smtp/SmtpReply.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mailrig::detail {

/// The ESMTP extensions of one EHLO reply (RFC 5321 4.1.1.1: keyword, then parameters).
/// After HELO (no ESMTP) every flag is false.
struct Capabilities {
    bool esmtp = false;               ///< EHLO succeeded
    bool pipelining = false;          ///< RFC 2920
    bool startTls = false;            ///< RFC 3207
    bool eightBitMime = false;        ///< RFC 6152
    bool smtpUtf8 = false;            ///< RFC 6531
    bool chunking = false;            ///< RFC 3030 BDAT
    bool binaryMime = false;          ///< RFC 3030 BINARYMIME
    bool dsn = false;                 ///< RFC 3461
    bool enhancedStatusCodes = false; ///< RFC 2034
    bool sizeOffered = false;         ///< RFC 1870
    std::uint64_t maxSize = 0;        ///< SIZE's limit; 0 = no limit announced
    std::vector<std::string> auth;    ///< AUTH mechanisms, upper case, in the server's order
    std::vector<std::string> keywords;///< every keyword, upper case

    /// Parses an EHLO reply: the first line is the greeting, each further line one extension.
    /// Unknown keywords are kept in `keywords` only; a malformed SIZE value counts as no limit.
    static Capabilities parse(const SmtpReply& ehloReply);
    bool offersAuth(const std::string& mechanism) const;
    bool has(const std::string& keyword) const;
};

} // namespace mailrig::detail
