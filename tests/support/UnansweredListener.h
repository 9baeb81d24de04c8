#pragma once
/// A local address where connecting times out: a listening socket on 127.0.0.1 (port chosen by
/// the system) whose accept queue is full, so the kernel drops every further SYN. Deterministic
/// and local, unlike an unrouted outside address.

#include <cstdint>
#include <vector>

namespace mailrig::test {

class UnansweredListener {
public:
    /// Listens with a backlog of 0 and fills the queue with connections that are never
    /// accepted. Throws std::runtime_error naming the system call that failed.
    UnansweredListener();
    ~UnansweredListener();
    UnansweredListener(const UnansweredListener&) = delete;
    UnansweredListener& operator=(const UnansweredListener&) = delete;
    /// The listening port.
    std::uint16_t port() const { return _port; }

private:
    int _listener = -1;
    std::vector<int> _fillers;
    std::uint16_t _port = 0;
};

} // namespace mailrig::test
