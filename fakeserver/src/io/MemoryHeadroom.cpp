#include "io/MemoryHeadroom.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

namespace mailrig::fake::detail {

namespace {

/// The first line of a small file, without its newline; empty when it cannot be read.
std::string firstLine(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (in) std::getline(in, line);
    return line;
}

/// A decimal number of bytes, or -1 when `text` is not one ("max" included).
long long bytesIn(const std::string& text) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoll(text);
}

/// The `key N` value of a cgroup `memory.stat`, or 0.
long long statValue(const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string name;
    long long value = 0;
    while (in >> name >> value)
        if (name == key) return value;
    return 0;
}

/// `MemAvailable` from /proc/meminfo in bytes, or -1.
long long availableMemory() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    long long kib = 0;
    std::string unit;
    while (in >> key >> kib) {
        std::getline(in, unit);
        if (key == "MemAvailable:") return kib * 1024;
    }
    return -1;
}

/// Room left under the cgroup v2 memory limit of this process's group, or -1 (no limit, or
/// cgroup v1, or not readable).
long long controlGroupRoom() {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("0::", 0) == 0) return controlGroupRoomIn("/sys/fs/cgroup" + line.substr(3));
    return -1;
}

/// Room left under RLIMIT_AS, or -1 when there is no such limit.
long long addressSpaceRoom() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
    unsigned long long pages = 0;
    std::FILE* statm = std::fopen("/proc/self/statm", "r");
    if (!statm) return -1;
    const bool read = std::fscanf(statm, "%llu", &pages) == 1;
    std::fclose(statm);
    if (!read) return -1;
    const unsigned long long mapped = pages * static_cast<unsigned long long>(::sysconf(_SC_PAGESIZE));
    return limit.rlim_cur > mapped ? static_cast<long long>(limit.rlim_cur - mapped) : 0;
}

} // namespace

long long controlGroupRoomIn(std::string directory) {
    if (directory.empty() || directory.back() != '/') directory += '/';
    const long long max = bytesIn(firstLine(directory + "memory.max"));
    long long used = bytesIn(firstLine(directory + "memory.current"));
    if (max < 0 || used < 0) return -1;
    used -= std::min(used, statValue(directory + "memory.stat", "inactive_file"));
    return max > used ? max - used : 0;
}

MemoryHeadroom memoryHeadroom() {
    MemoryHeadroom headroom;
    auto consider = [&headroom](long long bytes, const char* source) {
        if (bytes >= 0 && static_cast<unsigned long long>(bytes) < headroom.bytes) {
            headroom.bytes = static_cast<std::size_t>(bytes);
            headroom.limitedBy = source;
        }
    };
    consider(availableMemory(), "available memory");
    consider(controlGroupRoom(), "the control group's memory limit");
    consider(addressSpaceRoom(), "the address-space limit");
    return headroom;
}

} // namespace mailrig::fake::detail
