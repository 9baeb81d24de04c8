#pragma once

#include "mailrig/fakeserver/ServerConfig.h"

#include <Poco/Net/Context.h>

namespace mailrig::fake::detail {

/// Builds the server-side TLS context (TLS 1.0–1.3 as OpenSSL allows, no client certificate
/// requested) from the configured material: PEM files, PEM text, or the shared run-time test
/// certificate. Throws std::runtime_error naming the file or source and OpenSSL's reason.
Poco::Net::Context::Ptr makeServerContext(const TlsMaterial& material);

/// The bytes of a fatal TLS `handshake_failure` alert record, sent by `failTls`.
const std::string& tlsHandshakeFailureAlert();

} // namespace mailrig::fake::detail
