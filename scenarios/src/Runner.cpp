#include "mailrig/scenarios/Runner.h"

#include "detail/ClientSetup.h"
#include "detail/MessageBuilder.h"
#include "detail/RawSender.h"
#include "detail/ServerSection.h"
#include "detail/Verifier.h"
#include "mailrig/scenarios/ScenarioLoader.h"

#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/InputFile.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

namespace mailrig::scenario {

namespace fs = std::filesystem;

std::string toString(Verdict verdict) {
    switch (verdict) {
    case Verdict::Passed: return "pass";
    case Verdict::Failed: return "FAIL";
    case Verdict::Error: return "ERROR";
    }
    return "?";
}

namespace {

using detail::CapturedMail;
using detail::StepOutcome;

/// A directory name for a scenario: its name with every byte but [A-Za-z0-9_-], and a dot
/// that starts the name, written as `%XX`. Distinct names give distinct directories, and none
/// is `.`, `..` or hidden.
std::string safeName(const std::string& name) {
    static const char hex[] = "0123456789ABCDEF";
    std::string safe;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (std::isalnum(c) || c == '-' || c == '_' || (c == '.' && i > 0)) {
            safe += static_cast<char>(c);
        } else {
            safe += '%';
            safe += hex[c >> 4];
            safe += hex[c & 15];
        }
    }
    return safe.empty() ? "%" : safe;
}

/// True for the files a kept run writes: `NNNNNN.eml`/`.json` (and the spool's hidden
/// temporary files) and `pickup-*`.
bool isKeptFile(const std::string& name) {
    if (name.rfind("pickup-", 0) == 0) return true;
    const std::size_t start = name[0] == '.' ? 1 : 0;
    std::size_t digits = start;
    while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
    if (digits - start < 6) return false;
    const std::string rest = name.substr(digits);
    return rest == ".eml" || rest == ".json" || (start == 1 && (rest == ".eml.tmp" || rest == ".json.tmp"));
}

/// Makes `directory` an empty place for a scenario's kept files: what an earlier run kept there
/// is removed, nothing else is. Throws naming the path when it is not a directory or cannot be
/// made.
void prepareKeepDirectory(const fs::path& directory) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(directory, ec)) && !fs::is_directory(directory, ec))
        throw std::runtime_error("cannot keep messages in " + directory.string() + ": it exists and is not a directory");
    fs::create_directories(directory, ec);
    if (ec) throw std::runtime_error("cannot create " + directory.string() + ": " + ec.message());
    for (const auto& entry : fs::directory_iterator(directory, ec))
        if (entry.is_regular_file(ec) && isKeptFile(entry.path().filename().string())) fs::remove(entry.path(), ec);
}

/// A private scratch directory, removed with its contents on destruction.
class ScratchDirectory {
public:
    ScratchDirectory() {
        std::random_device random;
        for (int attempt = 0; attempt < 100; ++attempt) {
            const fs::path candidate = fs::temp_directory_path() / ("mailrig-pickup-" + std::to_string(random()));
            std::error_code ec;
            if (fs::create_directory(candidate, ec)) {
                _path = candidate.string();
                return;
            }
        }
        throw std::runtime_error("cannot create a pickup directory under " + fs::temp_directory_path().string());
    }
    ~ScratchDirectory() {
        std::error_code ec;
        fs::remove_all(_path, ec);
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    const std::string& path() const { return _path; }

private:
    std::string _path;
};

std::string readFileBytes(const std::string& path) { return fake::readInputFile(path, fake::kMaxMessageInput); }

CapturedMail fromCapture(const fake::CapturedMessage& message) {
    CapturedMail mail;
    mail.label = "message " + std::to_string(message.sequence());
    mail.bytes = message.data();
    mail.envelopeFrom = message.mailFrom().address;
    mail.envelopeTo = message.recipientAddresses();
    mail.mailParameters = message.mailFrom().params;
    for (const auto& recipient : message.recipients()) mail.rcptParameters.push_back(recipient.params);
    const auto& flags = message.flags();
    mail.flags = {{"bare_lf", flags.bareLf},
                  {"bare_cr", flags.bareCr},
                  {"smuggling", flags.smuggling},
                  {"eight_bit_without_8bitmime", flags.eightBitWithout8BitMime},
                  {"long_lines", flags.overlongLines}};
    const auto session = message.session();
    mail.haveSession = session.id != 0;
    mail.tls = session.tls;
    mail.authUser = session.authUser;
    return mail;
}

/// A pickup file `NAME.eml`; its envelope is in `NAME.envelope.json` beside it.
CapturedMail fromPickupFile(const fs::path& file, std::size_t number) {
    CapturedMail mail;
    mail.label = "pickup file " + std::to_string(number) + " (" + file.filename().string() + ")";
    mail.bytes = readFileBytes(file.string());
    fs::path envelopeFile = file;
    envelopeFile.replace_extension(".envelope.json");
    if (!fs::exists(envelopeFile)) throw std::runtime_error(mail.label + " has no envelope file " + envelopeFile.string());
    Poco::JSON::Parser parser;
    const auto envelope = parser.parse(readFileBytes(envelopeFile.string())).extract<Poco::JSON::Object::Ptr>();
    mail.envelopeFrom = envelope->getValue<std::string>("from");
    const auto to = envelope->getArray("to");
    for (std::size_t i = 0; to && i < to->size(); ++i) mail.envelopeTo.push_back(to->getElement<std::string>(i));
    return mail;
}

/// One scenario's run: its server, its client, its steps, its evidence.
class Execution {
public:
    Execution(const Scenario& scenario, const RunOptions& options, ScenarioResult& result)
        : _scenario(scenario), _options(options), _result(result) {}

