#include "smtp/CommandParser.h"

#include "smtp/MailboxSyntax.h"

#include <cctype>

namespace mailrig::fake::detail {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

namespace {

bool isKeywordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

bool parseParams(std::string_view rest, PathCommand& out, std::string& error) {
    std::size_t pos = 0;
    while (pos < rest.size()) {
        while (pos < rest.size() && rest[pos] == ' ') ++pos;
        if (pos >= rest.size()) break;
        std::size_t end = rest.find(' ', pos);
        if (end == std::string_view::npos) end = rest.size();
        std::string_view param = rest.substr(pos, end - pos);
        pos = end;
        std::size_t eq = param.find('=');
        std::string_view key = param.substr(0, eq);
        if (key.empty() || !std::isalnum(static_cast<unsigned char>(key[0]))) {
            error = "Syntax error in parameter `" + std::string(param) + "`";
            return false;
        }
        for (char c : key)
            if (!isKeywordChar(c)) {
                error = "Syntax error in parameter keyword `" + std::string(key) + "`";
                return false;
            }
        std::string value;
        if (eq != std::string_view::npos) {
            value = std::string(param.substr(eq + 1));
            if (value.empty()) {
                error = "Empty value for parameter " + upper(key);
                return false;
            }
            for (char c : value)
                if (c == '=' || static_cast<unsigned char>(c) < 33 || c == 127) {
                    error = "Syntax error in the value of " + upper(key);
                    return false;
                }
        }
        std::string name = upper(key);
        for (const auto& existing : out.params)
            if (existing.first == name) {
                error = "Duplicate parameter " + name;
                return false;
            }
        out.params.emplace_back(std::move(name), std::move(value));
    }
    return true;
}

} // namespace

CommandLine splitCommand(std::string_view line) {
    CommandLine out;
    std::size_t space = line.find(' ');
    out.verb = upper(line.substr(0, space));
    if (space != std::string_view::npos) {
        std::string_view rest = line.substr(space + 1);
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
        out.argument = std::string(rest);
    }
    return out;
}

bool parsePathCommand(std::string_view argument, std::string_view keyword, PathCommand& out, std::string& error) {
    out = PathCommand{};
    if (argument.size() < keyword.size() + 1 || upper(argument.substr(0, keyword.size())) != keyword ||
        argument[keyword.size()] != ':') {
        error = "Syntax: expected " + std::string(keyword) + ":<address>";
        return false;
    }
    std::size_t pos = keyword.size() + 1;
    while (pos < argument.size() && argument[pos] == ' ') { // tolerated, though RFC 5321 has none
        out.spaceBeforePath = true;
        ++pos;
    }
    if (pos >= argument.size() || argument[pos] != '<') {
        error = "Syntax: the address must be in angle brackets";
        return false;
    }
    ++pos;
    std::size_t start = pos;
    bool quoted = false;
    for (; pos < argument.size(); ++pos) {
        char c = argument[pos];
        if (static_cast<unsigned char>(c) < 32 || c == 127) {
            error = "Syntax: control character in the address";
            return false;
        }
        if (quoted && c == '\\') {
            ++pos;
            continue;
        }
        if (c == '"') quoted = !quoted;
        else if (!quoted && c == '>') break;
        else if (!quoted && c == ' ') {
            error = "Syntax: space in the address";
            return false;
        }
    }
    if (pos >= argument.size()) {
        error = quoted ? "Syntax: unbalanced quote in the address" : "Syntax: missing `>`";
        return false;
    }
    std::string_view path = argument.substr(start, pos - start);
    if (!path.empty() && path[0] == '@') { // RFC 5321 4.1.2 source route: checked, then ignored
        std::size_t colon = path.find(':');
        if (colon == std::string_view::npos) {
            error = "Syntax: source route without `:`";
            return false;
        }
        const std::string routeError = sourceRouteSyntaxError(path.substr(0, colon));
        if (!routeError.empty()) {
            error = "Syntax: " + routeError;
            return false;
        }
        path.remove_prefix(colon + 1);
        if (path.empty()) {
            error = "Syntax: no mailbox after the source route";
            return false;
        }
    }
    out.address = std::string(path);
    std::string_view rest = argument.substr(pos + 1);
    if (!rest.empty() && rest[0] != ' ') {
        error = "Syntax: expected a space after `>`";
        return false;
    }
    return parseParams(rest, out, error);
}

bool hasNonAscii(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0x80) return true;
    return false;
}

bool isXtext(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '+') { // RFC 3461 4: hexchar is "+" and two upper-case hex digits
            auto hex = [](char h) { return (h >= '0' && h <= '9') || (h >= 'A' && h <= 'F'); };
            if (i + 2 >= text.size() || !hex(text[i + 1]) || !hex(text[i + 2])) return false;
            i += 2;
        } else if (c < 33 || c > 126 || c == '=') {
            return false;
        }
    }
    return true;
}

} // namespace mailrig::fake::detail
