#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "support/Process.h"
#include "support/SmtpWire.h"

#include <chrono>

using namespace mailrig::fake;
using mailrig::test::runPython;
using mailrig::test::SmtpWire;
using namespace std::chrono_literals;

namespace {

Rule rule(Phase on, std::string match = {}) {
    Rule r;
    r.on = on;
    r.match = std::move(match);
    return r;
}

Rule replying(Rule r, int code, std::string text) {
    r.action.reply = Reply{code, std::move(text)};
    return r;
}

// A started server with the given rules (plus STARTTLS with the shared test certificate).
struct RuledServer {
    explicit RuledServer(std::vector<Rule> rules, bool tls = false) : server(makeConfig(std::move(rules), tls)) { server.start(); }
    static ServerConfig makeConfig(std::vector<Rule> rules, bool tls) {
        ServerConfig c = tls ? ServerConfig::withStartTls() : ServerConfig::plain();
        c.rules = std::move(rules);
        return c;
    }
    std::string port() const { return std::to_string(server.port()); }
    FakeSmtpServer server;
};

// Python smtplib, the independent client: prints what it saw, one fact per line.
const char* const kSendTwice = R"PY(
import smtplib, sys
port = int(sys.argv[1])
rcpts = sys.argv[2].split(',')
for attempt in (1, 2):
    try:
        s = smtplib.SMTP('127.0.0.1', port, timeout=10)
        refused = s.sendmail('sender@example.com', rcpts, b'Subject: t\r\n\r\nbody\r\n')
        print('attempt%d ok refused=%s' % (attempt, ','.join('%s:%d' % (k, v[0]) for k, v in sorted(refused.items()))))
        s.quit()
    except smtplib.SMTPRecipientsRefused as e:
        print('attempt%d all-refused %s' % (attempt, ','.join('%s:%d' % (k, v[0]) for k, v in sorted(e.recipients.items()))))
)PY";

} // namespace

BOOST_AUTO_TEST_SUITE(FaultRules)

BOOST_AUTO_TEST_CASE(greylistRefusesFirstRcptWith451AndAcceptsTheRetry) {
    Rule greylist = replying(rule(Phase::Rcpt, "x@example.com"), 451, "4.7.1 Greylisted, try again later");
    greylist.times = 1;
    greylist.scope = Scope::Global;
    RuledServer s({greylist});
    auto r = runPython(kSendTwice, {s.port(), "x@example.com"});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out == "attempt1 all-refused x@example.com:451\nattempt2 ok refused=\n");
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(refusesOneRecipientOfThreeWith550) {
    RuledServer s({replying(rule(Phase::Rcpt, "bob@*"), 550, "5.1.1 No such user")});
    auto r = runPython(kSendTwice, {s.port(), "alice@example.com,bob@example.com,carol@example.com"});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out.find("attempt1 ok refused=bob@example.com:550\n") == 0u);
    BOOST_REQUIRE(s.server.store().waitForCount(2, 5s));
    BOOST_TEST(s.server.store().last().recipientAddresses() == (std::vector<std::string>{"alice@example.com", "carol@example.com"}));
}

BOOST_AUTO_TEST_CASE(dropsTheConnectionInTheMiddleOfTheSecondMessage) {
    Rule abort = rule(Phase::Data);
    abort.nth = 2;
    abort.times = 1;
    abort.action.abortAfterBytes = 10000;
    RuledServer s({abort});
    const char* script = R"PY(
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)
body = b'Subject: big\r\n\r\n' + b'x' * 76 + b'\r\n'
for n in (1, 2):
    try:
        s.sendmail('a@example.com', ['b@example.com'], body * (2000 if n == 2 else 1))
        print('message%d accepted' % n)
    except (smtplib.SMTPServerDisconnected, ConnectionError) as e:
        print('message%d disconnected' % n)
)PY";
    auto r = runPython(script, {s.port()});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out == "message1 accepted\nmessage2 disconnected\n");
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(abortsDuringDataEvenWhenTheWholeMessageArrivesInOneRead) {
    Rule abort = rule(Phase::Data);
    abort.action.abortAfterBytes = 100;
    RuledServer s({abort});
    // smtplib writes the whole (small) message, terminator included, in one send.
    const char* script = R"PY(
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)
body = b'Subject: short\r\n\r\n' + b'y' * 200 + b'\r\n'
try:
    s.sendmail('a@example.com', ['b@example.com'], body)
    print('accepted')
except (smtplib.SMTPServerDisconnected, ConnectionError):
    print('disconnected')
)PY";
    auto r = runPython(script, {s.port()});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out == "disconnected\n");
    BOOST_TEST(s.server.store().count() == 0u);
}

