#include "smtp/Sasl.h"

#include <Poco/HMACEngine.h>
#include <Poco/MD5Engine.h>

#include <atomic>
#include <chrono>
#include <random>

namespace mailrig::fake::detail {

namespace {
bool constantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}
} // namespace

std::optional<SaslCredentials> parsePlain(std::string_view decoded) {
    std::size_t first = decoded.find('\0');
    if (first == std::string_view::npos) return std::nullopt;
    std::size_t second = decoded.find('\0', first + 1);
    if (second == std::string_view::npos || decoded.find('\0', second + 1) != std::string_view::npos) return std::nullopt;
    SaslCredentials c{std::string(decoded.substr(first + 1, second - first - 1)), std::string(decoded.substr(second + 1))};
    if (c.user.empty()) return std::nullopt;
    return c;
}

std::optional<SaslCredentials> parseXoauth2(std::string_view decoded) {
    SaslCredentials c;
    bool haveUser = false, haveToken = false;
    std::size_t pos = 0;
    while (pos < decoded.size()) {
        std::size_t end = decoded.find('\x01', pos);
        if (end == std::string_view::npos) return std::nullopt; // every field ends with ^A
        std::string_view field = decoded.substr(pos, end - pos);
        pos = end + 1;
        if (field.empty()) break;
        if (field.substr(0, 5) == "user=") {
            c.user = std::string(field.substr(5));
            haveUser = true;
        } else if (field.substr(0, 12) == "auth=Bearer ") {
            c.secret = std::string(field.substr(12));
            haveToken = true;
        }
    }
    if (!haveUser || !haveToken) return std::nullopt;
    return c;
}

std::optional<SaslCredentials> parseCramMd5(std::string_view decoded) {
    std::size_t space = decoded.rfind(' ');
    if (space == std::string_view::npos || space == 0 || decoded.size() - space - 1 != 32) return std::nullopt;
    return SaslCredentials{std::string(decoded.substr(0, space)), std::string(decoded.substr(space + 1))};
}

std::string cramMd5Digest(std::string_view password, std::string_view challenge) {
    Poco::HMACEngine<Poco::MD5Engine> hmac{std::string(password)};
    hmac.update(challenge.data(), static_cast<unsigned>(challenge.size()));
    return Poco::DigestEngine::digestToHex(hmac.digest());
}

std::string cramMd5Challenge(const std::string& hostname) {
    static std::atomic<unsigned> counter{0};
    std::random_device device;
    auto now = std::chrono::system_clock::now().time_since_epoch().count();
    return "<" + std::to_string(device()) + "." + std::to_string(++counter) + "." + std::to_string(now) + "@" + hostname + ">";
}

bool checkCredentials(const std::map<std::string, std::string>& users, std::string_view mechanism,
                      const SaslCredentials& credentials, std::string_view challenge) {
    auto it = users.find(credentials.user);
    if (it == users.end()) return false;
    if (mechanism == "CRAM-MD5") return constantTimeEquals(cramMd5Digest(it->second, challenge), credentials.secret);
    return constantTimeEquals(it->second, credentials.secret);
}

} // namespace mailrig::fake::detail
