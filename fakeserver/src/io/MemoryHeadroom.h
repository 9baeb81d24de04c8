#pragma once

#include <cstddef>
#include <string>

namespace mailrig::fake::detail {

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

/// Reads the headroom now (a few small files under /proc and /sys; a few microseconds). Never
/// throws except std::bad_alloc; a source that cannot be read is left out.
MemoryHeadroom memoryHeadroom();

} // namespace mailrig::fake::detail
