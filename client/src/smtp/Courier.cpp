#include "smtp/Courier.h"

#include "smtp/SevenBitEncoder.h"

#include <stdexcept>
#include <thread>

namespace mailrig::detail {

namespace {

bool isAscii(const std::string& s) { return !hasEightBit(s.data(), s.size()); }

/// Decides SMTPUTF8 from the envelope and the header block; throws when the server lacks it.
void decideUtf8(const Capabilities& caps, const Envelope& envelope, const MessageSource& source,
                TransactionParams& params, const std::string& host) {
    std::string reason;
    if (!isAscii(envelope.sender)) reason = "sender <" + envelope.sender + ">";
    for (const auto& r : envelope.recipients)
        if (reason.empty() && !isAscii(r)) reason = "recipient <" + r + ">";
    if (reason.empty() && source.utf8Headers()) reason = "8-bit header fields";
    if (reason.empty()) return;
    if (!caps.smtpUtf8)
        throw SmtpCapabilityException("the message needs SMTPUTF8 (" + reason + ") but " + host +
                                          " does not offer it",
                                      "MAIL FROM");
    params.smtpUtf8 = true;
    if (caps.eightBitMime) params.eightBitMime = true;
}

} // namespace

BytesContent::BytesContent(std::string bytes) : _bytes(std::move(bytes)) {}

MessageSource& BytesContent::prepare(const Capabilities& caps, const Envelope& envelope,
                                     TransactionParams& params, const std::string& host) {
    _source.emplace(_bytes);
    decideUtf8(caps, envelope, *_source, params, host);
    if (!_source->eightBitBody()) return *_source;
    if (caps.eightBitMime) {
        params.eightBitMime = true;
        return *_source;
    }
    if (_sevenBit.empty()) _sevenBit = reencodeSevenBit(_bytes);
    _source.emplace(_sevenBit);
    if (_source->eightBitBody())
        throw SmtpCapabilityException("the message body holds 8-bit data that cannot be "
                                      "re-encoded and " + host + " does not offer 8BITMIME",
                                      "MAIL FROM");
    return *_source;
}

bool BytesContent::rewind() {
    if (_source) _source->rewind();
    return true;
}

StreamContent::StreamContent(std::string prefix, std::size_t headerLength, std::istream& rest,
                             std::string name)
    : _source(std::move(prefix), headerLength, rest, std::move(name)) {}

MessageSource& StreamContent::prepare(const Capabilities& caps, const Envelope& envelope,
                                      TransactionParams& params, const std::string& host) {
    decideUtf8(caps, envelope, _source, params, host);
    if (caps.eightBitMime) params.eightBitMime = true;
    _source.rejectEightBitBody(!caps.eightBitMime);
    return _source;
}

bool isRetriable(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const SmtpException& e) {
        return e.isTransient() && e.kind() != SmtpErrorKind::Cancelled;
    } catch (...) {
        return false;
    }
}

Courier::Courier(const SmtpClientConfig& config, const CancellationToken* cancel)
    : _config(config), _cancel(cancel) {}

Courier::~Courier() { close(); }

void Courier::close() noexcept {
    _inFlight.reset();
    if (_session) _session->quit();
    _session.reset();
}

bool Courier::waitBeforeRetry(std::chrono::milliseconds delay) const {
    const auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
        if (_cancel && _cancel->isCancelled()) return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(20), until - std::chrono::steady_clock::now()));
    }
    return !(_cancel && _cancel->isCancelled());
}

Delivery Courier::deliver(const Envelope& envelope, Content& content) {
    if (_inFlight) throw std::logic_error("Courier::deliver with a posted message in flight");
    return conclude(attempt(envelope, content, 1, EndOfData::Await), envelope, content);
}

std::vector<Finished> Courier::post(std::size_t ticket, const Envelope& envelope,
                                    std::unique_ptr<Content> content) {
    std::vector<Finished> done;
    if (_inFlight && !(_session && _session->isOpen())) done = flush();
    const EndOfData end = _config.stopOnFirstFailure ? EndOfData::Await : EndOfData::Defer;
    Delivery current = attempt(envelope, *content, 1, end);

    std::optional<InFlight> previous;
    Delivery previousDelivery;
    std::optional<TransactionOutcome> settled = _session ? _session->takeSettled() : std::nullopt;
    if (settled) {
        previous = std::move(_inFlight);
        _inFlight.reset();
        previousDelivery.attempts = 1;
        previousDelivery.outcome = std::move(*settled);
    }
    // The previous message's reply ended the connection before this one got anywhere: sent again
    // on a new connection, without counting an attempt.
    if (current.outcome.lostWithPrevious && content->rewind())
        current = attempt(envelope, *content, 1, end);
    if (current.outcome.awaitingReply)
        _inFlight = InFlight{ticket, envelope, std::move(content)};

    // The previous message finishes first unless it needs another attempt, which must wait
    // until nothing is in flight.
    const bool previousRetries = previous && wantsRetry(previousDelivery);
    if (previous && !previousRetries) done.push_back({previous->ticket, std::move(previousDelivery)});
    if (!current.outcome.awaitingReply)
        done.push_back({ticket, conclude(std::move(current), envelope, *content)});
    if (previousRetries) {
        for (auto& f : flush()) done.push_back(std::move(f));
        done.push_back({previous->ticket,
                        conclude(std::move(previousDelivery), previous->envelope, *previous->content)});
    }
    return done;
}

