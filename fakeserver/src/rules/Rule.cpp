#include "mailrig/fakeserver/Rule.h"

#include <array>
#include <cctype>
#include <stdexcept>
#include <utility>

namespace mailrig::fake {

namespace {

constexpr std::array<std::pair<Phase, std::string_view>, 16> kPhaseNames{{
    {Phase::Connect, "CONNECT"}, {Phase::Ehlo, "EHLO"},         {Phase::Helo, "HELO"},
    {Phase::StartTls, "STARTTLS"}, {Phase::Tls, "TLS"},         {Phase::Auth, "AUTH"},
    {Phase::Mail, "MAIL"},       {Phase::Rcpt, "RCPT"},         {Phase::Data, "DATA"},
    {Phase::Bdat, "BDAT"},       {Phase::DataEnd, "DATA-END"},  {Phase::Rset, "RSET"},
    {Phase::Quit, "QUIT"},       {Phase::Noop, "NOOP"},         {Phase::Vrfy, "VRFY"},
    {Phase::Help, "HELP"},
}};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

[[noreturn]] void invalid(const Rule& rule, const std::string& cause) {
    throw std::invalid_argument("rule `" + rule.describe() + "`: " + cause);
}

} // namespace

std::string_view phaseName(Phase phase) {
    for (const auto& [p, name] : kPhaseNames)
        if (p == phase) return name;
    return "?";
}

std::optional<Phase> parsePhase(std::string_view name) {
    for (const auto& [p, n] : kPhaseNames)
        if (equalsIgnoreCase(n, name)) return p;
    if (equalsIgnoreCase(name, "DATA_END") || equalsIgnoreCase(name, "DOT") || name == ".")
        return Phase::DataEnd;
    return std::nullopt;
}

void Rule::validate() const {
    const Action& a = action;
    if (nth == 0) invalid(*this, "nth counts from 1");
    if (a.reply && (a.reply->code < 200 || a.reply->code > 599))
        invalid(*this, "reply code " + std::to_string(a.reply->code) + " is outside 200..599");
    if (a.reply && a.reply->text.find('\r') != std::string::npos)
        invalid(*this, "reply text must not contain CR (separate lines with \\n)");
    if (a.delay.count() < 0 || a.tarpit.count() < 0) invalid(*this, "delays cannot be negative");
    if (a.abortAfterBytes && on != Phase::Data && on != Phase::Bdat)
        invalid(*this, "abort_after_bytes applies only to DATA and BDAT");
    if (a.ehlo && on != Phase::Ehlo) invalid(*this, "ehlo applies only to EHLO");
    if (a.failTls && on != Phase::StartTls && on != Phase::Tls)
        invalid(*this, "fail_tls applies only to STARTTLS and TLS");
    if (on == Phase::Tls && a.reply) invalid(*this, "the TLS handshake has no reply to replace");
    if (a.reply && on == Phase::Data && a.reply->code >= 300 && a.reply->code < 400 && a.reply->code != 354)
        invalid(*this, "DATA can only be answered 354 to proceed");
    if (a.reply && a.reply->code >= 300 && a.reply->code < 400 && on != Phase::Data)
        invalid(*this, "a 3xx reply only makes sense for DATA (354)");
    if (!a.reply && a.delay.count() == 0 && a.tarpit.count() == 0 && !a.ehlo && !a.abortAfterBytes &&
        !a.failTls && !a.close421 && !a.disconnect)
        invalid(*this, "the action does nothing");
}

std::string Rule::describe() const {
    std::string out = "on " + std::string(phaseName(on));
    if (!match.empty()) out += " match " + match;
    if (nth != 1) out += " nth " + std::to_string(nth);
    if (times != 0) out += " times " + std::to_string(times);
    if (scope == Scope::Global) out += " scope global";
    out += ":";
    if (action.delay.count()) out += " delay_ms " + std::to_string(action.delay.count());
    if (action.tarpit.count()) out += " tarpit_ms " + std::to_string(action.tarpit.count());
    if (action.ehlo) out += " ehlo (" + std::to_string(action.ehlo->size()) + " lines)";
    if (action.abortAfterBytes) out += " abort_after_bytes " + std::to_string(*action.abortAfterBytes);
    if (action.failTls) out += " fail_tls";
    if (action.close421) out += " close421";
    if (action.reply) {
        std::string first = action.reply->text.substr(0, action.reply->text.find('\n'));
        out += " reply " + std::to_string(action.reply->code) + (first.empty() ? "" : " " + first);
    }
    if (action.disconnect) out += " disconnect";
    return out;
}

} // namespace mailrig::fake
