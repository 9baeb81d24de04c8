#pragma once
// SASL mechanisms for AUTH: the choice and the bytes of each exchange.

#include "mailrig/client/SmtpClient.h"

#include <optional>
#include <string>
#include <vector>

namespace mailrig::detail {

/// Base64 without line breaks (RFC 4648).
std::string base64Encode(const std::string& bytes);
/// Decodes base64; throws std::invalid_argument on invalid input.
std::string base64Decode(const std::string& text);

/// The first of `allowed` (in that order) that the server `offered` (upper-case names).
std::optional<AuthMechanism> chooseMechanism(const std::vector<AuthMechanism>& allowed,
                                             const std::vector<std::string>& offered);

/// `\0user\0password`, base64: PLAIN's initial response (RFC 4616).
std::string plainResponse(const std::string& user, const std::string& password);
/// `user hex(HMAC-MD5(password, challenge))`, base64 (RFC 2195); `challenge` is decoded.
std::string cramMd5Response(const std::string& user, const std::string& password,
                            const std::string& challenge);
/// `user=U ^A auth=Bearer T ^A ^A`, base64: the XOAUTH2 initial response.
std::string xoauth2Response(const std::string& user, const std::string& token);

} // namespace mailrig::detail