    void run() {
        fake::ServerConfig config = _scenario.server.IsDefined() && !_scenario.server.IsNull()
                                        ? detail::readServerSection(_scenario.server, {_scenario.file, "server"},
                                                                    _scenario.directory)
                                        : fake::ServerConfig::plain();
        config.host = "127.0.0.1";
        config.port = 0;
        if (config.implicitTlsPort) config.implicitTlsPort = 0;
        if (!_options.keepDirectory.empty()) {
            _keep = (fs::path(_options.keepDirectory) / safeName(_scenario.name)).string();
            prepareKeepDirectory(_keep);
            config.spoolDirectory = _keep;
        }
        fake::FakeSmtpServer server(config);
        try {
            server.start();
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string("the fake server did not start: ") + e.what());
        }
        const ClientSpec& spec = _scenario.client;
        const bool implicit = spec.port ? *spec.port == "tls" : spec.security == "tls";
        if (implicit && server.tlsPort() == 0)
            throw ScenarioError(_scenario.file, 0, 0, "client.security",
                                "implicit TLS needs an implicit-TLS listener in `server:`");
        SmtpClient client = detail::makeClient(spec, implicit ? server.tlsPort() : server.port());
        _port = server.port();
        ScratchDirectory pickup;

        detail::RunEvidence evidence;
        for (std::size_t i = 0; i < _scenario.steps.size(); ++i) {
            const Step& step = _scenario.steps[i];
            const detail::MismatchSink sink(_result.mismatches, step.where.key, step.where.line);
            if (step.kind == StepKind::Wait) {
                if (!server.store().waitForCount(step.waitCount, std::chrono::milliseconds(step.waitTimeoutMs)))
                    sink.add("", std::to_string(step.waitCount) + " captured message(s) within " +
                                     std::to_string(step.waitTimeoutMs) + " ms",
                             std::to_string(server.store().count()) + " captured message(s)");
                continue;
            }
            const StepOutcome outcome = runStep(step, client, pickup.path());
            detail::checkOutcome(step.expect.value_or(_scenario.expect.client), outcome, sink);
            if (outcome.result) evidence.lastResult = outcome.result;
            if (outcome.report) evidence.lastReport = outcome.report;
        }

        for (const auto& message : server.store().messages()) evidence.captured.push_back(fromCapture(message));
        const auto sessions = server.store().sessions();
        evidence.sessions = sessions.size();
        for (const auto& session : sessions)
            evidence.transcript += "--- connection " + std::to_string(session.id) + " ---\n" + session.transcriptText() + "\n";
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(pickup.path()))
            if (entry.is_regular_file() && entry.path().filename().string()[0] != '.' && entry.path().extension() == ".eml")
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (std::size_t i = 0; i < files.size(); ++i) {
            evidence.pickedUp.push_back(fromPickupFile(files[i], i + 1));
            if (_keep.empty()) continue;
            fs::path envelopeFile = files[i];
            envelopeFile.replace_extension(".envelope.json");
            for (const fs::path& kept : {files[i], envelopeFile})
                fs::copy_file(kept, fs::path(_keep) / ("pickup-" + kept.filename().string()));
        }
        server.stop();
        _result.transcript = evidence.transcript;
        detail::verify(_scenario, evidence, _result.mismatches);
        if (!_keep.empty()) {
            for (const auto& entry : fs::directory_iterator(_keep))
                if (isKeptFile(entry.path().filename().string())) _result.keptFiles.push_back(entry.path().string());
            std::sort(_result.keptFiles.begin(), _result.keptFiles.end());
        }
    }

