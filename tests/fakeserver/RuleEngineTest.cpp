#include <boost/test/unit_test.hpp>

#include "mailrig/fakeserver/Rule.h"
#include "rules/Glob.h"
#include "rules/RuleEngine.h"

#include <stdexcept>

using namespace mailrig::fake;
using mailrig::fake::detail::globMatch;
using mailrig::fake::detail::RuleEngine;

namespace {
Rule replyRule(Phase on, std::string match, int code, unsigned nth = 1, unsigned times = 0, Scope scope = Scope::Session) {
    Rule r;
    r.on = on;
    r.match = std::move(match);
    r.nth = nth;
    r.times = times;
    r.scope = scope;
    r.action.reply = Reply{code, "x"};
    return r;
}
int firedCode(const Action* action) { return action && action->reply ? action->reply->code : 0; }
} // namespace

BOOST_AUTO_TEST_SUITE(RuleEngineSuite)

BOOST_AUTO_TEST_CASE(globMatchesCaseInsensitivelyWithStarQuestionAndEscape) {
    BOOST_TEST(globMatch("*@example.com", "Bob@EXAMPLE.com"));
    BOOST_TEST(!globMatch("*@example.com", "bob@example.org"));
    BOOST_TEST(globMatch("b?b@*", "bob@x"));
    BOOST_TEST(globMatch("a\\*b", "a*b"));
    BOOST_TEST(!globMatch("a\\*b", "axb"));
    BOOST_TEST(globMatch("*", ""));
    BOOST_TEST(globMatch("*Subject: spam*", "From: x\r\nSubject: spam offer\r\n\r\n"));
    BOOST_TEST(!globMatch("a*b*c", "aXbXd"));
}

BOOST_AUTO_TEST_CASE(nthAndTimesSelectOccurrences) {
    RuleEngine engine({replyRule(Phase::Data, "", 421, 2, 1)});
    auto counters = engine.newSession();
    BOOST_TEST(firedCode(engine.evaluate(Phase::Data, "", counters)) == 0);
    BOOST_TEST(firedCode(engine.evaluate(Phase::Data, "", counters)) == 421);
    BOOST_TEST(firedCode(engine.evaluate(Phase::Data, "", counters)) == 0);
}

BOOST_AUTO_TEST_CASE(sessionScopeRestartsAndGlobalScopeIsShared) {
    RuleEngine engine({replyRule(Phase::Rcpt, "x@example.com", 451, 1, 1, Scope::Global),
                       replyRule(Phase::Mail, "", 452, 1, 1, Scope::Session)});
    auto first = engine.newSession();
    auto second = engine.newSession();
    BOOST_TEST(firedCode(engine.evaluate(Phase::Rcpt, "x@example.com", first)) == 451);
    BOOST_TEST(firedCode(engine.evaluate(Phase::Rcpt, "x@example.com", second)) == 0); // greylist passed
    BOOST_TEST(firedCode(engine.evaluate(Phase::Mail, "a@b", first)) == 452);
    BOOST_TEST(firedCode(engine.evaluate(Phase::Mail, "a@b", second)) == 452);
    BOOST_TEST(firedCode(engine.evaluate(Phase::Mail, "a@b", second)) == 0);
}

BOOST_AUTO_TEST_CASE(firstDueRuleFiresAndLaterMatchingRulesStillCount) {
    RuleEngine engine({replyRule(Phase::Rcpt, "vip@*", 550, 1, 1), replyRule(Phase::Rcpt, "*", 452, 2, 0)});
    auto c = engine.newSession();
    BOOST_TEST(firedCode(engine.evaluate(Phase::Rcpt, "vip@x", c)) == 550); // rule 2 counts its 1st
    BOOST_TEST(firedCode(engine.evaluate(Phase::Rcpt, "a@x", c)) == 452);   // rule 2's 2nd
    BOOST_TEST(firedCode(engine.evaluate(Phase::Helo, "a", c)) == 0);
}

BOOST_AUTO_TEST_CASE(validateNamesTheProblem) {
    Rule r = replyRule(Phase::Rcpt, "", 199);
    BOOST_CHECK_THROW(r.validate(), std::invalid_argument);
    r = replyRule(Phase::Rcpt, "", 250);
    r.action.abortAfterBytes = 10;
    try {
        r.validate();
        BOOST_FAIL("no throw");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("abort_after_bytes") != std::string::npos);
    }
    Rule empty;
    BOOST_CHECK_THROW(empty.validate(), std::invalid_argument);
    Rule zero = replyRule(Phase::Data, "", 451, 0);
    BOOST_CHECK_THROW(zero.validate(), std::invalid_argument);
    BOOST_CHECK_NO_THROW(replyRule(Phase::DataEnd, "", 554).validate());
}

BOOST_AUTO_TEST_CASE(phaseNamesRoundTrip) {
    for (Phase p : {Phase::Connect, Phase::DataEnd, Phase::StartTls, Phase::Tls, Phase::Bdat})
        BOOST_CHECK(parsePhase(phaseName(p)).value() == p);
    BOOST_CHECK(parsePhase("data-end").value() == Phase::DataEnd);
    BOOST_TEST(!parsePhase("FOO"));
}

BOOST_AUTO_TEST_SUITE_END()
