#include "mailrig/client/MailAddress.h"

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
        throw std::invalid_argument("no mailbox address in '" + text + "'");
    for (const auto& a : result)
        if (a.address.find('@') == std::string::npos || a.address.front() == '@' ||
            a.address.back() == '@')
            throw std::invalid_argument("address '" + a.address + "' in '" + text +
                                        "' is not local@domain");
    return result;
}

MailAddress MailAddress::parse(const std::string& text) {
    auto list = parseList(text);
    if (list.size() != 1)
        throw std::invalid_argument("'" + text + "' holds " + std::to_string(list.size()) +
                                    " addresses where one was expected");
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
