// The remaining modes end to end: pickup directory, async with cancellation, TNEF.
#include <boost/test/unit_test.hpp>

#include "mailrig/client/Appointment.h"
#include "mailrig/client/SmtpClient.h"
#include "mailrig/fakeserver/CalendarView.h"
#include "mailrig/fakeserver/MessageCalendar.h"
#include "mailrig/fakeserver/BoostFixture.h"
#include "mailrig/fakeserver/MessageView.h"
#include "support/Process.h"
#include "support/SmtpClientTesting.h"

#include <algorithm>
#include <dirent.h>
#include <sstream>
#include <thread>

using namespace mailrig;
using mailrig::fake::FakeSmtpServer;
using mailrig::fake::Phase;
using mailrig::fake::ServerConfig;

namespace {

std::vector<std::string> listDirectory(const std::string& path) {
    std::vector<std::string> names;
    if (DIR* dir = ::opendir(path.c_str())) {
        while (dirent* e = ::readdir(dir)) {
            const std::string name = e->d_name;
            if (name != "." && name != "..") names.push_back(name);
        }
        ::closedir(dir);
    }
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

BOOST_AUTO_TEST_SUITE(SmtpModesTest)

BOOST_AUTO_TEST_CASE(pickupDirectoryGetsOneCompleteEmlPerMessage) {
    test::TempDir dir;
    SmtpClient client("unused.invalid", 25);
    client.setDeliveryMethod(DeliveryMethod::pickupDirectory(dir.path()));
    const MailMessage message = test::sampleMessage();
    const SendResult result = client.send(message);
    BOOST_TEST(result.allAccepted());
    MailMessageCollection batch{test::sampleMessage("a"), test::sampleMessage("b")};
    const SendReport report = client.send(batch);
    BOOST_TEST(report.succeededCount() == 2u);
    const std::vector<std::string> files = listDirectory(dir.path());
    BOOST_REQUIRE(files.size() == 6u); // three .eml files, each with its .envelope.json
    std::vector<std::string> emls;
    for (const auto& f : files)
        if (f.size() > 4 && f.compare(f.size() - 4, 4, ".eml") == 0) emls.push_back(f);
    BOOST_REQUIRE(emls.size() == 3u);
    for (const auto& f : emls) {
        const std::string stem = f.substr(0, f.size() - 4);
        BOOST_TEST((std::find(files.begin(), files.end(), stem + ".envelope.json") != files.end()), f);
    }
    // The .eml holds the message exactly as it goes on the wire: no envelope lines, no Bcc.
    const std::string path = dir.file(emls.front());
    const std::string text = test::readFile(path);
    BOOST_TEST(text.find("X-Sender") == std::string::npos);
    BOOST_TEST(text.find("X-Receiver") == std::string::npos);
    BOOST_TEST(text.find("Bcc:") == std::string::npos);
    BOOST_TEST(text.find("\r\n\r\n") != std::string::npos);
    // Independent oracle: Python reads the message and its envelope.
    const std::string stem = path.substr(0, path.size() - 4);
    const test::ProcessResult py = test::runPython(
        "import sys, json, email, email.policy\n"
        "raw = open(sys.argv[1], 'rb').read()\n"
        "m = email.message_from_bytes(raw, policy=email.policy.default)\n"
        "e = json.load(open(sys.argv[2]))\n"
        "print(m['Subject']); print(raw.count(b'\\n') == raw.count(b'\\r\\n'))\n"
        "print(e['from']); print(' '.join(e['to']))\n",
        {path, stem + ".envelope.json"});
    BOOST_TEST(py.exitCode == 0, py.err);
    BOOST_TEST(py.out == "Hello\nTrue\nalice@example.org\nbob@example.org carol@example.org dave@example.org\n");
}

BOOST_AUTO_TEST_CASE(pickupResultReportsTheSizeOfTheFileWritten) {
    test::TempDir dir;
    SmtpClient client("unused.invalid", 25);
    client.setDeliveryMethod(DeliveryMethod::pickupDirectory(dir.path()));
    const SendResult result = client.send(MailMessage::fromBytes("From: a@example.org\nTo: b@example.org\n\n.dot\nend"));
    for (const auto& f : listDirectory(dir.path()))
        if (f.size() > 4 && f.compare(f.size() - 4, 4, ".eml") == 0)
            BOOST_TEST(result.messageSize == test::readFile(dir.file(f)).size());
    BOOST_TEST(result.messageSize == std::string("From: a@example.org\r\nTo: b@example.org\r\n\r\n.dot\r\nend\r\n").size());
}

BOOST_AUTO_TEST_CASE(pickupEnvelopeEscapesJsonSpecials) {
    test::TempDir dir;
    SmtpClient client("unused.invalid", 25);
    client.setDeliveryMethod(DeliveryMethod::pickupDirectory(dir.path()));
    std::istringstream in("Subject: s\n\nbody\n");
    client.forward("\"odd\\\"name\"@example.org", {"b@example.org"}, in);
    std::string envelopeFile;
    for (const auto& f : listDirectory(dir.path()))
        if (f.find(".envelope.json") != std::string::npos) envelopeFile = dir.file(f);
    BOOST_REQUIRE(!envelopeFile.empty());
    const test::ProcessResult py =
        test::runPython("import sys, json\nprint(json.load(open(sys.argv[1]))['from'])\n", {envelopeFile});
    BOOST_TEST(py.exitCode == 0, py.err);
    BOOST_TEST(py.out == "\"odd\\\"name\"@example.org\n");
}

BOOST_AUTO_TEST_CASE(pickupDirectoryMustExist) {
    SmtpClient client("unused.invalid", 25);
    client.setDeliveryMethod(DeliveryMethod::pickupDirectory("/nonexistent/mailrig-pickup"));
    try {
        client.send(test::sampleMessage());
        BOOST_FAIL("no exception");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find("/nonexistent/mailrig-pickup") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(streamForwardIntoPickupDirectory) {
    test::TempDir dir;
    SmtpClient client("unused.invalid", 25);
    client.setDeliveryMethod(DeliveryMethod::pickupDirectory(dir.path()));
    std::istringstream in("Subject: s\nBcc: x@y\n\nbody\n");
    client.forward("a@example.org", {"b@example.org"}, in);
    const std::vector<std::string> files = listDirectory(dir.path());
    BOOST_REQUIRE(files.size() == 2u);
    BOOST_REQUIRE(files[0].size() > 4);
    BOOST_TEST(test::readFile(dir.file(files[0])) == "Subject: s\r\n\r\nbody\r\n"); // <name>.eml sorts first
    BOOST_TEST(test::readFile(dir.file(files[1])) == "{\"from\": \"a@example.org\", \"to\": [\"b@example.org\"]}\n");
}

BOOST_FIXTURE_TEST_CASE(sendAsyncDeliversOnAWorkerThread, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    std::future<SendResult> single = client.sendAsync(test::sampleMessage());
    std::future<SendReport> bulk = client.sendAsync(MailMessageCollection{test::sampleMessage("x"), test::sampleMessage("y")});
    std::future<SendResult> forwarded =
        client.forwardAsync("f@example.org", {"z@example.org"}, test::sampleMessage("fwd"));
    auto stream = std::make_shared<std::istringstream>("Subject: streamed\r\n\r\nbody\r\n");
    std::future<SendResult> streamed = client.forwardAsync("f@example.org", {"z@example.org"}, stream);
    BOOST_TEST(single.get().allAccepted());
    BOOST_TEST(bulk.get().succeededCount() == 2u);
    BOOST_TEST(forwarded.get().allAccepted());
    BOOST_TEST(streamed.get().allAccepted());
    BOOST_TEST(waitForMessages(5));
}

BOOST_AUTO_TEST_CASE(cancellationStopsAPendingSendPromptly) {
    ServerConfig config = ServerConfig::plain();
    fake::Rule rule;
    rule.on = Phase::DataEnd;
    rule.action.delay = std::chrono::milliseconds(5000);
    config.rules.push_back(rule);
    FakeSmtpServer server(config);
    server.start();
    SmtpClient client = test::plainClientFor(server);
    CancellationToken token;
    const auto start = std::chrono::steady_clock::now();
    std::future<SendResult> pending = client.sendAsync(test::sampleMessage(), token);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    token.cancel();
    BOOST_CHECK_THROW(pending.get(), SmtpCancelledException);
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(3)));
    BOOST_TEST(token.isCancelled());
}

BOOST_FIXTURE_TEST_CASE(cancelledBulkLeavesTheRestNotAttempted, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    CancellationToken token;
    token.cancel();
    std::future<SendReport> pending =
        client.sendAsync(MailMessageCollection{test::sampleMessage("x"), test::sampleMessage("y")}, token);
    const SendReport report = pending.get();
    BOOST_TEST(report.notAttemptedCount() == 2u);
    BOOST_TEST(server.store().count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(tnefSendsWinmailDat, fake::ServerFixture) {
    SmtpClient client = test::plainClientFor(server);
    client.setUseTnef(true);
    MailMessage message = test::sampleMessage("tnef");
    message.setHtmlBody("<p>Hello <b>Bob</b></p>");
    message.addAttachment(Attachment::fromBytes("notes.txt", "attached text"));
    client.send(message);
    BOOST_REQUIRE(waitForMessages(1));
    const fake::CapturedMessage captured = server.store().last();
    bool found = false;
    for (const fake::MimePart* part : captured.view().parts())
        if (part->contentType() == "application/ms-tnef") found = true;
    BOOST_TEST(found);
    BOOST_TEST(captured.view().header("X-MS-TNEF-Correlator").has_value());
    BOOST_TEST(captured.recipientAddresses().size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(meetingRequestArrivesAsValidCalendar, fake::ServerFixture) {
    MailMessage message = test::sampleMessage("Planning");
    Appointment meeting;
    meeting.setSummary("Planning");
    meeting.setOrganizer(MailAddress("alice@example.org", "Alice"));
    meeting.addAttendee(MailAddress("bob@example.org", "Bob"));
    const auto start = std::chrono::system_clock::now() + std::chrono::hours(24);
    meeting.setTimes(start, start + std::chrono::hours(1));
    meeting.attachTo(message);
    SmtpClient client = test::plainClientFor(server);
    client.send(message);
    BOOST_REQUIRE(waitForMessages(1));
    const auto calendar = fake::calendarOf(server.store().last().view());
    BOOST_REQUIRE(calendar.has_value());
    BOOST_TEST(calendar->parsed());
    BOOST_TEST(calendar->method() == "REQUEST");
    for (const auto& f : calendar->findings()) BOOST_TEST_MESSAGE(f.code << ": " << f.message);
    BOOST_TEST(calendar->findings().empty());
}

BOOST_AUTO_TEST_SUITE_END()
