#pragma once

#include <chrono>

namespace mailrig {

/// Retries of one message after a transient failure: a 4xx reply to MAIL, RCPT (when every
/// recipient got 4xx), DATA or the end of data, or a connection dropped or timed out before the
/// server accepted the data. Each retry opens a fresh transaction (a new connection when the old
/// one is gone) after a backoff. A message is never sent again once the server answered 2xx to
/// its data; recipients already refused permanently are not retried. Off by default
/// (maxAttempts 1).
struct RetryPolicy {
    int maxAttempts = 1;                                  ///< total tries, including the first
    std::chrono::milliseconds initialBackoff{1000};        ///< wait before the second try
    double multiplier = 2.0;                              ///< backoff growth per further try
    std::chrono::milliseconds maxBackoff{60000};           ///< cap on a single wait

    /// No retries (the default).
    static RetryPolicy none() { return RetryPolicy{}; }
    /// `attempts` tries in all with exponential backoff starting at `backoff`.
    static RetryPolicy attempts(int attempts, std::chrono::milliseconds backoff) {
        RetryPolicy p;
        p.maxAttempts = attempts;
        p.initialBackoff = backoff;
        return p;
    }
    /// The wait before try number `attempt` (2 for the first retry).
    std::chrono::milliseconds delayBefore(int attempt) const {
        double d = static_cast<double>(initialBackoff.count());
        for (int i = 2; i < attempt; ++i) d *= multiplier;
        if (d > static_cast<double>(maxBackoff.count())) d = static_cast<double>(maxBackoff.count());
        return std::chrono::milliseconds(static_cast<long long>(d));
    }
};

} // namespace mailrig
