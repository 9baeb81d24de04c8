#pragma once
// Delivers messages over a session that it opens, reuses and reopens, with the retry policy.

#include "smtp/MessageSource.h"
#include "smtp/SmtpSession.h"

#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mailrig::detail {

/// The content of one message as the courier sends it: presented per server (7-bit
/// re-encoding, SMTPUTF8 and BODY decisions).
class Content {
public:
    virtual ~Content() = default;
    /// The source to send to a server with `caps`, and the MAIL parameters it needs. Throws
    /// SmtpCapabilityException when the server cannot take it (SMTPUTF8 missing).
    virtual MessageSource& prepare(const Capabilities& caps, const Envelope& envelope,
                                   TransactionParams& params, const std::string& host) = 0;
    /// Rewinds for another attempt; false when that is impossible (a consumed stream).
    virtual bool rewind() = 0;
};

/// A message in memory; re-encoded to 7 bit for servers without 8BITMIME.
class BytesContent : public Content {
public:
    explicit BytesContent(std::string bytes);
    MessageSource& prepare(const Capabilities& caps, const Envelope& envelope,
                           TransactionParams& params, const std::string& host) override;
    bool rewind() override;
    const std::string& bytes() const { return _bytes; }

private:
    std::string _bytes;
    std::string _sevenBit;
    std::optional<StringSource> _source;
};

/// A message streamed from an istream after its (already read, rewritten) header block.
class StreamContent : public Content {
public:
    StreamContent(std::string prefix, std::size_t headerLength, std::istream& rest, std::string name);
    MessageSource& prepare(const Capabilities& caps, const Envelope& envelope,
                           TransactionParams& params, const std::string& host) override;
    bool rewind() override { return _source.rewind(); }
    StreamSource& source() { return _source; }

private:
    StreamSource _source;
};

/// How one message went, over all attempts.
struct Delivery {
    TransactionOutcome outcome;
    int attempts = 0;
    /// True when the last attempt failed while opening the session (connect, greeting, TLS,
    /// AUTH): nothing of the message reached the server.
    bool sessionFailed = false;
};

/// True when an error is worth another attempt under the retry policy.
bool isRetriable(const std::exception_ptr& error);

/// A delivery that finished, with the caller's ticket for its message.
struct Finished {
    std::size_t ticket = 0;
    Delivery delivery;
};

/// Owns at most one open session. deliver() opens it when needed, runs the transaction and
/// retries transient failures as the policy says (never after the server accepted the data).
/// post() does the same for a run of messages, overlapping each message's end of data with the
/// next one's envelope when the server pipelines (EndOfData::Defer), unless the configuration
/// stops on the first failure (the next message must not have started then). One thread at a
/// time.
class Courier {
public:
    Courier(const SmtpClientConfig& config, const CancellationToken* cancel);
    ~Courier();
    Courier(const Courier&) = delete;
    Courier& operator=(const Courier&) = delete;

    /// Never throws for SMTP or stream failures: they end up in the outcome's error. When the
    /// data was accepted but some recipients got 4xx, those are tried again in a transaction of
    /// their own while attempts remain. Settles a posted message still in flight first.
    Delivery deliver(const Envelope& envelope, Content& content);
    /// Sends one message of a run and returns the deliveries that finished meanwhile: the
    /// previous message's (its reply arrives behind this message's envelope) and this one's
    /// unless its end of data is held back, which then finishes with the next post() or
    /// flush(). Retries happen as in deliver(). A delivery with `sessionFailed` leaves nothing
    /// in flight. Never throws for SMTP or stream failures.
    std::vector<Finished> post(std::size_t ticket, const Envelope& envelope,
                               std::unique_ptr<Content> content);
    /// Finishes the message still in flight, if any.
    std::vector<Finished> flush();
    /// QUIT and close; never throws. A message still in flight is not completed (call flush()
    /// first): its end of data never goes out.
    void close() noexcept;

private:
    /// A posted message whose end of data awaits the next transaction.
    struct InFlight {
        std::size_t ticket = 0;
        Envelope envelope;
        std::unique_ptr<Content> content;
    };

    /// One attempt: opens the session when needed and runs the transaction.
    Delivery attempt(const Envelope& envelope, Content& content, int number, EndOfData end);
    /// Retries the whole transaction while the error is transient and attempts remain.
    Delivery retryTransaction(Delivery d, const Envelope& envelope, Content& content);
    /// The retry policy applied to a delivery whose latest attempt has just ended.
    Delivery conclude(Delivery d, const Envelope& envelope, Content& content);
    /// True when conclude() would try again (so it must not run while a message is in flight).
    bool wantsRetry(const Delivery& d) const;
    bool waitBeforeRetry(std::chrono::milliseconds delay) const;

    const SmtpClientConfig& _config;
    const CancellationToken* _cancel;
    std::unique_ptr<SmtpSession> _session;
    std::optional<InFlight> _inFlight;
};

} // namespace mailrig::detail
