#pragma once
// Setting up the SmtpClient a scenario's steps use.

#include "mailrig/scenarios/Scenario.h"

#include "mailrig/client/SmtpClient.h"

#include <cstdint>
#include <string>

namespace mailrig::scenario::detail {

/// A client for `127.0.0.1:port` with every `client:` setting applied; verification trusts the
/// fake server's run-time test CA unless `verify_certificate: false`.
SmtpClient makeClient(const ClientSpec& spec, std::uint16_t port);

} // namespace mailrig::scenario::detail
