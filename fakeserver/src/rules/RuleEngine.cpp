#include "rules/RuleEngine.h"

#include "rules/Glob.h"

namespace mailrig::fake::detail {

RuleEngine::RuleEngine(std::vector<Rule> rules)
    : _rules(std::move(rules)), _globalSeen(_rules.size(), 0), _globalFired(_rules.size(), 0) {
    for (const Rule& rule : _rules) {
        _phases |= 1u << static_cast<unsigned>(rule.on);
        _pauses = _pauses || rule.action.delay.count() > 0 || rule.action.tarpit.count() > 0;
    }
}

RuleEngine::SessionCounters RuleEngine::newSession() const {
    return SessionCounters{std::vector<unsigned>(_rules.size(), 0), std::vector<unsigned>(_rules.size(), 0)};
}

const Action* RuleEngine::evaluate(Phase phase, std::string_view argument, SessionCounters& counters) {
    if (!watches(phase)) return nullptr;
    const Action* chosen = nullptr;
    std::unique_lock<std::mutex> lock(_mutex, std::defer_lock);
    for (std::size_t i = 0; i < _rules.size(); ++i) {
        const Rule& rule = _rules[i];
        if (rule.on != phase) continue;
        if (!rule.match.empty() && !globMatch(rule.match, argument)) continue;
        bool global = rule.scope == Scope::Global;
        if (global && !lock.owns_lock()) lock.lock();
        unsigned& seen = global ? _globalSeen[i] : counters.seen[i];
        unsigned& fired = global ? _globalFired[i] : counters.fired[i];
        ++seen;
        if (chosen || seen < rule.nth || (rule.times != 0 && fired >= rule.times)) continue;
        ++fired;
        chosen = &rule.action;
    }
    return chosen;
}

} // namespace mailrig::fake::detail
