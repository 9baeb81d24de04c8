#include "smtp/HeaderFilter.h"

#include "smtp/MessageSource.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace mailrig::detail {

namespace {

/// The field name of the line at `begin` (text before the colon, trailing blanks removed), or
/// empty when the line is not a field start.
std::string fieldName(const std::string& block, std::size_t begin, std::size_t end) {
    std::size_t i = begin;
    while (i < end && block[i] != ':' && block[i] != '\r' && block[i] != '\n') ++i;
    if (i >= end || block[i] != ':') return {};
    std::size_t e = i;
    while (e > begin && (block[e - 1] == ' ' || block[e - 1] == '\t')) --e;
    std::string name = block.substr(begin, e - begin);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
}

bool dropped(const std::string& lowerName) {
    return lowerName == "bcc" || lowerName == "resent-bcc" || lowerName == "return-path";
}

/// Calls `line(begin, end)` for each line (end after its line end).
template <typename F>
void forEachLine(const std::string& block, F line) {
    std::size_t pos = 0;
    while (pos < block.size()) {
        const void* nl = std::memchr(block.data() + pos, '\n', block.size() - pos);
        const std::size_t end = nl ? static_cast<const char*>(nl) - block.data() + 1 : block.size();
        line(pos, end);
        pos = end;
    }
}

bool isMboxSeparator(const std::string& block) { return block.compare(0, 5, "From ") == 0; }

} // namespace

bool needsFiltering(const std::string& block) {
    if (isMboxSeparator(block)) return true;
    bool found = false;
    forEachLine(block, [&](std::size_t b, std::size_t e) {
        if (!found && b < e && block[b] != ' ' && block[b] != '\t' && dropped(fieldName(block, b, e)))
            found = true;
    });
    return found;
}

std::string filterHeaderBlock(const std::string& block) {
    std::string out;
    out.reserve(block.size());
    bool skipping = false;
    bool first = true;
    forEachLine(block, [&](std::size_t b, std::size_t e) {
        const bool separator = first && isMboxSeparator(block);
        first = false;
        if (separator) return;
        const bool continuation = block[b] == ' ' || block[b] == '\t';
        if (!continuation) skipping = dropped(fieldName(block, b, e));
        if (!skipping) out.append(block, b, e - b);
    });
    return out;
}

std::string resentBlock(const std::string& sender, const std::vector<std::string>& recipients,
                        std::chrono::system_clock::time_point when) {
    if (sender.empty())
        throw std::invalid_argument("Resent headers need a sender address: the null reverse-path <> cannot be "
                                    "a Resent-From (forward without Resent headers to use an empty sender)");
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count();
    const Poco::Timestamp stamp(static_cast<Poco::Timestamp::TimeVal>(micros));
    std::string out = "Resent-Date: " +
                      Poco::DateTimeFormatter::format(stamp, "%w, %e %b %Y %H:%M:%S +0000") + "\r\n";
    out += "Resent-From: <" + sender + ">\r\n";
    std::string line = "Resent-To:";
    for (std::size_t i = 0; i < recipients.size(); ++i) {
        std::string item = " <" + recipients[i] + ">" + (i + 1 < recipients.size() ? "," : "");
        if (line.size() + item.size() > 76 && line != "Resent-To:") {
            out += line + "\r\n";
            line.clear();
        }
        line += item;
    }
    out += line + "\r\n";
    const std::size_t at = sender.rfind('@');
    const std::string domain = at == std::string::npos || at + 1 >= sender.size()
                                   ? std::string("mailrig.local")
                                   : sender.substr(at + 1);
    out += "Resent-Message-ID: <" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString() +
           "@" + domain + ">\r\n";
    return out;
}

std::string rewriteMessage(const std::string& bytes, const std::string& resent) {
    const std::size_t headerLength = headerBlockLength(bytes);
    const std::string header = bytes.substr(0, headerLength);
    if (resent.empty() && !needsFiltering(header)) return bytes;
    std::string out = resent;
    out.reserve(resent.size() + bytes.size());
    out += filterHeaderBlock(header);
    out.append(bytes, headerLength, std::string::npos);
    return out;
}

} // namespace mailrig::detail
