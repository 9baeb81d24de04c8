// Multi-connection bulk send (mode 7): a pool of workers, each with its own connection. Messages
// are dealt round-robin into one queue per worker, so every connection asked for gets its share
// even when some threads start late; a worker whose own queue is empty takes from the back of
// the longest queue of a worker that has started (or retired), so a slow or failed connection
// never holds messages back. Every message is handed out exactly once.
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
    std::vector<std::deque<std::size_t>> queues; ///< per worker: indexes not yet handed out
    std::vector<bool> claimable;              ///< per worker: started (or retired), so others may take its messages
    std::vector<std::optional<MessageOutcome>> outcomes;
    SendProgress progress;
    bool stop = false;                        ///< stop-on-first-failure or cancellation
    std::string stopReason;
    std::string lastSessionError;             ///< why the last worker gave up
    /// The message the last worker gave up on, with that failure: when every connection failed
    /// it is reported failed (as with one connection), the rest not attempted.
    std::optional<MessageOutcome> lastSessionFailure;
};

/// The next message for worker `self`: its own queue first, else the back of the longest queue
/// of a started worker. Called with `pool.mutex` held.
std::optional<std::size_t> takeNext(Pool& pool, std::size_t self) {
    if (!pool.queues[self].empty()) {
        std::size_t index = pool.queues[self].front();
        pool.queues[self].pop_front();
        return index;
    }
    std::deque<std::size_t>* longest = nullptr;
    for (std::size_t k = 0; k < pool.queues.size(); ++k)
        if (pool.claimable[k] && !pool.queues[k].empty() &&
            (!longest || pool.queues[k].size() > longest->size()))
            longest = &pool.queues[k];
    if (!longest) return std::nullopt;
    std::size_t index = longest->back();
    longest->pop_back();
    return index;
}

/// Records finished deliveries; true when this worker must retire because its connection could
/// not be opened (the message goes back to its queue for a worker whose connection works).
/// Called with `pool.mutex` held.
bool record(const SmtpClientConfig& config, const std::vector<PreparedMessage>& prepared,
            Pool& pool, std::size_t self, std::vector<Finished>& finished) {
    bool retire = false;
    for (auto& f : finished) {
        const std::size_t index = f.ticket;
        MessageOutcome outcome = toOutcome(index, prepared[index], f.delivery);
        if (f.delivery.sessionFailed) {
            pool.queues[self].push_front(index);
            pool.lastSessionError = outcome.error;
            pool.lastSessionFailure = std::move(outcome);
            retire = true;
            continue;
        }
        if (outcome.status == MessageStatus::NotAttempted && !pool.stop) {
            pool.stop = true;
            pool.stopReason = "cancelled";
        }
        if (config.stopOnFirstFailure && outcome.status == MessageStatus::Failed && !pool.stop) {
            pool.stop = true;
            pool.stopReason = "stopped after message #" + std::to_string(index + 1) + " failed";
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
    return retire;
}

void worker(const SmtpClientConfig& config, const std::vector<PreparedMessage>& prepared,
            const CancellationToken* cancel, Pool& pool, std::size_t self) {
    {
        std::lock_guard<std::mutex> lock(pool.mutex);
        pool.claimable[self] = true;
    }
    Courier courier(config, cancel);
    for (;;) {
        std::size_t index;
        {
            std::lock_guard<std::mutex> lock(pool.mutex);
            if (pool.stop) break;
            std::optional<std::size_t> next = takeNext(pool, self);
            if (!next) break;
            index = *next;
        }
        std::vector<Finished> finished = courier.post(
            index, prepared[index].envelope, std::make_unique<BytesContent>(prepared[index].bytes));
        std::lock_guard<std::mutex> lock(pool.mutex);
        if (record(config, prepared, pool, self, finished)) break;
    }
    std::vector<Finished> finished = courier.flush();
    courier.close();
    std::lock_guard<std::mutex> lock(pool.mutex);
    record(config, prepared, pool, self, finished);
}

} // namespace

SendReport sendParallel(const SmtpClientConfig& config, const std::vector<PreparedMessage>& prepared,
                        const CancellationToken* cancel) {
    Pool pool;
    pool.outcomes.resize(prepared.size());
    pool.progress.total = prepared.size();
    const std::size_t workers = std::min(config.connections, prepared.size());
    pool.queues.resize(workers);
    pool.claimable.assign(workers, false);
    for (std::size_t i = 0; i < prepared.size(); ++i) pool.queues[i % workers].push_back(i);
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i)
        threads.emplace_back(worker, std::cref(config), std::cref(prepared), cancel, std::ref(pool), i);
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
        if (reason.empty() && pool.lastSessionFailure && pool.lastSessionFailure->index == i) {
            report.messages.push_back(std::move(*pool.lastSessionFailure));
            pool.lastSessionFailure.reset();
            ++pool.progress.failed;
        } else {
            if (reason.empty()) reason = "every connection failed: " + pool.lastSessionError;
            report.messages.push_back(notAttempted(i, prepared[i], reason));
        }
        if (config.progress) {
            ++pool.progress.completed;
            pool.progress.last = &report.messages.back();
            config.progress(pool.progress);
        }
    }
    return report;
}

} // namespace mailrig::detail
