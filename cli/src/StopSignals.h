#pragma once
/// SIGINT and SIGTERM taken synchronously, so a command can stop cleanly (files removed,
/// reports written) instead of dying where it stands.

#include <chrono>
#include <csignal>

namespace mailrig::cli {

/// Blocks SIGINT and SIGTERM in this thread (and so in every thread started after it) for its
/// lifetime, so they can be taken with wait(). Those still pending at the end are dropped: the
/// command has stopped by then.
class BlockedStopSignals {
public:
    BlockedStopSignals();
    ~BlockedStopSignals();
    BlockedStopSignals(const BlockedStopSignals&) = delete;
    BlockedStopSignals& operator=(const BlockedStopSignals&) = delete;
    /// The signal number received within `timeout`, or 0.
    int wait(std::chrono::milliseconds timeout) const;

private:
    sigset_t _set;
    sigset_t _previous;
};

} // namespace mailrig::cli
