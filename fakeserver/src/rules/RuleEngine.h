#pragma once

#include "mailrig/fakeserver/Rule.h"

#include <mutex>
#include <string_view>
#include <vector>

namespace mailrig::fake::detail {

/// Decides which rule fires for an event, keeping the occurrence counters: per session in a
/// `SessionCounters` the connection owns, global ones inside the engine under a lock. The rules
/// are immutable after construction; `evaluate` may run on every connection thread at once.
class RuleEngine {
public:
    /// Per-connection counters (one slot per rule).
    struct SessionCounters {
        std::vector<unsigned> seen;
        std::vector<unsigned> fired;
    };

    /// Takes the rules in evaluation order (validated by the caller).
    explicit RuleEngine(std::vector<Rule> rules);

    /// Fresh counters for a new connection.
    SessionCounters newSession() const;
    /// True when some rule is about `phase` (lets the caller skip building an argument).
    bool watches(Phase phase) const { return (_phases & (1u << static_cast<unsigned>(phase))) != 0; }
    /// True when some rule delays or tarpits: its session must be able to wait without holding
    /// up others (the server then gives every connection its own thread).
    bool pauses() const { return _pauses; }
    /// Counts the event for every matching rule and returns the action of the first rule that
    /// is due, or nullptr. The pointer stays valid as long as the engine.
    const Action* evaluate(Phase phase, std::string_view argument, SessionCounters& counters);

private:
    std::vector<Rule> _rules;
    unsigned _phases = 0;
    bool _pauses = false;
    std::mutex _mutex;
    std::vector<unsigned> _globalSeen;
    std::vector<unsigned> _globalFired;
};

} // namespace mailrig::fake::detail