BOOST_AUTO_TEST_CASE(answers421AtGreetingAndCloses) {
    Rule busy = rule(Phase::Connect);
    busy.action.close421 = true;
    busy.action.reply = Reply{421, "4.3.2 mailrig.test busy, come back later"};
    RuledServer s({busy});
    const char* script = R"PY(
import smtplib, sys
try:
    smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)
    print('connected')
except smtplib.SMTPConnectError as e:
    print('refused %d %s' % (e.smtp_code, e.smtp_error.decode()))
)PY";
    auto r = runPython(script, {s.port()});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out == "refused 421 4.3.2 mailrig.test busy, come back later\n");
}

BOOST_AUTO_TEST_CASE(answers454ToStartTls) {
    RuledServer s({replying(rule(Phase::StartTls), 454, "4.7.0 TLS not available due to temporary reason")}, true);
    const char* script = R"PY(
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)
s.ehlo()
print('offered' if s.has_extn('starttls') else 'not offered')
code, text = s.docmd('STARTTLS')
print(code, text.decode())
code, text = s.docmd('NOOP')
print(code)
)PY";
    auto r = runPython(script, {s.port()});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out == "offered\n454 4.7.0 TLS not available due to temporary reason\n250\n");
}

BOOST_AUTO_TEST_CASE(failsTheTlsHandshakeAfter220) {
    Rule fail = rule(Phase::Tls);
    fail.action.failTls = true;
    RuledServer s({fail}, true);
    const char* script = R"PY(
import smtplib, ssl, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)
s.ehlo()
try:
    s.starttls(context=ssl._create_unverified_context())
    print('tls up')
except ssl.SSLError as e:
    print('ssl error')
except (smtplib.SMTPServerDisconnected, ConnectionError):
    print('disconnected')
)PY";
    auto r = runPython(script, {s.port()});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.out == "ssl error\n");
}