private:
    StepOutcome runStep(const Step& step, SmtpClient& client, const std::string& pickupDirectory) {
        StepOutcome outcome;
        // Building the message is the scenario's business: its errors are scenario errors.
        std::optional<MailMessage> message;
        std::vector<MailMessage> messages;
        if (step.kind == StepKind::Send || step.kind == StepKind::SendEml || step.kind == StepKind::SendAsync ||
            step.kind == StepKind::Pickup || step.kind == StepKind::Forward)
            message = detail::buildMessage(step.message);
        for (const auto& spec : step.messages) messages.push_back(detail::buildMessage(spec));
        try {
            switch (step.kind) {
            case StepKind::Send:
            case StepKind::SendEml: outcome.result = client.send(*message); break;
            case StepKind::Bulk: outcome.report = client.send(messages); break;
            case StepKind::Forward: outcome.result = client.forward(step.sender, step.recipients, *message); break;
            case StepKind::ForwardStream: {
                std::ifstream in(step.file, std::ios::binary);
                if (!in) throw ScenarioError(step.where.file, step.where.line, 1, step.where.key, "cannot read " + step.file);
                outcome.result = client.forward(step.sender, step.recipients, in);
                break;
            }
            case StepKind::SendAsync: {
                CancellationToken token;
                auto future = client.sendAsync(*message, token);
                if (step.cancel) token.cancel();
                if (future.wait_for(_options.asyncTimeout) != std::future_status::ready)
                    throw std::runtime_error("send_async did not finish within " +
                                             std::to_string(_options.asyncTimeout.count()) + " ms");
                outcome.result = future.get();
                break;
            }
            case StepKind::Pickup: {
                SmtpClient writer = client;
                writer.setDeliveryMethod(DeliveryMethod::pickupDirectory(pickupDirectory));
                outcome.result = writer.send(*message);
                break;
            }
            case StepKind::SendRaw:
                detail::sendRaw(_port, step.sender, step.recipients, readFileBytes(step.file),
                                std::chrono::milliseconds(_scenario.client.timeoutMs));
                break;
            case StepKind::Wait: break;
            }
        } catch (const ScenarioError&) {
            throw;
        } catch (const SmtpException& e) {
            outcome.ok = false;
            outcome.error = std::current_exception();
            // Every recipient refused: `expect.recipients` states each refusal.
            if (!e.recipients().empty()) {
                outcome.result = SendResult{};
                outcome.result->recipients = e.recipients();
            }
        } catch (...) {
            outcome.ok = false;
            outcome.error = std::current_exception();
        }
        return outcome;
    }

    const Scenario& _scenario;
    const RunOptions& _options;
    ScenarioResult& _result;
    std::string _keep;
    std::uint16_t _port = 0; ///< the plain listener, for send_raw
};

} // namespace

ScenarioResult runScenario(const Scenario& scenario, const RunOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    ScenarioResult result;
    result.file = scenario.file;
    result.name = scenario.name;
    result.description = scenario.description;
    try {
        Execution(scenario, options, result).run();
        result.verdict = result.mismatches.empty() ? Verdict::Passed : Verdict::Failed;
    } catch (const std::exception& e) {
        // The file was checked when it was loaded: what goes wrong now means it could not run.
        result.verdict = Verdict::Error;
        result.error = e.what();
    }
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return result;
}

ScenarioResult runScenarioFile(const std::string& path, const RunOptions& options) {
    try {
        return runScenario(loadScenario(path, options.fixturesDirectory), options);
    } catch (const std::exception& e) {
        ScenarioResult result;
        result.file = path;
        result.name = fs::path(path).stem().string();
        result.verdict = Verdict::Error;
        result.invalid = true;
        result.error = e.what();
        return result;
    }
}

namespace {

/// Runs `work(i)` for i in [0, count) on up to `jobs` threads and reports each result.
bool stopped(const RunOptions& options) { return options.stop && options.stop->load(); }

/// The result of a scenario that was not started because the run was stopped.
ScenarioResult notRun(const std::string& file, const std::string& name) {
    ScenarioResult result;
    result.file = file;
    result.name = name;
    result.verdict = Verdict::Error;
    result.error = "not run: the run was stopped";
    return result;
}

std::vector<ScenarioResult> runParallel(std::size_t count, unsigned jobs,
                                        const std::function<ScenarioResult(std::size_t)>& work,
                                        const ResultCallback& onResult) {
    std::vector<ScenarioResult> results(count);
    if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
    jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(count, 1)));
    std::atomic<std::size_t> next{0};
    std::size_t finished = 0;
    std::mutex reportMutex;
    auto worker = [&] {
        for (std::size_t i = next++; i < count; i = next++) {
            results[i] = work(i);
            std::lock_guard<std::mutex> lock(reportMutex);
            ++finished;
            if (onResult) onResult(results[i], finished, count);
        }
    };
    std::vector<std::thread> threads;
    for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    return results;
}

} // namespace

std::vector<ScenarioResult> runScenarios(const std::vector<Scenario>& scenarios, unsigned jobs,
                                         const RunOptions& options, const ResultCallback& onResult) {
    return runParallel(
        scenarios.size(), jobs,
        [&](std::size_t i) {
            return stopped(options) ? notRun(scenarios[i].file, scenarios[i].name) : runScenario(scenarios[i], options);
        },
        onResult);
}

std::vector<ScenarioResult> runScenarioFiles(const std::vector<std::string>& files, unsigned jobs,
                                             const RunOptions& options, const ResultCallback& onResult) {
    return runParallel(
        files.size(), jobs,
        [&](std::size_t i) { return stopped(options) ? notRun(files[i], files[i]) : runScenarioFile(files[i], options); },
        onResult);
}

} // namespace mailrig::scenario
