// Reading from the peer: command lines, message data and their timeouts, for a session on the
// event loop (never waits) and for one on its own thread (blocks on the socket).
#include "smtp/SmtpSession.h"

#include "smtp/Channel.h"
#include "smtp/ServerCore.h"
#include "store/SessionRecord.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace mailrig::fake::detail {

// ---------------------------------------------------------------------------------------------
// Both ways: what has been read is answered as far as it goes.

SmtpSession::Step SmtpSession::advance() {
    for (;;) {
        if (_data) {
            if (!continueData()) return Step::NeedInput;
            waitForNextLine();
            continue;
        }
        if (_core.stopping()) return Step::Stop;
        std::string line;
        const LineStatus status = takeLine(line, lineLimitFor({}));
        if (status == LineStatus::Incomplete) return Step::NeedInput;
        if (status == LineStatus::TooLong) {
            refuse(500, "5.5.2", "Line too long");
            waitForNextLine();
            continue;
        }
        if (_onLoop && needsThread(line)) {
            _held = std::move(line);
            return Step::NeedThread;
        }
        dispatch(line);
        waitForNextLine();
    }
}

bool SmtpSession::needsThread(std::string_view line) {
    // The commands that wait for the peer in the middle of their work: the TLS handshake, a
    // SASL exchange, a chunk of known size.
    std::string_view verb = line.substr(0, std::min(line.find(' '), line.size()));
    auto is = [verb](std::string_view name) {
        if (verb.size() != name.size()) return false;
        for (std::size_t i = 0; i < verb.size(); ++i)
            if (std::toupper(static_cast<unsigned char>(verb[i])) != name[i]) return false;
        return true;
    };
    return is("STARTTLS") || is("AUTH") || is("BDAT");
}

SmtpSession::LineStatus SmtpSession::takeLine(std::string& line, std::size_t limit) {
    std::string_view view = _in.view();
    const void* lf = view.size() > _scanned ? std::memchr(view.data() + _scanned, '\n', view.size() - _scanned) : nullptr;
    if (!lf) {
        _scanned = view.size();
        if (view.size() > limit) {
            // Over the limit without an end: drop it up to its LF, then say so.
            _discarding = true;
            _in.clear();
            _scanned = 0;
        }
        return LineStatus::Incomplete;
    }
    std::size_t end = static_cast<std::size_t>(static_cast<const char*>(lf) - view.data());
    _scanned = 0;
    if (_discarding) {
        _in.consume(end + 1);
        _discarding = false;
        _record->append('C', "<line over " + std::to_string(limit) + " octets>");
        return LineStatus::TooLong;
    }
    const bool crlf = end > 0 && view[end - 1] == '\r';
    if (!crlf) noteBareLfCommand();
    std::size_t length = crlf ? end - 1 : end;
    line.assign(view.data(), length);
    _in.consume(end + 1);
    return LineStatus::Complete;
}

void SmtpSession::waitForNextLine() {
    _lineDeadline = Clock::now() + _core.config().limits.commandTimeout;
}

std::string SmtpSession::timeoutText(Clock::time_point now) const {
    const std::string& hostname = _core.config().hostname;
    if (_data) return hostname + " Timeout, closing connection";
    return hostname + (now >= _lineDeadline ? " Command timeout" : " Idle timeout") + ", closing connection";
}

void SmtpSession::peerClosed() {
    if (_data) hangUp("peer closed during DATA; the message is not captured");
    if (!_in.empty()) note("peer closed with an unterminated line: " + std::to_string(_in.size()) + " bytes");
    throw CloseSession{};
}

// ---------------------------------------------------------------------------------------------
// On a thread of its own.

void SmtpSession::run() noexcept {
    _onLoop = false;
    try {
        try {
            if (!_started) {
                _started = true;
                waitForNextLine();
                if (_implicitTls) handshake("implicit");
                greet();
            }
            if (_held) {
                std::string line = std::move(*_held);
                _held.reset();
                dispatch(line);
                waitForNextLine();
            }
            while (advance() == Step::NeedInput) {
                if (!receiveBlocking()) peerClosed();
            }
            flush();
        } catch (const Poco::TimeoutException&) {
            closeWith(421, "4.4.2", timeoutText(Clock::now()));
        }
    } catch (const CloseSession&) {
    } catch (const std::exception& e) {
        note(std::string("connection ended: ") + e.what());
    } catch (...) {
        note("connection ended by an unknown error");
    }
}

