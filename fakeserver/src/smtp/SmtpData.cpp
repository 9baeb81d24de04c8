#include "smtp/SmtpSession.h"

#include "io/MemoryHeadroom.h"
#include "mailrig/fakeserver/MessageStore.h"
#include "smtp/Channel.h"
#include "smtp/ServerCore.h"
#include "store/SessionRecord.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <sys/mman.h>
#include <unistd.h>

namespace mailrig::fake::detail {

namespace {
/// The most room reserved ahead for a message when no size limit is set.
constexpr std::size_t kMaxRoom = 64 * 1024 * 1024;
/// The most room reserved ahead for a message whatever its declared SIZE (a peer may declare
/// more than this machine has; a larger message still arrives, its room growing as it does).
constexpr std::size_t kMaxReserved = std::size_t{1} << 30;

/// Pages of the room ahead of a large message's content are mapped this many bytes at a time,
/// in one system call each (MADV_POPULATE_WRITE) instead of a page fault per 4 KiB; never more
/// than this beyond the bytes that arrived, so a declared SIZE alone commits no memory.
constexpr std::size_t kPopulateStep = 1024 * 1024;

/// Maps the whole pages in [from, to) of `data`. A kernel without MADV_POPULATE_WRITE changes
/// nothing but speed.
void populate(char* data, std::size_t from, std::size_t to) {
#ifdef MADV_POPULATE_WRITE
    static const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = (reinterpret_cast<std::uintptr_t>(data + from) + page - 1) & ~(page - 1);
    const auto end = reinterpret_cast<std::uintptr_t>(data + to) & ~(page - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
    (void)data, (void)from, (void)to;
#endif
}

/// Gives back the whole pages in [from, to) of `data` (mapped ahead but never written: room
/// past the end of a message that is kept).
void release(char* data, std::size_t from, std::size_t to) {
    static const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = (reinterpret_cast<std::uintptr_t>(data + from) + page - 1) & ~(page - 1);
    const auto end = reinterpret_cast<std::uintptr_t>(data + to) & ~(page - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

/// The most octets of one message the server reads: the size limit and the discard allowance
/// after it; no bound when either is 0.
std::size_t readableBound(const Limits& limits) {
    if (!limits.messageSize || !limits.oversizeDiscard) return std::numeric_limits<std::size_t>::max();
    return limits.messageSize > std::numeric_limits<std::size_t>::max() - limits.oversizeDiscard
               ? std::numeric_limits<std::size_t>::max()
               : limits.messageSize + limits.oversizeDiscard;
}

} // namespace

bool SmtpSession::checkData(const CommandLine& c) {
    if (_connection.state == State::Chunking) return refuse(503, "5.5.1", "DATA after BDAT"), false;
    if (_connection.state == State::Mail) return refuse(554, "5.5.1", "No valid recipients"), false;
    if (_connection.state != State::Rcpt) return refuse(503, "5.5.1", "Need MAIL and RCPT before DATA"), false;
    if (!c.argument.empty()) return refuse(501, "5.5.4", "DATA takes no argument"), false;
    if (_transaction.binaryMime) return refuse(503, "5.5.1", "BODY=BINARYMIME requires BDAT"), false;
    return true;
}

void SmtpSession::checkAbort(std::size_t received) {
    if (_pending.abortAfterBytes && received >= *_pending.abortAfterBytes)
        hangUp("scripted abort after " + std::to_string(received) + " bytes of message data");
}

void SmtpSession::proceedData(const CommandLine&) {
    notePipelining(true); // content sent before the 354
    reply(354, {}, "End data with <CR><LF>.<CR><LF>");
    const Limits& limits = _core.config().limits;
    _data.emplace(limits.textLineLength); // the content is decoded by continueData as it arrives
    // Room for the whole content at once: the declared SIZE, else the size of the session's
    // last message. Room never written to costs no memory; a message that turns out much
    // smaller is copied into an exact fit at the end.
    std::size_t expected = _lastMessageSize;
    const std::string declared = _transaction.mailFrom.param("SIZE");
    if (!declared.empty() && declared.size() <= 19 && declared.find_first_not_of("0123456789") == std::string::npos)
        expected = std::max<std::size_t>(expected, std::stoull(declared));
    expected = std::min({expected, limits.messageSize ? limits.messageSize : kMaxRoom, kMaxReserved});
    try {
        if (expected) _data->content.reserve(expected + expected / 16);
    } catch (const std::exception&) {
        // Room the system will not give now: the content grows as it arrives instead.
    }
}

void SmtpSession::populateAhead(DataReceive& data) {
    std::string& content = data.content;
    if (content.size() < kPopulateStep) return; // small messages: not worth a system call
    if (content.data() != data.populatedBase) { // reallocated (or the first time)
        data.populatedBase = content.data();
        data.populatedTo = content.size();
    }
    if (data.populatedTo >= content.size() + kPopulateStep / 2) return;
    const std::size_t to = std::min(content.capacity(), content.size() + kPopulateStep);
    if (to <= data.populatedTo) return;
    populate(&content[0], data.populatedTo, to);
    data.populatedTo = to;
}

void SmtpSession::checkMemory(std::size_t held, std::size_t more, const std::string& what) {
    const MemoryHeadroom headroom = memoryHeadroom();
    if (more <= headroom.bytes && headroom.bytes - more >= kMemoryReserve) return;
    _record->append('C', "<" + what + ", " + std::to_string(held) + " held: more than this server can hold (" +
                             headroom.limitedBy + " leaves " + std::to_string(headroom.bytes) +
                             " bytes): not read further>");
    _data.reset();
    closeWith(452, "4.3.1", "Insufficient system storage: the message does not fit in memory; closing the connection");
}

bool SmtpSession::continueData() {
    DataReceive& data = *_data;
    std::size_t taken = 0;
    try {
        taken = data.scanner.feed(_in.view());
    } catch (const std::exception&) { // bad_alloc, length_error: the content could not grow
        checkMemory(data.content.size(), std::numeric_limits<std::size_t>::max(),
                    "message data: " + std::to_string(data.received) + " bytes on the wire");
    }
    data.received += taken;
    _in.consume(taken);
    if (!data.oversize && data.content.size() >= data.memoryCheckAt) {
        // Without a size limit (or with one beyond this machine) a message could grow until the
        // system kills the server and every message it holds: refused while there is room.
        checkMemory(data.content.size(), data.content.size() + 2 * kMemoryCheckStep,
                    "message data: " + std::to_string(data.received) + " bytes on the wire");
        data.memoryCheckAt = data.content.size() + kMemoryCheckStep;
    }
    // The whole message may arrive in one read: the scripted abort still comes first.
    checkAbort(data.received + (data.scanner.done() ? 0 : _in.size()));
    const Limits& limits = _core.config().limits;
    if (!data.oversize && limits.messageSize && data.content.size() > limits.messageSize) {
        data.oversize = true;
        data.scanner.setOutput(nullptr);
        std::string().swap(data.content);
    }
    if (data.oversize && !data.scanner.done() && data.received > readableBound(limits)) {
        // A sender that never ends its data (or ignores SIZE by far) gets its answer now
        // instead of holding the connection forever.
        _record->append('C', "<message data: " + std::to_string(data.received) +
                                 " bytes on the wire, too far over the size limit: not read further>");
        _data.reset();
        closeWith(552, "5.3.4", "Message size exceeds fixed maximum message size; closing the connection");
    }
    if (!data.scanner.done()) {
        if (!data.oversize) populateAhead(data);
        return false;
    }
    // What crossed the wire: dot-stuffing and the final `.CRLF` included, so more than the size.
    _record->append('C', "<message data: " + std::to_string(data.received) + " bytes on the wire>");
    std::string content = std::move(data.content);
    const bool oversize = data.oversize;
    const ContentFacts facts = data.scanner.facts();
    const bool mappedAhead = data.populatedBase == content.data(); // std::string moves keep the buffer
    const std::size_t mappedTo = data.populatedTo;
    _data.reset();
    if (!oversize) _lastMessageSize = content.size();
    if (content.capacity() > content.size() + content.size() / 8) {
        content.shrink_to_fit(); // held bytes ≈ stored bytes
    } else if (mappedAhead && mappedTo > content.size() + 1) {
        release(&content[0], content.size() + 1, mappedTo); // past the terminating NUL
    }
    _in.shrinkIfIdle(kContentReadBlock); // a session sending large messages keeps its buffer
    finishMessage(std::move(content), facts, false, oversize);
    afterCommand();
    return true;
}

bool SmtpSession::checkBdat(const CommandLine& c) {
    // Parse first: whatever the answer, the chunk's bytes follow and must be read.
    std::string size = c.argument.substr(0, c.argument.find(' '));
    std::string rest = c.argument.size() > size.size() ? c.argument.substr(size.size() + 1) : std::string();
    for (char& ch : rest) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (size.empty() || size.size() > 19 || size.find_first_not_of("0123456789") != std::string::npos)
        return refuse(501, "5.5.4", "Syntax: BDAT <size> [LAST]"), false; // how much follows is unknown
    _chunkSize = std::stoull(size);
    _chunkLast = !rest.empty();
    auto discard = [&](int code, const char* enhanced, const std::string& text) {
        const std::size_t bound = readableBound(_core.config().limits);
        if (_chunkSize > bound) { // not worth reading: answered, and the connection closed
            _record->append('C', "<chunk: " + std::to_string(_chunkSize) + " bytes, not read>");
            closeWith(code, enhanced, text + "; closing the connection");
        }
        _record->append('C', "<chunk: " + std::to_string(_chunkSize) + " bytes, discarded>");
        readChunk(_chunkSize, nullptr);
        refuse(code, enhanced, text);
        return false;
    };
    if (!rest.empty() && rest != "LAST") return discard(501, "5.5.4", "Syntax: BDAT <size> [LAST]");
    if (!advertised("CHUNKING")) return discard(502, "5.5.1", "BDAT not offered (CHUNKING was not advertised)");
    if (_connection.state == State::Mail) return discard(554, "5.5.1", "No valid recipients");
    if (_connection.state != State::Rcpt && _connection.state != State::Chunking)
        return discard(503, "5.5.1", "Need MAIL and RCPT before BDAT");
    return true;
}

void SmtpSession::readChunk(std::size_t size, std::string* destination) {
    const Limits& limits = _core.config().limits;
    std::size_t take = std::min(size, _in.size());
    if (destination) destination->append(_in.view().data(), take);
    _in.consume(take);
    std::size_t left = size - take;
    checkAbort(destination ? destination->size() : 0);
    if (destination && left > 0) {
        // Large chunks go straight into the message: one copy less.
        flush();
        std::size_t at = destination->size();
        try {
            destination->resize(at + left);
        } catch (const std::exception&) { // bad_alloc, length_error: possible without a size limit
            checkMemory(at, std::numeric_limits<std::size_t>::max(), "chunk: " + std::to_string(size) + " bytes");
        }
        while (left > 0) {
            std::size_t got = _channel.receive(&(*destination)[at], left, limits.dataBlockTimeout);
            if (got == 0) hangUp("peer closed during BDAT; the message is not captured");
            at += got;
            left -= got;
            checkAbort(at);
        }
    }
    while (left > 0) {
        flush();
        char* buffer = _in.prepare(kCommandReadBlock);
        std::size_t got = _channel.receive(buffer, std::min(left, _in.room()), limits.dataBlockTimeout);
        if (got == 0) hangUp("peer closed during BDAT");
        left -= got;
    }
}

void SmtpSession::proceedBdat(const CommandLine&) {
    const Limits& limits = _core.config().limits;
    if (_chunkSize > readableBound(limits)) {
        // A chunk that would take the transaction too far past the limit is not read (its
        // size may be any number): answered and closed, as for DATA.
        _record->append('C', "<chunk: " + std::to_string(_chunkSize) + " bytes, too far over the size limit: not read>");
        closeWith(552, "5.3.4", "Message size exceeds fixed maximum message size; closing the connection");
    }
    _record->append('C', "<chunk: " + std::to_string(_chunkSize) + " bytes>");
    bool refused = _pending.reply && _pending.reply->code >= 400;
    bool tooBig = limits.messageSize && _transaction.body.size() + _chunkSize > limits.messageSize;
    if (refused || tooBig || _transaction.chunkOverflow) {
        readChunk(_chunkSize, nullptr);
        if (refused) {
            Reply scripted = *_pending.reply;
            _pending.reply.reset();
            writeScripted(scripted, true);
            resetTransaction();
            return;
        }
        _transaction.chunkOverflow = true;
        setState(State::Chunking);
        if (_chunkLast) {
            refuse(552, "5.3.4", "Message size exceeds fixed maximum message size");
            resetTransaction();
        } else {
            refuse(552, "5.3.4", "Message size exceeds fixed maximum message size");
        }
        return;
    }
    if (_transaction.body.size() + _chunkSize >= _transaction.memoryCheckAt) { // growing may copy what is held
        checkMemory(_transaction.body.size(), _transaction.body.size() + _chunkSize,
                    "chunk: " + std::to_string(_chunkSize) + " bytes");
        _transaction.memoryCheckAt = _transaction.body.size() + _chunkSize + kMemoryCheckStep;
    }
    readChunk(_chunkSize, &_transaction.body);
    setState(State::Chunking);
    if (!_chunkLast) return reply(250, "2.0.0", std::to_string(_chunkSize) + " octets received");
    std::string content = std::move(_transaction.body);
    if (content.capacity() > content.size() + content.size() / 16) content.shrink_to_fit(); // held bytes ≈ stored bytes
    ContentFacts facts = scanContent(content, false, limits.textLineLength, nullptr);
    finishMessage(std::move(content), facts, true, false);
}

void SmtpSession::finishMessage(std::string content, const ContentFacts& facts, bool viaBdat, bool oversize) {
    const ServerConfig& config = _core.config();
    MessageFlags flags = facts.flags;
    flags.eightBitWithout8BitMime = facts.eightBit && !_transaction.eightBitMime;
    if (oversize || (config.limits.messageSize && content.size() > config.limits.messageSize)) {
        refuse(552, "5.3.4", "Message size exceeds fixed maximum message size");
        return resetTransaction();
    }
    if (config.smuggling == SmugglingPolicy::Reject && (flags.smuggling || flags.bareCr || flags.bareLf)) {
        refuse(550, "5.6.0", flags.smuggling ? "Message refused: SMTP smuggling sequence in DATA"
                                              : "Message refused: bare CR or LF in message data");
        return resetTransaction();
    }
    if (config.limits.rejectOverlongLines && flags.overlongLines) {
        refuse(550, "5.6.0", "Message refused: line longer than " + std::to_string(config.limits.textLineLength) + " octets");
        return resetTransaction();
    }
    _pending = Pending{};
    if (_core.rules().watches(Phase::DataEnd) && !applyRules(Phase::DataEnd, content)) return resetTransaction();
    MemoryHeadroom headroom;
    if (_core.store().retention() != Retention::KeepNone && !_core.roomToKeep(content.size(), headroom)) {
        // Kept messages add up: past what the process may take the system would kill the
        // server and every message it holds. Refused while there is room to say so.
        note("message of " + std::to_string(content.size()) + " bytes not kept: " + headroom.limitedBy + " leaves " +
             std::to_string(headroom.bytes) + " bytes");
        refuse(452, "4.3.1", "Insufficient system storage: the server's memory is full");
        return resetTransaction();
    }
    CapturedMessage message(std::move(_transaction.mailFrom), std::move(_transaction.recipients), std::move(content), flags,
                            viaBdat, _record);
    CapturedMessage stored;
    try {
        stored = _core.store().add(std::move(message));
    } catch (const std::exception& e) {
        note(std::string("capture callback failed: ") + e.what());
        refuse(451, "4.3.0", "Local error in processing, message not accepted");
        return resetTransaction();
    }
    ++_connection.messages;
    resetTransaction();
    reply(250, "2.0.0", "Ok: queued as " + std::to_string(stored.sequence()));
}

} // namespace mailrig::fake::detail
