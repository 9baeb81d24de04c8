#pragma once

#include <cstddef>
#include <string>

namespace mailrig::fake::detail {

/// Held message content is checked against the memory the process may still take each time it
/// has grown by this much: a message's content as it arrives, and the store's as messages are
/// kept.
constexpr std::size_t kMemoryCheckStep = 16 * 1024 * 1024;
/// Memory a message may never take from the process: left for the other sessions, the replies
/// and the capture itself.
constexpr std::size_t kMemoryReserve = 64 * 1024 * 1024;

/// What limits the memory this process may still take, as read from the system.
struct MemoryHeadroom {
    /// Bytes the process may still take: the least of the system's available memory
    /// (`MemAvailable`), its control group's room (cgroup v2 `memory.max` - `memory.current`)
    /// and its address-space limit (RLIMIT_AS - the mapped size). SIZE_MAX when none is known.
    std::size_t bytes = static_cast<std::size_t>(-1);
    /// Which of them gave `bytes` ("available memory", "the control group's memory limit",
    /// "the address-space limit"); empty when none is known.
    std::string limitedBy;
};

/// Room left under the cgroup v2 memory limit of the group in `directory` (its `memory.max`,
/// `memory.current` and `memory.stat`): the limit minus the usage, the group's inactive page
/// cache counted as room (the kernel reclaims it before the group runs out, but
/// `memory.current` counts it as used). -1 without a limit (`max`) or when unreadable.
long long controlGroupRoomIn(std::string directory);

/// Reads the headroom now (a few small files under /proc and /sys; a few microseconds). Never
/// throws except std::bad_alloc; a source that cannot be read is left out.
MemoryHeadroom memoryHeadroom();

} // namespace mailrig::fake::detail
