#pragma once

#include <cstdint>
#include <memory>

namespace mailrig::fake::detail {

class Channel;
class SmtpSession;
struct SessionRecord;

/// One accepted connection and its conversation. Owned by whoever serves it: the event loop, or
/// the worker thread it was handed to; `ServerCore::finish` ends it.
struct Connection {
    std::uint64_t id = 0;
    bool implicitTls = false;
    std::shared_ptr<Channel> channel; ///< shared with the server's table of live connections (`stop` aborts it)
    std::shared_ptr<SessionRecord> record;
    std::unique_ptr<SmtpSession> session; ///< refers to `*channel` and `record`: destroyed first

    Connection();
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
};

} // namespace mailrig::fake::detail
