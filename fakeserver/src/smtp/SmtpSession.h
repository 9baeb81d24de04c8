#pragma once

#include "io/MemoryHeadroom.h"
#include "mailrig/fakeserver/CapturedMessage.h"
#include "mailrig/fakeserver/Rule.h"
#include "rules/RuleEngine.h"
#include "smtp/CommandParser.h"
#include "smtp/DataDecoder.h"
#include "smtp/InputBuffer.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailrig::fake::detail {

class Channel;
class ServerCore;
struct SessionRecord;

/// One SMTP conversation on one connection, served either by the event loop (`begin`,
/// `readable`, `writable`, `expire`: each processes what has arrived and returns without
/// waiting) or by a thread of its own (`run`: blocks until the end). A session on the loop moves
/// to a thread (`Next::Thread`) before a command that must wait for the peer mid-command
/// (STARTTLS, AUTH, BDAT); `run` then carries on from where the loop left it.
///
/// Map of the class (in the manner of OpenSMTPD's smtp_session.c):
/// - `Connection` (per connection) and `Transaction` (per MAIL..end of data) are separate.
/// - `commandTable()` is the only dispatch: verb → phase → checker → action. `dispatch` runs
///   parse → the checker (order 503, syntax 501, parameters 555, limits) → the script rules →
///   the action (`proceed*`).
/// - Every reply goes through `writeReply`; every state change through `setState`.
/// - Files: SmtpSession.cpp (dispatch, replies, rules), SessionInput.cpp (reading lines and
///   message data, timeouts, the two ways of being served), SmtpCommands.cpp (the table and the
///   envelope commands), SmtpData.cpp (DATA, BDAT, capture), SmtpAuth.cpp (AUTH, STARTTLS).
class SmtpSession {
public:
    using Clock = std::chrono::steady_clock;

    SmtpSession(ServerCore& core, Channel& channel, bool implicitTls, std::shared_ptr<SessionRecord> record);
    /// On a thread: runs the conversation from where it stands (greets first when nobody has)
    /// to its end, blocking on the socket. Never throws.
    void run() noexcept;

    /// What a session on the event loop waits for next.
    enum class Next {
        Read,   ///< more bytes from the peer (or `deadline()`)
        Write,  ///< room to write the replies still pending (or `deadline()`)
        Thread, ///< a thread of its own: hand it to `run()`
        Close,  ///< the conversation is over: close the connection
    };
    /// On the loop: sends the greeting.
    Next begin() noexcept;
    /// On the loop: reads what the socket holds (once, without waiting) and answers it.
    Next readable() noexcept;
    /// On the loop: writes pending replies, then answers input already read.
    Next writable() noexcept;
    /// On the loop: `deadline()` passed: `421 4.4.2` (idle, command or data timeout), or
    /// nothing when the peer stopped reading our replies; always Close.
    Next expire() noexcept;
    /// When the wait the loop is doing for this session times out.
    Clock::time_point deadline() const;

    enum class State {
        Connected, ///< greeting sent, no EHLO/HELO yet
        Greeted,   ///< EHLO/HELO done, no transaction
        Mail,      ///< MAIL accepted
        Rcpt,      ///< at least one RCPT accepted
        Chunking,  ///< BDAT chunks are arriving
    };

