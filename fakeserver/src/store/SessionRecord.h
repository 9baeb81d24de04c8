#pragma once

#include "mailrig/fakeserver/CapturedMessage.h"

#include <mutex>
#include <string>

namespace mailrig::fake::detail {

/// The live facts of one connection: written by its connection thread, read as snapshots by
/// any thread (messages and the store share it). Every access takes the record's lock.
struct SessionRecord {
    explicit SessionRecord(SessionInfo initial, bool recordTranscript)
        : _info(std::move(initial)), _recordTranscript(recordTranscript) {}

    /// A copy of the facts and the transcript so far.
    SessionInfo snapshot() const {
        std::lock_guard<std::mutex> lock(_mutex);
        return _info;
    }
    /// Changes facts under the lock: `change(SessionInfo&)`.
    template <typename Change> void update(Change&& change) {
        std::lock_guard<std::mutex> lock(_mutex);
        change(_info);
    }
    /// Appends one transcript line (no-op when transcripts are off).
    void append(char direction, std::string text) {
        if (!_recordTranscript) return;
        auto now = std::chrono::system_clock::now();
        std::lock_guard<std::mutex> lock(_mutex);
        _info.transcript.push_back(TranscriptLine{now, direction, std::move(text)});
    }
    std::uint64_t id() const { return _info.id; } // immutable after construction

private:
    mutable std::mutex _mutex;
    SessionInfo _info;
    bool _recordTranscript;
};

} // namespace mailrig::fake::detail
