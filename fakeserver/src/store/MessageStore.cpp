#include "mailrig/fakeserver/MessageStore.h"

#include "store/SessionRecord.h"

#include <algorithm>
#include <stdexcept>

namespace mailrig::fake {

MessageStore::MessageStore() = default;

std::vector<CapturedMessage> MessageStore::messages() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _messages;
}

std::size_t MessageStore::count() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _messages.size();
}

CapturedMessage MessageStore::last() const {
    std::lock_guard<std::mutex> lock(_mutex);
    if (_messages.empty()) throw std::out_of_range("MessageStore::last(): no message captured");
    return _messages.back();
}

std::vector<SessionInfo> MessageStore::sessions() const {
    std::vector<std::shared_ptr<const detail::SessionRecord>> records;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        records = _sessions;
    }
    std::vector<SessionInfo> out;
    out.reserve(records.size());
    for (const auto& record : records) out.push_back(record->snapshot());
    return out;
}

void MessageStore::clear() {
    std::lock_guard<std::mutex> lock(_mutex);
    _messages.clear();
    _sessions.clear();
    _changed.notify_all();
}

bool MessageStore::waitFor(const std::function<bool(const std::vector<CapturedMessage>&)>& predicate,
                           std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(_mutex);
    return _changed.wait_for(lock, timeout, [&] { return predicate(_messages); });
}

bool MessageStore::waitForCount(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(_mutex);
    return _changed.wait_for(lock, timeout, [&] { return _messages.size() >= n; });
}

bool MessageStore::waitForMessage(const std::function<bool(const CapturedMessage&)>& predicate,
                                  std::chrono::milliseconds timeout) const {
    return waitFor([&](const std::vector<CapturedMessage>& all) { return std::any_of(all.begin(), all.end(), predicate); },
                   timeout);
}

int MessageStore::addCaptureCallback(CaptureCallback callback) {
    std::lock_guard<std::mutex> lock(_callbackMutex);
    int id = _nextCallbackId++;
    _callbacks.emplace_back(id, std::move(callback));
    return id;
}

void MessageStore::removeCaptureCallback(int id) {
    std::lock_guard<std::mutex> lock(_callbackMutex);
    _callbacks.erase(std::remove_if(_callbacks.begin(), _callbacks.end(), [id](const auto& entry) { return entry.first == id; }),
                     _callbacks.end());
}

void MessageStore::setRetention(Retention retention) {
    std::lock_guard<std::mutex> lock(_mutex);
    _retention = retention;
}

Retention MessageStore::retention() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _retention;
}

std::uint64_t MessageStore::accepted() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _accepted;
}

CapturedMessage MessageStore::add(CapturedMessage message) {
    bool held = false;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        message._sequence = ++_sequence;
        held = _retention == Retention::KeepAll;
        if (held) _messages.push_back(message);
    }
    std::vector<CaptureCallback> callbacks;
    {
        std::lock_guard<std::mutex> lock(_callbackMutex);
        for (const auto& entry : _callbacks) callbacks.push_back(entry.second);
    }
    try {
        for (const CaptureCallback& callback : callbacks) callback(message);
    } catch (...) {
        if (!held) throw;
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = std::find_if(_messages.begin(), _messages.end(),
                               [&](const CapturedMessage& m) { return m._sequence == message._sequence; });
        if (it != _messages.end()) _messages.erase(it);
        throw;
    }
    {
        std::lock_guard<std::mutex> lock(_mutex);
        ++_accepted;
    }
    _changed.notify_all();
    return message;
}

void MessageStore::addSession(std::shared_ptr<const detail::SessionRecord> session) {
    std::lock_guard<std::mutex> lock(_mutex);
    _sessions.push_back(std::move(session));
    _changed.notify_all();
}

void MessageStore::endSession(std::uint64_t id) {
    std::lock_guard<std::mutex> lock(_mutex);
    if (_retention != Retention::KeepNone) return;
    auto found = std::find_if(_sessions.begin(), _sessions.end(), [id](const auto& s) { return s->id() == id; });
    if (found != _sessions.end()) _sessions.erase(found);
}

} // namespace mailrig::fake