    using Checker = bool (SmtpSession::*)(const CommandLine&);
    using Proceeder = void (SmtpSession::*)(const CommandLine&);
    /// One row of the command table.
    struct CommandSpec {
        std::string_view verb;
        Phase phase;
        bool endsGroup;        ///< RFC 2920 3.1: must be the last command of a pipelined group
        bool allowedBeforeTls; ///< allowed before STARTTLS when `requireStartTls` is set
        Checker check;         ///< built-in checks; replies and returns false to refuse
        Proceeder proceed;     ///< the default action
    };

private:
    struct Connection {
        State state = State::Connected;
        bool esmtp = false;
        /// The keywords of the last EHLO reply (`PIPELINING`, `SIZE`, ...; upper case, as this
        /// session advertised them, a rule's `ehlo:` list included): extensions are accepted,
        /// and pipelining is allowed, only when advertised. Empty after HELO and STARTTLS.
        std::vector<std::string> advertised;
        bool refused = false;        ///< greeting was 554: only QUIT is served
        bool authenticated = false;
        std::size_t messages = 0;
        std::size_t badCommands = 0;
        std::size_t authFailures = 0;
        std::chrono::milliseconds tarpit{0};
    };
    struct Transaction {
        EnvelopeAddress mailFrom;
        std::vector<EnvelopeAddress> recipients;
        std::string body;           ///< BDAT chunks so far
        bool binaryMime = false;
        bool eightBitMime = false;
        bool chunkOverflow = false; ///< a chunk pushed it over the size limit
        std::size_t memoryCheckAt = kMemoryCheckStep; ///< `body` size of the next memory check
    };
    /// What the firing rule asked for, for the command being dispatched.
    struct Pending {
        std::optional<Reply> reply;
        std::optional<std::vector<std::string>> ehlo;
        std::optional<std::size_t> abortAfterBytes;
        bool failTls = false;
        bool disconnectAfter = false;
    };
    struct CloseSession {}; ///< thrown to end the conversation after what was flushed

    static const std::vector<CommandSpec>& commandTable();
    static const CommandSpec* findCommand(std::string_view verb);

    /// What `advance` stopped at.
    enum class Step { NeedInput, NeedThread, Stop };
    /// Where the DATA content read so far stands (`continueData`).
    struct DataReceive {
        explicit DataReceive(std::size_t lineLimit) : scanner(true, lineLimit, &content) {}
        DataReceive(const DataReceive&) = delete; // `scanner` writes into `content`
        DataReceive& operator=(const DataReceive&) = delete;
        std::string content;      ///< decoded so far (dropped once over the size limit)
        ContentScanner scanner;   ///< decodes each block as it arrives
        std::size_t received = 0; ///< raw bytes taken, the terminator included
        bool oversize = false;    ///< over the size limit: the rest is only scanned
        const char* populatedBase = nullptr; ///< `content.data()` when pages were last mapped
        std::size_t populatedTo = 0;         ///< pages of `content` mapped up to here
        std::size_t memoryCheckAt = kMemoryCheckStep; ///< `content` size of the next memory check
    };
    enum class Event { Begin, Readable, Writable };

    // SessionInput.cpp: reading, timeouts, the loop's entry points and the thread's loop.
    Next drive(Event event) noexcept;
    Step advance();
    enum class LineStatus {
        Incomplete, ///< no end of line yet
        Complete,   ///< `line` holds it, without its CRLF (or bare LF)
        TooLong,    ///< a line over the limit was dropped up to its end (and recorded as such)
    };
    /// Takes the next line from what was read; never waits.
    LineStatus takeLine(std::string& line, std::size_t limit);
    /// Waits for the next line (a session on its own thread); throws CloseSession when the peer
    /// closes first. `masked` records it as `***`.
    LineStatus readLine(std::string& line, std::size_t limit, bool masked);
    bool receiveBlocking();
    std::size_t receiveMore(std::chrono::milliseconds timeout);
    void receiveNow();
    /// How many bytes the next read asks for: `kContentReadBlock` inside a large message.
    std::size_t readBlock() const;
    void peerClosed();
    void waitForNextLine();
    std::string timeoutText(Clock::time_point now) const;
    static bool needsThread(std::string_view line);

    // SmtpSession.cpp: dispatch, replies, state, rules.
    void greet();
    void dispatch(const std::string& line);
    void afterCommand();
    void unknownCommand(const CommandLine& command);
    void notePipelining(bool endsGroup);
    /// Record, once per session, a client's tolerated departures from RFC 5321 syntax.
    void noteSpaceBeforePath();
    void noteBareLfCommand();
    bool applyRules(Phase phase, std::string_view argument);
    void writeReply(int code, std::string_view enhanced, std::string_view text);
    /// Writes a rule's reply: its text verbatim, or for a bare code the default text of the
    /// code's class, with `X.0.0` as the enhanced status code unless `withEnhanced` is false
    /// (the greeting, EHLO, 354).
    void writeScripted(const Reply& scripted, bool withEnhanced);
    void reply(int code, std::string_view enhanced, std::string_view text);
    void refuse(int code, std::string_view enhanced, std::string_view text);
    void flush();
    [[noreturn]] void closeWith(int code, std::string_view enhanced, std::string_view text);
    [[noreturn]] void hangUp(std::string_view why);
    void setState(State next);
    void resetTransaction();
    void note(std::string_view text);
    std::size_t lineLimitFor(std::string_view verb) const;

