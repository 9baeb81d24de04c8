#include "smtp/MailboxSyntax.h"

#include <cctype>

namespace mailrig::fake::detail {

namespace {

bool isUtf8Byte(char c) { return static_cast<unsigned char>(c) >= 0x80; }

/// RFC 5322 atext, and RFC 6531 UTF8-non-ascii.
bool isAtext(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || isUtf8Byte(c) ||
           std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

/// True when every byte ≥ 0x80 in `text` belongs to a well-formed UTF-8 sequence (RFC 3629).
bool validUtf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || i + length > text.size() || (length == 2 && c < 0xC2)) return false;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        const auto second = length > 1 ? static_cast<unsigned char>(text[i + 1]) : 0;
        if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second >= 0xA0) || (c == 0xF0 && second < 0x90) ||
            (c == 0xF4 && second >= 0x90) || c > 0xF4)
            return false; // overlong forms, surrogates, beyond U+10FFFF
        i += length;
    }
    return true;
}

std::string dotStringError(std::string_view local) {
    if (local.empty()) return "empty local part";
    bool atomStart = true;
    for (char c : local) {
        if (c == '.') {
            if (atomStart) return "empty atom in the local part (a leading, trailing or double dot)";
            atomStart = true;
        } else if (isAtext(c)) {
            atomStart = false;
        } else {
            return std::string("character `") + c + "` in an unquoted local part";
        }
    }
    return atomStart ? "empty atom in the local part (a leading, trailing or double dot)" : "";
}

std::string quotedStringError(std::string_view local) {
    if (local.size() < 2 || local.back() != '"') return "unterminated quoted local part";
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
        const auto c = static_cast<unsigned char>(local[i]);
        if (c == '\\') {
            if (++i + 1 >= local.size() || static_cast<unsigned char>(local[i]) < 32 ||
                static_cast<unsigned char>(local[i]) > 126)
                return "bad quoted pair in the local part";
        } else if (c == '"' || c < 32 || c == 127) {
            return "bad character in the quoted local part";
        }
    }
    return "";
}

std::string domainError(std::string_view domain) {
    if (domain.empty()) return "empty domain";
    if (domain.front() == '[') {
        if (domain.back() != ']' || domain.size() < 3) return "unterminated address literal";
        for (char c : domain.substr(1, domain.size() - 2))
            if (static_cast<unsigned char>(c) < 33 || c == '[' || c == '\\' || c == ']' || static_cast<unsigned char>(c) > 126)
                return "bad character in the address literal";
        return "";
    }
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = domain.find('.', start);
        const std::string_view label = domain.substr(start, dot == std::string_view::npos ? domain.npos : dot - start);
        if (label.empty()) return "empty label in the domain";
        if (label.front() == '-' || label.back() == '-') return "a domain label starts or ends with `-`";
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && !isUtf8Byte(c))
                return std::string("character `") + c + "` in the domain";
        if (dot == std::string_view::npos) return "";
        start = dot + 1;
    }
}

bool isPostmaster(std::string_view text) {
    static constexpr std::string_view name = "postmaster";
    if (text.size() != name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != name[i]) return false;
    return true;
}

} // namespace

std::string mailboxSyntaxError(std::string_view mailbox, bool postmasterAlone) {
    if (!validUtf8(mailbox)) return "bytes that are not UTF-8";
    if (postmasterAlone && isPostmaster(mailbox)) return "";
    // The local part ends at the last `@` outside quotes.
    std::size_t at = std::string_view::npos;
    bool quoted = false;
    for (std::size_t i = 0; i < mailbox.size(); ++i) {
        if (quoted && mailbox[i] == '\\') ++i;
        else if (mailbox[i] == '"') quoted = !quoted;
        else if (!quoted && mailbox[i] == '@') at = i;
    }
    if (at == std::string_view::npos) return "no `@domain`";
    const std::string_view local = mailbox.substr(0, at);
    const std::string localError = !local.empty() && local.front() == '"' ? quotedStringError(local) : dotStringError(local);
    if (!localError.empty()) return localError;
    return domainError(mailbox.substr(at + 1));
}

std::string sourceRouteSyntaxError(std::string_view route) {
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = route.find(',', start);
        const std::string_view hop = route.substr(start, comma == std::string_view::npos ? route.npos : comma - start);
        if (hop.size() < 2 || hop.front() != '@') return "source route hop `" + std::string(hop) + "` is not @domain";
        const std::string error = domainError(hop.substr(1));
        if (!error.empty()) return "source route: " + error;
        if (comma == std::string_view::npos) return "";
        start = comma + 1;
    }
}

} // namespace mailrig::fake::detail
