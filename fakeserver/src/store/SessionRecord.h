#pragma once

#include "mailrig/fakeserver/CapturedMessage.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mailrig::fake::detail {

/// The live facts of one connection: written by its connection thread, read as snapshots by
/// any thread (messages and the store share it). Every access takes the record's lock.
struct SessionRecord {
    explicit SessionRecord(SessionInfo initial, bool recordTranscript)
        : _info(std::move(initial)), _transcript(std::move(_info.transcript)), _recordTranscript(recordTranscript) {
        _info.transcript.clear();
    }

    /// A copy of the facts and the transcript so far.
    SessionInfo snapshot() const {
        std::lock_guard<std::mutex> lock(_mutex);
        SessionInfo copy = _info;
        copy.transcript = _transcript;
        return copy;
    }
    /// A copy of the facts with only transcript lines `[from, to)` (clamped to what exists).
    SessionInfo snapshotPart(std::size_t from, std::size_t to) const {
        std::lock_guard<std::mutex> lock(_mutex);
        SessionInfo copy = _info;
        to = std::min(to, _transcript.size());
        from = std::min(from, to);
        copy.transcript.assign(_transcript.begin() + static_cast<std::ptrdiff_t>(from),
                               _transcript.begin() + static_cast<std::ptrdiff_t>(to));
        return copy;
    }
    /// Claims the transcript lines since the previous claim (or the session start) for a new
    /// message: returns `[from, to)` and starts the next part at `to`.
    std::pair<std::size_t, std::size_t> claimPart() const {
        std::lock_guard<std::mutex> lock(_mutex);
        const std::size_t from = _partStart;
        _partStart = _transcript.size();
        return {from, _partStart};
    }
    /// Changes facts under the lock: `change(SessionInfo&)` (its `transcript` is always empty
    /// there: lines are added with `append`).
    template <typename Change> void update(Change&& change) {
        std::lock_guard<std::mutex> lock(_mutex);
        change(_info);
    }
    /// Appends one transcript line (no-op when transcripts are off).
    void append(char direction, std::string text) {
        if (!_recordTranscript) return;
        auto now = std::chrono::system_clock::now();
        std::lock_guard<std::mutex> lock(_mutex);
        _transcript.push_back(TranscriptLine{now, direction, std::move(text)});
    }
    std::uint64_t id() const { return _info.id; } // immutable after construction
    const std::string& peer() const { return _info.peer; } // immutable after construction

private:
    mutable std::mutex _mutex;
    SessionInfo _info; // facts only: the lines are in _transcript
    std::vector<TranscriptLine> _transcript;
    bool _recordTranscript;
    mutable std::size_t _partStart = 0; // first transcript line of the next message's part
};

} // namespace mailrig::fake::detail
