#include "detail/AddressReader.h"

#include "mailrig/client/MailAddress.h"

#include <stdexcept>

namespace mailrig::scenario::detail {

namespace {

std::string envelopeAt(const YAML::Node& node, const NodePlace& place) {
    const std::string text = scalarText(node, place);
    std::string cause;
    try {
        const MailAddress parsed = MailAddress::parse(text);
        if (parsed.address != text)
            cause = "'" + text + "' is not an envelope address (local@domain, without display name or angle brackets)";
    } catch (const std::invalid_argument& e) {
        cause = e.what();
    }
    if (!cause.empty()) failAt(node, place, cause);
    return text;
}

/// A scalar or a list of scalars at `key`, each read with `read(node, place)`.
template <class Read>
std::vector<std::string> eachAddress(MapReader& map, const std::string& key, Read read) {
    auto [node, place] = map.take(key);
    if (!node.IsDefined() || node.IsNull()) return {};
    if (node.IsScalar()) return {read(node, place)};
    return readEach(node, place, read);
}

} // namespace

std::string mailboxAt(const YAML::Node& node, const NodePlace& place) {
    const std::string text = scalarText(node, place);
    try {
        MailAddress::parse(text);
    } catch (const std::invalid_argument& e) {
        failAt(node, place, e.what());
    }
    return text;
}

std::optional<std::string> mailbox(MapReader& map, const std::string& key) {
    auto [node, place] = map.take(key);
    if (!node.IsDefined()) return std::nullopt;
    return mailboxAt(node, place);
}

std::vector<std::string> mailboxList(MapReader& map, const std::string& key) {
    return eachAddress(map, key, mailboxAt);
}

std::string envelopeAddress(MapReader& map, const std::string& key) {
    if (!map.has(key)) failAt(map.node(), map.child(key), "this key is required");
    auto [node, place] = map.take(key);
    return envelopeAt(node, place);
}

std::optional<std::string> envelopeSender(MapReader& map, const std::string& key) {
    auto [node, place] = map.take(key);
    if (!node.IsDefined()) return std::nullopt;
    if (scalarText(node, place).empty()) return std::string(); // the null sender <>
    return envelopeAt(node, place);
}

std::vector<std::string> envelopeAddressList(MapReader& map, const std::string& key) {
    return eachAddress(map, key, envelopeAt);
}

} // namespace mailrig::scenario::detail
