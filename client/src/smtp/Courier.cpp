#include "smtp/Courier.h"

#include "smtp/SevenBitEncoder.h"

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
    Delivery d = deliverOnce(envelope, content, 1);
    // Recipients refused with 4xx while others got the message (per-recipient greylisting): a
    // new transaction for just those, as the retry policy allows. Nobody receives it twice.
    const int maxAttempts = std::max(1, _config.retry.maxAttempts);
    while (!d.outcome.error && d.attempts < maxAttempts) {
        Envelope retry{envelope.sender, {}};
        for (const auto& r : d.outcome.recipients)
            if (r.status == RecipientStatus::Rejected && r.transient()) retry.recipients.push_back(r.address);
        if (retry.recipients.empty() || !content.rewind()) break;
        if (!waitBeforeRetry(_config.retry.delayBefore(d.attempts + 1))) break;
        Delivery again = deliverOnce(retry, content, d.attempts + 1);
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

Delivery Courier::deliverOnce(const Envelope& envelope, Content& content, int firstAttempt) {
    Delivery d;
    const int maxAttempts = std::max(1, _config.retry.maxAttempts);
    for (int attempt = firstAttempt;; ++attempt) {
        d.attempts = attempt;
        d.sessionFailed = false;
        d.outcome = TransactionOutcome();
        try {
            if (!_session || !_session->isOpen()) {
                close();
                _session = std::make_unique<SmtpSession>(_config, _cancel);
                try {
                    _session->open();
                } catch (...) {
                    d.sessionFailed = true;
                    close();
                    throw;
                }
            }
            TransactionParams params;
            MessageSource& source =
                content.prepare(_session->capabilities(), envelope, params, _config.host);
            d.outcome = _session->transact(envelope, source, params);
        } catch (...) {
            d.outcome.error = std::current_exception();
        }
        if (d.outcome.recipients.empty())
            for (const auto& r : envelope.recipients) {
                RecipientResult result;
                result.address = r;
                d.outcome.recipients.push_back(result);
            }
        if (!d.outcome.error) return d;
        if (attempt >= maxAttempts || !isRetriable(d.outcome.error)) return d;
        if (!content.rewind()) return d;
        if (!waitBeforeRetry(_config.retry.delayBefore(attempt + 1))) return d;
    }
}

} // namespace mailrig::detail
