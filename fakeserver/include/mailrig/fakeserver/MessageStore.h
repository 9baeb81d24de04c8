#pragma once

#include "mailrig/fakeserver/CapturedMessage.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace mailrig::fake {

/// What the store keeps of a message once its capture callbacks ran.
enum class Retention {
    /// Every message stays in the store until `clear()`: `messages()`, `count()`, `last()` and
    /// the waits see it. The default (embedded tests read captures from the store).
    KeepAll,
    /// Nothing is kept after the capture callbacks ran: for a spool or a counter that consumes
    /// each message itself, so a long run holds one message at a time per connection.
    /// `messages()` is empty, `count()` 0, `last()` throws, `waitFor*` see no message (wait on
    /// your callback, or use `accepted()`); `sessions()` lists the open sessions only (a
    /// session is forgotten when its connection ends), so a long run holds no history at all.
    KeepNone,
};

/// Every message and session one server captured. Thread-safe: the server's connection
/// threads add, any thread reads; accessors return copies taken under the lock (cheap: message
/// bytes are shared). Owned by `FakeSmtpServer`; outlives the connections.
class MessageStore {
public:
    /// Called on the thread serving the session (under `Threading::EventLoop` usually an event
    /// loop's, shared by the plain sessions it serves: see `ServerConfig::threading` and
    /// `ServerConfig::eventLoops`) for every message, after it is in the store and before
    /// the `250` is written. If it throws, the client gets `451 4.3.0` and the message is removed
    /// again (so nothing acknowledged is lost from a spool). Keep it fast.
    using CaptureCallback = std::function<void(const CapturedMessage&)>;

    MessageStore();
    MessageStore(const MessageStore&) = delete;
    MessageStore& operator=(const MessageStore&) = delete;

    /// A copy of every captured message, in capture order.
    std::vector<CapturedMessage> messages() const;
    /// How many messages are held.
    std::size_t count() const;
    /// The newest message; throws std::out_of_range when there is none.
    CapturedMessage last() const;
    /// Snapshots of every session seen (also those without messages), in accept order.
    std::vector<SessionInfo> sessions() const;
    /// Forgets every message and session (sequence numbers continue).
    void clear();

    /// Sets what is kept of later messages (messages already held stay). Any thread; set it
    /// before the server starts to be sure every message follows it.
    void setRetention(Retention retention);
    Retention retention() const;
    /// How many messages were accepted (all callbacks ran without throwing) since the store was
    /// made, whatever the retention; `clear()` does not reset it.
    std::uint64_t accepted() const;

    /// Blocks until `predicate(messages())` is true or `timeout` passed; returns the final
    /// answer (false on timeout). The predicate runs under the store's lock: do not call the
    /// store from it.
    bool waitFor(const std::function<bool(const std::vector<CapturedMessage>&)>& predicate,
                 std::chrono::milliseconds timeout) const;
    /// Blocks until at least `n` messages are held or `timeout` passed; false on timeout.
    bool waitForCount(std::size_t n, std::chrono::milliseconds timeout) const;
    /// Blocks until a message matching `predicate` is held; false on timeout.
    bool waitForMessage(const std::function<bool(const CapturedMessage&)>& predicate,
                        std::chrono::milliseconds timeout) const;

    /// Adds a callback run for every later capture (the spool and `mailrig serve` hook in here).
    /// Returns an id for `removeCaptureCallback`. Callbacks may run on several threads at once.
    int addCaptureCallback(CaptureCallback callback);
    void removeCaptureCallback(int id);

    /// Used by the server: gives the message the next sequence number, stores it, runs the
    /// callbacks (outside the lock), wakes waiters; rethrows a callback's exception after
    /// removing the message again. Returns the message (with `Retention::KeepNone` it is not
    /// held after this returns).
    CapturedMessage add(CapturedMessage message);
    /// Used by the server: registers a session record so `sessions()` lists it.
    void addSession(std::shared_ptr<const detail::SessionRecord> session);
    /// Used by the server when a connection ended: with `Retention::KeepNone` its record is
    /// forgotten (messages that refer to it keep it alive as long as they live).
    void endSession(std::uint64_t id);

private:
    mutable std::mutex _mutex;
    mutable std::condition_variable _changed;
    std::vector<CapturedMessage> _messages;
    std::vector<std::shared_ptr<const detail::SessionRecord>> _sessions;
    std::uint64_t _sequence = 0;
    std::uint64_t _accepted = 0;
    Retention _retention = Retention::KeepAll;
    std::mutex _callbackMutex;
    std::vector<std::pair<int, CaptureCallback>> _callbacks;
    int _nextCallbackId = 1;
};

} // namespace mailrig::fake
