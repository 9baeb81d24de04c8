// ruleFromYaml / rulesFromYaml: one YAML mapping per Rule, the same fields C++ fills.
#include "mailrig/fakeserver/ServerConfigYaml.h"
#include "rules/RuleYamlFields.h"

#include <limits>

namespace mailrig::fake {

namespace {

using detail::YamlFields;
using detail::yamlFail;

constexpr std::uint64_t kMaxMillis = 24ULL * 60 * 60 * 1000; // one day: longer is a typo

int replyCode(const YAML::Node& node, const std::string& code, const std::string& source, const std::string& key) {
    if (code.size() != 3 || code.find_first_not_of("0123456789") != std::string::npos || code < "200" ||
        code > "599")
        yamlFail(node, source, key, "bad reply code `" + code + "`: expected three digits 200..599");
    return std::stoi(code);
}

std::string withoutFinalNewlines(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

// `"451 4.7.1 text"`, `451`, or `{code: 451, text: "..." | [lines]}`.
Reply replyFromYaml(const YAML::Node& node, const std::string& source, const std::string& key) {
    Reply reply;
    if (node.IsMap()) {
        YamlFields fields(node, source, key, {"code", "text"});
        if (!fields.has("code")) yamlFail(node, source, key + ".code", "missing (e.g. code: 451)");
        reply.code = replyCode(fields.node("code"), fields.text("code"), source, fields.path("code"));
        if (fields.has("text")) {
            const YAML::Node text = fields.node("text");
            if (text.IsSequence()) {
                for (const auto& line : fields.list("text")) reply.text += (reply.text.empty() ? "" : "\n") + line;
            } else {
                reply.text = withoutFinalNewlines(fields.text("text"));
            }
        }
    } else {
        const std::string value = detail::yamlText(node, source, key);
        const auto space = value.find(' ');
        reply.code = replyCode(node, value.substr(0, space), source, key);
        if (space != std::string::npos) reply.text = withoutFinalNewlines(value.substr(space + 1));
    }
    if (reply.text.find('\r') != std::string::npos)
        yamlFail(node, source, key, "reply text must not contain CR (separate lines with a newline)");
    return reply;
}

} // namespace

Rule ruleFromYaml(const YAML::Node& node, const std::string& source, const std::string& key) {
    YamlFields fields(node, source, key,
                      {"on", "match", "nth", "times", "scope", "reply", "delay_ms", "tarpit_ms", "disconnect",
                       "close421", "abort_after_bytes", "fail_tls", "ehlo"});
    Rule rule;
    if (!fields.has("on")) yamlFail(node, source, fields.path("on"), "missing: which phase the rule applies to");
    const std::string phase = fields.text("on");
    if (auto parsed = parsePhase(phase)) rule.on = *parsed;
    else
        fields.fail("on", "unknown phase `" + phase +
                              "` (expected CONNECT, EHLO, HELO, STARTTLS, TLS, AUTH, MAIL, RCPT, DATA, BDAT, "
                              "DATA-END, RSET, QUIT, NOOP, VRFY or HELP)");
    if (fields.has("match")) rule.match = fields.text("match");
    constexpr auto maxCount = static_cast<std::uint64_t>(std::numeric_limits<unsigned>::max());
    if (fields.has("nth")) {
        rule.nth = static_cast<unsigned>(fields.number("nth", maxCount));
        if (rule.nth == 0) fields.fail("nth", "counts from 1 (the first occurrence)");
    }
    // `nth: N` alone means "the Nth occurrence": it fires once unless `times` says otherwise.
    if (fields.has("times")) rule.times = static_cast<unsigned>(fields.number("times", maxCount));
    else if (fields.has("nth")) rule.times = 1;
    if (fields.has("scope")) {
        const std::string scope = fields.text("scope");
        if (scope == "session") rule.scope = Scope::Session;
        else if (scope == "global") rule.scope = Scope::Global;
        else fields.fail("scope", "expected session or global, found `" + scope + "`");
    }
    Action& action = rule.action;
    if (fields.has("reply")) action.reply = replyFromYaml(fields.node("reply"), source, fields.path("reply"));
    if (fields.has("delay_ms")) action.delay = std::chrono::milliseconds(fields.number("delay_ms", kMaxMillis));
    if (fields.has("tarpit_ms")) action.tarpit = std::chrono::milliseconds(fields.number("tarpit_ms", kMaxMillis));
    if (fields.has("disconnect")) action.disconnect = fields.boolean("disconnect");
    if (fields.has("close421")) action.close421 = fields.boolean("close421");
    if (fields.has("fail_tls")) action.failTls = fields.boolean("fail_tls");
    if (fields.has("abort_after_bytes"))
        action.abortAfterBytes = static_cast<std::size_t>(
            fields.number("abort_after_bytes", std::numeric_limits<std::uint32_t>::max()));
    if (fields.has("ehlo")) {
        action.ehlo = fields.list("ehlo");
        for (const auto& line : *action.ehlo)
            if (line.empty() || line.find_first_of("\r\n") != std::string::npos)
                fields.fail("ehlo", "each capability line must be non-empty and on one line");
    }
    try {
        rule.validate();
    } catch (const std::invalid_argument& e) {
        yamlFail(node, source, key, e.what());
    }
    return rule;
}

std::vector<Rule> rulesFromYaml(const YAML::Node& node, const std::string& source, const std::string& key) {
    if (node.IsNull()) return {};
    if (!node.IsSequence()) yamlFail(node, source, key, "expected a list of rules");
    std::vector<Rule> rules;
    for (std::size_t i = 0; i < node.size(); ++i)
        rules.push_back(ruleFromYaml(node[i], source, key + "[" + std::to_string(i) + "]"));
    return rules;
}

} // namespace mailrig::fake