BOOST_AUTO_TEST_CASE(rejectsAtDataEndAndCapturesNothing) {
    RuledServer s({replying(rule(Phase::DataEnd, "*Subject: spam*"), 554, "5.7.1 Message looks like spam")});
    SmtpWire wire(s.server.port());
    wire.hello();
    auto refused = wire.sendMail("a@b.c", {"x@d.e"}, "Subject: spam\r\n\r\nbuy\r\n");
    BOOST_TEST(refused.code == 554);
    BOOST_TEST(refused.text() == "5.7.1 Message looks like spam");
    BOOST_TEST(wire.sendMail("a@b.c", {"x@d.e"}, "Subject: ham\r\n\r\nhi\r\n").code == 250);
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(sendsMultiLineScriptedReplies) {
    RuledServer s({replying(rule(Phase::Mail), 550, "5.7.1 first line\n5.7.1 second line")});
    SmtpWire wire(s.server.port());
    wire.hello();
    auto r = wire.command("MAIL FROM:<a@b.c>");
    BOOST_TEST(r.lines == (std::vector<std::string>{"550-5.7.1 first line", "550 5.7.1 second line"}));
}

BOOST_AUTO_TEST_CASE(bareCodeGetsTheDefaultTextOfItsClass) {
    auto once = [](Rule r) {
        r.times = 1;
        return r;
    };
    RuledServer s({once(replying(rule(Phase::Mail), 550, "")), once(replying(rule(Phase::Rcpt), 451, "")),
                   replying(rule(Phase::Data), 354, ""), replying(rule(Phase::DataEnd), 250, "")});
    SmtpWire wire(s.server.port());
    wire.hello();
    BOOST_TEST(wire.command("MAIL FROM:<a@b.c>").lines == (std::vector<std::string>{"550 5.0.0 Permanent failure"}));
    BOOST_TEST(wire.command("MAIL FROM:<a@b.c>").code == 250);
    BOOST_TEST(wire.command("RCPT TO:<x@d.e>").lines ==
               (std::vector<std::string>{"451 4.0.0 Temporary failure, try again later"}));
    BOOST_TEST(wire.command("RCPT TO:<x@d.e>").code == 250);
    BOOST_TEST(wire.command("DATA").lines == (std::vector<std::string>{"354 Go ahead"})); // no class-3 status codes
    wire.send("Subject: s\r\n\r\nb\r\n.\r\n");
    BOOST_TEST(wire.reply().lines == (std::vector<std::string>{"250 2.0.0 OK"}));
    BOOST_TEST(s.server.store().count() == 1u);

    // The greeting carries no enhanced status code; nor does anything when they are not offered.
    RuledServer greeting({replying(rule(Phase::Connect), 554, "")});
    BOOST_TEST(SmtpWire(greeting.server.port()).reply().lines == (std::vector<std::string>{"554 Permanent failure"}));
    ServerConfig plainCodes = ServerConfig::plain();
    plainCodes.capabilities.enhancedStatusCodes = false;
    plainCodes.rules = {replying(rule(Phase::Mail), 550, "")};
    FakeSmtpServer server(plainCodes);
    server.start();
    SmtpWire bare(server.port());
    bare.hello();
    BOOST_TEST(bare.command("MAIL FROM:<a@b.c>").lines == (std::vector<std::string>{"550 Permanent failure"}));
}

BOOST_AUTO_TEST_CASE(delaysAndTarpitsReplies) {
    Rule delay = rule(Phase::Mail);
    delay.action.delay = 300ms;
    Rule tarpit = rule(Phase::Rcpt);
    tarpit.action.tarpit = 200ms;
    RuledServer s({delay, tarpit});
    SmtpWire wire(s.server.port());
    wire.hello();
    auto t0 = std::chrono::steady_clock::now();
    BOOST_TEST(wire.command("MAIL FROM:<a@b.c>").code == 250);
    auto t1 = std::chrono::steady_clock::now();
    BOOST_CHECK(t1 - t0 >= 290ms);
    BOOST_TEST(wire.command("RCPT TO:<x@d.e>").code == 250);
    BOOST_TEST(wire.command("NOOP").code == 250); // tarpit stays for the session
    BOOST_CHECK(std::chrono::steady_clock::now() - t1 >= 390ms);
}

BOOST_AUTO_TEST_CASE(advertisesADifferentEhlo) {
    Rule ehlo = rule(Phase::Ehlo);
    ehlo.action.ehlo = std::vector<std::string>{"SIZE 1000", "X-CUSTOM"};
    RuledServer s({ehlo});
    SmtpWire wire(s.server.port());
    auto r = wire.hello();
    BOOST_TEST(r.lines.size() == 3u);
    BOOST_TEST(r.lines[1] == "250-SIZE 1000");
    BOOST_TEST(r.lines[2] == "250 X-CUSTOM");
}

BOOST_AUTO_TEST_CASE(disconnectsWithoutAReply) {
    Rule drop = rule(Phase::Rcpt, "*@drop.example");
    drop.action.disconnect = true;
    RuledServer s({drop});
    SmtpWire wire(s.server.port());
    wire.hello();
    BOOST_TEST(wire.command("MAIL FROM:<a@b.c>").code == 250);
    wire.send("RCPT TO:<x@drop.example>\r\n");
    BOOST_TEST(wire.readUntilClosed(5s).empty());
}

BOOST_AUTO_TEST_CASE(refusedGreetingServesOnlyQuit) {
    RuledServer s({replying(rule(Phase::Connect), 554, "5.3.2 No service here")});
    SmtpWire wire(s.server.port());
    BOOST_TEST(wire.reply().code == 554);
    BOOST_TEST(wire.command("EHLO x").code == 503);
    BOOST_TEST(wire.command("QUIT").code == 221);
}

BOOST_AUTO_TEST_CASE(builtInChecksRunBeforeRulesAndCountNoOccurrence) {
    Rule first = replying(rule(Phase::Rcpt), 450, "4.2.0 Mailbox busy");
    first.times = 1;
    RuledServer s({first});
    SmtpWire wire(s.server.port());
    wire.hello();
    BOOST_TEST(wire.command("MAIL FROM:<a@b.c>").code == 250);
    BOOST_TEST(wire.command("RCPT TO:<broken").code == 501); // syntax: rule not consulted
    BOOST_TEST(wire.command("RCPT TO:<x@d.e>").code == 450);
    BOOST_TEST(wire.command("RCPT TO:<x@d.e>").code == 250);
}

BOOST_AUTO_TEST_CASE(scriptedSuccessReplyKeepsTheDefaultEffect) {
    RuledServer s({replying(rule(Phase::DataEnd), 250, "2.0.0 custom queue id 42")});
    SmtpWire wire(s.server.port());
    wire.hello();
    auto r = wire.sendMail("a@b.c", {"x@d.e"}, "Subject: s\r\n\r\nb\r\n");
    BOOST_TEST(r.text() == "2.0.0 custom queue id 42");
    BOOST_TEST(s.server.store().count() == 1u);
}

BOOST_AUTO_TEST_CASE(invalidRulesStopStartWithTheirIndex) {
    ServerConfig c = ServerConfig::plain();
    c.rules.push_back(replying(rule(Phase::Mail), 250, "ok"));
    c.rules.push_back(replying(rule(Phase::Mail), 99, "bad"));
    FakeSmtpServer server(c);
    try {
        server.start();
        BOOST_FAIL("no throw");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("rules[1]") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