    // SmtpCommands.cpp: the envelope and the small commands.
    std::vector<std::string> capabilityLines() const;
    bool authOffered() const;
    bool checkHelo(const CommandLine& c);
    void proceedEhlo(const CommandLine& c);
    void proceedHelo(const CommandLine& c);
    bool checkMail(const CommandLine& c);
    bool checkMailParams();
    void proceedMail(const CommandLine& c);
    bool checkRcpt(const CommandLine& c);
    void proceedRcpt(const CommandLine& c);
    bool checkNoArgument(const CommandLine& c);
    bool checkAny(const CommandLine& c);
    void proceedRset(const CommandLine& c);
    void proceedNoop(const CommandLine& c);
    bool checkVrfy(const CommandLine& c);
    void proceedVrfy(const CommandLine& c);
    bool checkHelp(const CommandLine& c);
    void proceedHelp(const CommandLine& c);
    void proceedQuit(const CommandLine& c);

    // SmtpData.cpp: message content and capture.
    bool checkData(const CommandLine& c);
    void proceedData(const CommandLine& c);
    bool continueData();
    /// Maps the pages just ahead of a large message's content in one call (SmtpData.cpp).
    void populateAhead(DataReceive& data);
    bool checkBdat(const CommandLine& c);
    void proceedBdat(const CommandLine& c);
    void readChunk(std::size_t size, std::string* destination);
    void finishMessage(std::string content, const ContentFacts& facts, bool viaBdat, bool oversize);
    void checkAbort(std::size_t received);
    /// True when this session's last EHLO reply advertised `keyword` (upper case).
    bool advertised(std::string_view keyword) const;
    /// Closes the connection with `452 4.3.1` when holding `more` octets beside `held` would
    /// leave this process less than `kMemoryReserve` (SmtpData.cpp; `what` names the data in the
    /// session record).
    void checkMemory(std::size_t held, std::size_t more, const std::string& what);

    // SmtpAuth.cpp: STARTTLS, the TLS handshake and AUTH.
    bool checkStartTls(const CommandLine& c);
    void proceedStartTls(const CommandLine& c);
    void handshake(std::string_view how);
    bool checkAuth(const CommandLine& c);
    void proceedAuth(const CommandLine& c);
    std::optional<std::string> saslExchange(std::string_view challenge);

    ServerCore& _core;
    Channel& _channel;
    bool _implicitTls;
    std::shared_ptr<SessionRecord> _record;
    RuleEngine::SessionCounters _counters;
    InputBuffer _in;
    std::string _out;
    bool _outCounted = false; ///< `_out`'s write is counted in `SessionInfo::writes`
    Connection _connection;
    Transaction _transaction;
    Pending _pending;
    PathCommand _path;                  ///< parsed by checkMail/checkRcpt for proceed and rules
    std::size_t _chunkSize = 0;         ///< parsed by checkBdat
    bool _chunkLast = false;
    std::string _authMechanism;         ///< parsed by checkAuth
    std::optional<std::string> _authInitial;
    const CommandSpec* _current = nullptr;
    bool _pipeliningNoted = false;
    bool _spaceBeforePathNoted = false;
    bool _bareLfCommandNoted = false;

    // How the session is being served (SessionInput.cpp).
    bool _onLoop = false;            ///< on the event loop: never block
    bool _started = false;           ///< greeted (or refused at connect)
    bool _ending = false;            ///< over: only pending replies are still written
    std::optional<std::string> _held; ///< a line read on the loop, dispatched by `run`
    std::optional<DataReceive> _data; ///< between 354 and the end of the content
    std::size_t _lastMessageSize = 0; ///< content bytes of this session's last DATA message
    bool _discarding = false;        ///< dropping a line over the limit up to its LF
    std::size_t _scanned = 0;        ///< bytes of `_in` already searched for LF
    Clock::time_point _lineDeadline; ///< the command timeout of the line being read
    Clock::time_point _lastActivity; ///< the last read, or the start of a blocked write
};

} // namespace mailrig::fake::detail
