// sendAsync / forwardAsync: the synchronous operations on a worker thread with a settings
// snapshot, cancellable through a CancellationToken.
#include "smtp/SmtpOperations.h"

#include <map>
#include <mutex>

namespace mailrig {

struct CancellationToken::State {
    std::mutex mutex;
    bool cancelled = false;
    std::size_t nextId = 1;
    std::map<std::size_t, std::function<void()>> callbacks;
};

CancellationToken::CancellationToken() : _state(std::make_shared<State>()) {}

void CancellationToken::cancel() const {
    // Callbacks run under the lock so that unregisterCallback() returning means the callback is
    // not running (the object it touches may then be destroyed).
    std::lock_guard<std::mutex> lock(_state->mutex);
    if (_state->cancelled) return;
    _state->cancelled = true;
    for (auto& entry : _state->callbacks) entry.second();
}

bool CancellationToken::isCancelled() const {
    std::lock_guard<std::mutex> lock(_state->mutex);
    return _state->cancelled;
}

std::size_t CancellationToken::registerCallback(std::function<void()> callback) const {
    std::lock_guard<std::mutex> lock(_state->mutex);
    if (_state->cancelled) callback();
    const std::size_t id = _state->nextId++;
    _state->callbacks.emplace(id, std::move(callback));
    return id;
}

void CancellationToken::unregisterCallback(std::size_t id) const {
    std::lock_guard<std::mutex> lock(_state->mutex);
    _state->callbacks.erase(id);
}

std::future<SendResult> SmtpClient::sendAsync(MailMessage message, CancellationToken token) {
    return std::async(std::launch::async, [config = _c, message = std::move(message), token] {
        return detail::sendOne(config, message, &token);
    });
}

std::future<SendReport> SmtpClient::sendAsync(MailMessageCollection messages, CancellationToken token) {
    return std::async(std::launch::async, [config = _c, messages = std::move(messages), token] {
        return detail::sendMany(config, messages, &token);
    });
}

std::future<SendResult> SmtpClient::forwardAsync(std::string sender, std::vector<std::string> recipients,
                                                 MailMessage message, CancellationToken token) {
    return std::async(std::launch::async, [config = _c, sender = std::move(sender),
                                           recipients = std::move(recipients),
                                           message = std::move(message), token] {
        return detail::forwardMessage(config, sender, recipients, message, &token);
    });
}

std::future<SendResult> SmtpClient::forwardAsync(std::string sender, std::vector<std::string> recipients,
                                                 std::shared_ptr<std::istream> in,
                                                 CancellationToken token) {
    if (!in) throw std::invalid_argument("forwardAsync: the stream is null");
    return std::async(std::launch::async, [config = _c, sender = std::move(sender),
                                           recipients = std::move(recipients), in, token] {
        return detail::forwardStream(config, sender, recipients, *in, &token);
    });
}

} // namespace mailrig