SmtpSession::LineStatus SmtpSession::readLine(std::string& line, std::size_t limit, bool masked) {
    waitForNextLine();
    LineStatus status;
    while ((status = takeLine(line, limit)) == LineStatus::Incomplete)
        if (!receiveBlocking()) throw CloseSession{};
    if (status == LineStatus::Complete && line.size() + 2 > limit) { // arrived whole, but too long all the same
        _record->append('C', "<line over " + std::to_string(limit) + " octets>");
        return LineStatus::TooLong;
    }
    if (status == LineStatus::Complete && masked) _record->append('C', "***");
    return status;
}

bool SmtpSession::receiveBlocking() {
    const Limits& limits = _core.config().limits;
    // The command deadline is checked between reads: a trickling peer is caught at the first
    // byte after it; a silent one by the idle timeout, which stays constant so the socket
    // option is set once per session, not once per read.
    if (!_data && Clock::now() >= _lineDeadline) closeWith(421, "4.4.2", timeoutText(Clock::now()));
    std::size_t got = 0;
    try {
        got = receiveMore(_data ? limits.dataBlockTimeout : limits.idleTimeout);
    } catch (const Poco::TimeoutException&) {
        closeWith(421, "4.4.2", timeoutText(Clock::now()));
    }
    return got > 0;
}

std::size_t SmtpSession::receiveMore(std::chrono::milliseconds timeout) {
    flush(); // answer everything read so far before blocking: one write per pipelined group
    const std::size_t block = readBlock();
    char* at = _in.prepare(block);
    std::size_t got = _channel.receive(at, std::max(_in.room(), block), timeout);
    _in.commit(got);
    return got;
}

// ---------------------------------------------------------------------------------------------
// On the event loop: nothing here waits.

SmtpSession::Next SmtpSession::begin() noexcept {
    _onLoop = true;
    _started = true;
    _lastActivity = Clock::now();
    waitForNextLine();
    return drive(Event::Begin);
}

std::size_t SmtpSession::readBlock() const {
    return _data && _data->received >= kCommandReadBlock ? kContentReadBlock : kCommandReadBlock;
}

SmtpSession::Next SmtpSession::readable() noexcept { return drive(Event::Readable); }

SmtpSession::Next SmtpSession::writable() noexcept { return drive(Event::Writable); }

void SmtpSession::receiveNow() {
    const std::size_t block = readBlock();
    char* at = _in.prepare(block);
    std::optional<std::size_t> got = _channel.receiveNow(at, std::max(_in.room(), block));
    if (!got) return; // woken without data
    _in.commit(*got);
    if (*got == 0) peerClosed();
    _lastActivity = Clock::now();
}

SmtpSession::Next SmtpSession::drive(Event event) noexcept {
    try {
        if (event == Event::Writable) {
            flush();
            if (!_out.empty()) return Next::Write;
        }
        if (!_ending) {
            try {
                if (event == Event::Begin) greet();
                if (event == Event::Readable) receiveNow();
                Step step = advance();
                if (step == Step::NeedThread) return Next::Thread;
                if (step == Step::Stop) _ending = true;
            } catch (const CloseSession&) {
                _ending = true;
            }
        }
        flush();
    } catch (const std::exception& e) {
        note(std::string("connection ended: ") + e.what());
        return Next::Close;
    } catch (...) {
        note("connection ended by an unknown error");
        return Next::Close;
    }
    if (!_out.empty()) return Next::Write;
    return _ending ? Next::Close : Next::Read;
}

SmtpSession::Next SmtpSession::expire() noexcept {
    if (!_out.empty()) {
        note("peer stopped reading replies; connection closed");
        return Next::Close;
    }
    try {
        _ending = true;
        closeWith(421, "4.4.2", timeoutText(Clock::now()));
    } catch (...) {
    }
    return Next::Close;
}

SmtpSession::Clock::time_point SmtpSession::deadline() const {
    const Limits& limits = _core.config().limits;
    if (!_out.empty()) return _lastActivity + limits.idleTimeout;
    if (_data) return _lastActivity + limits.dataBlockTimeout;
    return std::min(_lastActivity + limits.idleTimeout, _lineDeadline);
}

} // namespace mailrig::fake::detail
