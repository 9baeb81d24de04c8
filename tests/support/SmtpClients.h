#pragma once
/// Real SMTP clients used as independent oracles against the fake server: swaks, curl and
/// Python's smtplib (always /usr/bin/python3). Every run is bounded by a timeout.

#include "support/Process.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mailrig::test {

/// `swaks --server 127.0.0.1:port --timeout 10 args...`, killed after 60 s. swaks exits 0 only
/// when the whole transaction was accepted; its transcript is on stdout.
ProcessResult swaks(std::uint16_t port, const std::vector<std::string>& args);

/// `curl -sS --max-time 20 url args...` (e.g. `smtp://127.0.0.1:port`), killed after 60 s.
ProcessResult curl(const std::string& url, const std::vector<std::string>& args);

/// Runs a Python snippet after this prelude, killed after 60 s:
/// `import smtplib, ssl, sys, base64`; `port = int(sys.argv[1])`; `ca = sys.argv[2]`;
/// `verifying()` returns an ssl context trusting only `ca` with host-name checks on.
ProcessResult pythonSmtp(const std::string& script, std::uint16_t port, const std::string& caPath = "-",
                         const std::vector<std::string>& extra = {});

} // namespace mailrig::test
