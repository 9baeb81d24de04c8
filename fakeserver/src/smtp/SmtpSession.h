#pragma once

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

/// One SMTP conversation on one connection, run on that connection's thread.
///
/// Map of the class (in the manner of OpenSMTPD's smtp_session.c):
/// - `Connection` (per connection) and `Transaction` (per MAIL..end of data) are separate.
/// - `commandTable()` is the only dispatch: verb → phase → checker → action. `dispatch` runs
///   parse → the checker (order 503, syntax 501, parameters 555, limits) → the script rules →
///   the action (`proceed*`).
/// - Every reply goes through `writeReply`; every state change through `setState`.
/// - Files: SmtpSession.cpp (I/O, dispatch, replies, rules), SmtpCommands.cpp (the table and the
///   envelope commands), SmtpData.cpp (DATA, BDAT, capture), SmtpAuth.cpp (AUTH, STARTTLS).
class SmtpSession {
public:
    SmtpSession(ServerCore& core, Channel& channel, bool implicitTls, std::shared_ptr<SessionRecord> record);
    /// Runs the whole conversation; never throws.
    void run() noexcept;

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

    // SmtpSession.cpp: I/O, dispatch, replies, state, rules.
    void greet();
    bool readLine(std::string& line, std::size_t limit, bool masked);
    std::size_t receiveMore(std::chrono::milliseconds timeout);
    void dispatch(const std::string& line);
    void unknownCommand(const CommandLine& command);
    void notePipelining(bool endsGroup);
    bool applyRules(Phase phase, std::string_view argument);
    void writeReply(int code, std::string_view enhanced, std::string_view text);
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
    bool checkBdat(const CommandLine& c);
    void proceedBdat(const CommandLine& c);
    void readChunk(std::size_t size, std::string* destination);
    void finishMessage(std::string content, const ContentFacts& facts, bool viaBdat, bool oversize);
    void checkAbort(std::size_t received);

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
};

} // namespace mailrig::fake::detail
