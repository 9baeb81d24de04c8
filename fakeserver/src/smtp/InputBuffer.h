#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace mailrig::fake::detail {

/// Bytes asked of the socket per read while commands (and small messages) arrive.
constexpr std::size_t kCommandReadBlock = 64 * 1024;
/// Bytes asked per read once a message's content has passed `kCommandReadBlock`: a quarter of
/// the reads, loop turns and TCP window updates per megabyte (100 × 10 MB: about 10% less
/// server CPU than with 64 KiB reads).
constexpr std::size_t kContentReadBlock = 256 * 1024;

/// Bytes received but not yet consumed, with room to read the next block straight into it
/// (no zero-filling, no per-byte work). Consumed bytes at the front are dropped by moving the
/// rest down only when room is needed.
class InputBuffer {
public:
    /// The unconsumed bytes.
    std::string_view view() const { return {_data.get() + _begin, _end - _begin}; }
    std::size_t size() const { return _end - _begin; }
    bool empty() const { return _begin == _end; }
    /// Drops `n` bytes from the front.
    void consume(std::size_t n) {
        _begin += n;
        if (_begin == _end) _begin = _end = 0;
    }
    /// Drops everything.
    void clear() { _begin = _end = 0; }
    /// Makes room for at least `n` more bytes at the end and returns where they go; the room
    /// available is `room()`.
    char* prepare(std::size_t n) {
        if (_capacity - _end >= n) return _data.get() + _end;
        std::size_t used = _end - _begin;
        if (_begin > 0 && _capacity - used >= n) {
            std::memmove(_data.get(), _data.get() + _begin, used);
        } else {
            std::size_t capacity = _capacity ? _capacity : 1;
            while (capacity - used < n) capacity *= 2;
            std::unique_ptr<char[]> grown(new char[capacity]);
            if (used) std::memcpy(grown.get(), _data.get() + _begin, used);
            _data = std::move(grown);
            _capacity = capacity;
        }
        _begin = 0;
        _end = used;
        return _data.get() + _end;
    }
    std::size_t room() const { return _capacity - _end; }
    /// Marks `n` bytes written after `prepare` as received.
    void commit(std::size_t n) { _end += n; }
    /// Returns a large allocation (e.g. after a 10 MB message) once it is empty.
    void shrinkIfIdle(std::size_t keep) {
        if (_begin == _end && _capacity > keep) {
            _data.reset(new char[keep]);
            _capacity = keep;
            _begin = _end = 0;
        }
    }

private:
    std::unique_ptr<char[]> _data;
    std::size_t _capacity = 0;
    std::size_t _begin = 0;
    std::size_t _end = 0;
};

} // namespace mailrig::fake::detail
