#pragma once

#include "Base64.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mailrig::fake::detail {

/// Credentials extracted from one SASL response.
struct SaslCredentials {
    std::string user;
    std::string secret; ///< password (PLAIN, LOGIN), bearer token (XOAUTH2), digest (CRAM-MD5)
};

/// RFC 4616 PLAIN: `authzid NUL authcid NUL passwd`, already base64-decoded. std::nullopt when
/// malformed.
std::optional<SaslCredentials> parsePlain(std::string_view decoded);
/// Google/Microsoft XOAUTH2: `user=U ^A auth=Bearer T ^A ^A`, decoded. std::nullopt when malformed.
std::optional<SaslCredentials> parseXoauth2(std::string_view decoded);
/// RFC 2195 CRAM-MD5 response `user SP hex-digest`, decoded. std::nullopt when malformed.
std::optional<SaslCredentials> parseCramMd5(std::string_view decoded);
/// The lower-case hex HMAC-MD5 of `challenge` keyed with `password` (what a CRAM-MD5 client sends).
std::string cramMd5Digest(std::string_view password, std::string_view challenge);
/// A fresh CRAM-MD5 challenge `<random.time@hostname>`.
std::string cramMd5Challenge(const std::string& hostname);

/// Checks credentials against the user table; for CRAM-MD5 `challenge` is the one sent.
bool checkCredentials(const std::map<std::string, std::string>& users, std::string_view mechanism,
                      const SaslCredentials& credentials, std::string_view challenge);

} // namespace mailrig::fake::detail
