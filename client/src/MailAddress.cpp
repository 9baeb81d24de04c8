#include "mailrig/client/MailAddress.h"

#include "PrintableText.h"
#include "mime/GMimeSupport.h"

#include <ostream>
#include <stdexcept>

namespace mailrig {

std::vector<MailAddress> MailAddress::parseList(const std::string& text) {
    std::vector<MailAddress> result;
    auto options = detail::lenientParserOptions();
    detail::GPtr<InternetAddressList> list(internet_address_list_parse(options.get(), text.c_str()));
    detail::appendMailboxes(list.get(), result);
    if (result.empty())
        throw std::invalid_argument("no mailbox address in '" + detail::printableText(text) + "'");
    for (const auto& a : result)
        if (a.address.find('@') == std::string::npos || a.address.front() == '@' ||
            a.address.back() == '@')
            throw std::invalid_argument("address '" + detail::printableText(a.address) + "' in '" +
                                        detail::printableText(text) + "' is not local@domain");
    return result;
}

namespace {

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    return first == std::string::npos ? std::string() : text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// Whether `text` reads back as `address` alone or as `... <address>` (one pair of angle brackets
/// outside quotes, nothing after them): the list parser is lenient and would drop stray
/// characters such as a trailing `>`.
bool readsBackAs(const std::string& text, const std::string& address) {
    std::size_t open = std::string::npos, close = std::string::npos, opens = 0, closes = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && quoted) ++i;
        else if (c == '"') quoted = !quoted;
        else if (!quoted && c == '<') open = i, ++opens;
        else if (!quoted && c == '>') close = i, ++closes;
    }
    if (opens == 0 && closes == 0) return trimmed(text) == address;
    return opens == 1 && closes == 1 && open < close && trimmed(text.substr(close + 1)).empty() &&
           trimmed(text.substr(open + 1, close - open - 1)) == address;
}

} // namespace

MailAddress MailAddress::parse(const std::string& text) {
    auto list = parseList(text);
    if (list.size() != 1)
        throw std::invalid_argument("'" + detail::printableText(text) + "' holds " + std::to_string(list.size()) +
                                    " addresses where one was expected");
    if (!readsBackAs(text, list.front().address))
        throw std::invalid_argument("'" + detail::printableText(text) +
                                    "' is not an address of the form a@b or Name <a@b>");
    return list.front();
}

std::string MailAddress::toString() const {
    if (displayName.empty()) return address;
    bool needsQuotes = false;
    for (char c : displayName)
        if (std::string("()<>[]:;@\\,.\"").find(c) != std::string::npos) needsQuotes = true;
    if (!needsQuotes) return displayName + " <" + address + ">";
    std::string quoted = "\"";
    for (char c : displayName) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\" <" + address + ">";
}

bool MailAddress::isInternational() const {
    for (char c : address + displayName)
        if (static_cast<unsigned char>(c) > 0x7F) return true;
    return false;
}

std::ostream& operator<<(std::ostream& out, const MailAddress& address) {
    return out << address.toString();
}

} // namespace mailrig