std::vector<Finished> Courier::flush() {
    std::vector<Finished> done;
    if (!_inFlight) return done;
    InFlight flight = std::move(*_inFlight);
    _inFlight.reset();
    Delivery d;
    d.attempts = 1;
    if (_session && _session->awaitingReply()) {
        d.outcome = _session->settle();
    } else if (auto settled = _session ? _session->takeSettled() : std::nullopt) {
        d.outcome = std::move(*settled); // the session was dropped with it held back
    } else {
        d.outcome.error = std::make_exception_ptr(SmtpConnectionException(
            "the connection closed before the message's end of data went out", "DATA-END"));
        for (const auto& r : flight.envelope.recipients) {
            RecipientResult result;
            result.address = r;
            d.outcome.recipients.push_back(result);
        }
    }
    done.push_back({flight.ticket, conclude(std::move(d), flight.envelope, *flight.content)});
    return done;
}

bool Courier::wantsRetry(const Delivery& d) const {
    if (d.attempts >= std::max(1, _config.retry.maxAttempts)) return false;
    if (d.outcome.error) return isRetriable(d.outcome.error);
    for (const auto& r : d.outcome.recipients)
        if (r.status == RecipientStatus::Rejected && r.transient()) return true;
    return false;
}

Delivery Courier::conclude(Delivery d, const Envelope& envelope, Content& content) {
    d = retryTransaction(std::move(d), envelope, content);
    // Recipients refused with 4xx while others got the message (per-recipient greylisting): a
    // new transaction for just those, as the retry policy allows. Nobody receives it twice.
    const int maxAttempts = std::max(1, _config.retry.maxAttempts);
    while (!d.outcome.error && d.attempts < maxAttempts) {
        Envelope retry{envelope.sender, {}};
        for (const auto& r : d.outcome.recipients)
            if (r.status == RecipientStatus::Rejected && r.transient()) retry.recipients.push_back(r.address);
        if (retry.recipients.empty() || !content.rewind()) break;
        if (!waitBeforeRetry(_config.retry.delayBefore(d.attempts + 1))) break;
        Delivery again = retryTransaction(attempt(retry, content, d.attempts + 1, EndOfData::Await),
                                          retry, content);
        d.attempts = again.attempts;
        for (auto& updated : again.outcome.recipients) {
            if (updated.status == RecipientStatus::NotAttempted) continue;
            for (auto& r : d.outcome.recipients)
                if (r.address == updated.address && r.status == RecipientStatus::Rejected) r = updated;
        }
        if (again.outcome.error) break;
    }
    return d;
}

Delivery Courier::retryTransaction(Delivery d, const Envelope& envelope, Content& content) {
    const int maxAttempts = std::max(1, _config.retry.maxAttempts);
    while (d.outcome.error && d.attempts < maxAttempts && isRetriable(d.outcome.error) &&
           content.rewind() && waitBeforeRetry(_config.retry.delayBefore(d.attempts + 1)))
        d = attempt(envelope, content, d.attempts + 1, EndOfData::Await);
    return d;
}

Delivery Courier::attempt(const Envelope& envelope, Content& content, int number, EndOfData end) {
    Delivery d;
    d.attempts = number;
    try {
        if (!_session || !_session->isOpen()) {
            if (_session) _session->quit();
            _session = std::make_unique<SmtpSession>(_config, _cancel);
            try {
                _session->open();
            } catch (...) {
                d.sessionFailed = true;
                _session->quit();
                _session.reset();
                throw;
            }
        }
        TransactionParams params;
        MessageSource& source = content.prepare(_session->capabilities(), envelope, params, _config.host);
        d.outcome = _session->transact(envelope, source, params, end);
    } catch (...) {
        d.outcome.error = std::current_exception();
    }
    if (d.outcome.recipients.empty())
        for (const auto& r : envelope.recipients) {
            RecipientResult result;
            result.address = r;
            d.outcome.recipients.push_back(result);
        }
    return d;
}

} // namespace mailrig::detail
