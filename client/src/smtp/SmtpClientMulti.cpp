// Multi-connection bulk send (mode 7): a pool of workers, each with its own connection, taking
// messages from one queue so that every message is handed out exactly once.
#include "smtp/SmtpOperations.h"

#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace mailrig::detail {

namespace {

/// The shared state of one parallel send; every member is guarded by `mutex`.
struct Pool {
    std::mutex mutex;
    std::deque<std::size_t> queue;            ///< indexes not yet handed out
    std::vector<std::optional<MessageOutcome>> outcomes;
    SendProgress progress;
    bool stop = false;                        ///< stop-on-first-failure or cancellation
    std::string stopReason;
    std::string lastSessionError;             ///< why the last worker gave up
};

void worker(const SmtpClientConfig& config, const std::vector<PreparedMessage>& prepared,
            const CancellationToken* cancel, Pool& pool) {
    Courier courier(config, cancel);
    for (;;) {
        std::size_t index;
        {
            std::lock_guard<std::mutex> lock(pool.mutex);
            if (pool.stop || pool.queue.empty()) break;
            index = pool.queue.front();
            pool.queue.pop_front();
        }
        BytesContent content(prepared[index].bytes);
        Delivery delivery = courier.deliver(prepared[index].envelope, content);
        MessageOutcome outcome = toOutcome(index, prepared[index], delivery);
        std::lock_guard<std::mutex> lock(pool.mutex);
        if (delivery.sessionFailed) {
            // Nothing of it reached the server: hand it back for a worker whose connection
            // works, and retire this worker.
            pool.queue.push_front(index);
            pool.lastSessionError = outcome.error;
            break;
        }
        if (outcome.status == MessageStatus::NotAttempted && !pool.stop) {
            pool.stop = true;
            pool.stopReason = "cancelled";
        }
        if (config.stopOnFirstFailure && outcome.status == MessageStatus::Failed && !pool.stop) {
            pool.stop = true;
            pool.stopReason = "stopped after message #" + std::to_string(index) + " failed";
        }
        ++pool.progress.completed;
        if (outcome.status == MessageStatus::Succeeded) ++pool.progress.succeeded;
        if (outcome.status == MessageStatus::Failed) ++pool.progress.failed;
        pool.outcomes[index] = std::move(outcome);
        if (config.progress) {
            pool.progress.last = &*pool.outcomes[index];
            config.progress(pool.progress);
            pool.progress.last = nullptr;
        }
    }
    courier.close();
}

} // namespace

SendReport sendParallel(const SmtpClientConfig& config, const std::vector<PreparedMessage>& prepared,
                        const CancellationToken* cancel) {
    Pool pool;
    pool.outcomes.resize(prepared.size());
    pool.progress.total = prepared.size();
    for (std::size_t i = 0; i < prepared.size(); ++i) pool.queue.push_back(i);
    const std::size_t workers = std::min(config.connections, prepared.size());
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i)
        threads.emplace_back(worker, std::cref(config), std::cref(prepared), cancel, std::ref(pool));
    for (auto& t : threads) t.join();

    SendReport report;
    report.messages.reserve(prepared.size());
    for (std::size_t i = 0; i < prepared.size(); ++i) {
        if (pool.outcomes[i]) {
            report.messages.push_back(std::move(*pool.outcomes[i]));
            continue;
        }
        std::string reason = pool.stopReason;
        if (reason.empty() && cancel && cancel->isCancelled()) reason = "cancelled";
        if (reason.empty())
            reason = "every connection failed: " + pool.lastSessionError;
        report.messages.push_back(notAttempted(i, prepared[i], reason));
        if (config.progress) {
            ++pool.progress.completed;
            pool.progress.last = &report.messages.back();
            config.progress(pool.progress);
        }
    }
    return report;
}

} // namespace mailrig::detail
