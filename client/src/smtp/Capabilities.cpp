#include "smtp/Capabilities.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace mailrig::detail {

namespace {

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

} // namespace

Capabilities Capabilities::parse(const SmtpReply& reply) {
    Capabilities caps;
    caps.esmtp = true;
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        std::vector<std::string> w = words(reply.lines[i]);
        if (w.empty()) continue;
        std::string keyword = upper(w.front());
        std::vector<std::string> params(w.begin() + 1, w.end());
        // Old servers announce `AUTH=LOGIN PLAIN`.
        if (keyword.compare(0, 5, "AUTH=") == 0) {
            params.insert(params.begin(), keyword.substr(5));
            keyword = "AUTH";
        }
        caps.keywords.push_back(keyword);
        if (keyword == "PIPELINING") caps.pipelining = true;
        else if (keyword == "STARTTLS") caps.startTls = true;
        else if (keyword == "8BITMIME") caps.eightBitMime = true;
        else if (keyword == "SMTPUTF8") caps.smtpUtf8 = true;
        else if (keyword == "CHUNKING") caps.chunking = true;
        else if (keyword == "BINARYMIME") caps.binaryMime = true;
        else if (keyword == "DSN") caps.dsn = true;
        else if (keyword == "ENHANCEDSTATUSCODES") caps.enhancedStatusCodes = true;
        else if (keyword == "SIZE") {
            caps.sizeOffered = true;
            if (!params.empty() && !params.front().empty() &&
                std::all_of(params.front().begin(), params.front().end(),
                            [](char c) { return c >= '0' && c <= '9'; }) &&
                params.front().size() < 20)
                caps.maxSize = std::stoull(params.front());
        } else if (keyword == "AUTH") {
            for (const auto& m : params) {
                const std::string mech = upper(m);
                if (std::find(caps.auth.begin(), caps.auth.end(), mech) == caps.auth.end())
                    caps.auth.push_back(mech);
            }
        }
    }
    return caps;
}

bool Capabilities::offersAuth(const std::string& mechanism) const {
    return std::find(auth.begin(), auth.end(), upper(mechanism)) != auth.end();
}

bool Capabilities::has(const std::string& keyword) const {
    return std::find(keywords.begin(), keywords.end(), upper(keyword)) != keywords.end();
}

} // namespace mailrig::detail
