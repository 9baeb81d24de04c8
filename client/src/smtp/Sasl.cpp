#include "smtp/Sasl.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/MD5Engine.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace mailrig::detail {

std::string base64Encode(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

std::string base64Decode(const std::string& text) {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string out;
    try {
        char c;
        while (decoder.get(c)) out.push_back(c);
    } catch (const std::exception&) {
        throw std::invalid_argument("invalid base64 '" + text.substr(0, 80) + "'");
    }
    return out;
}

std::optional<AuthMechanism> chooseMechanism(const std::vector<AuthMechanism>& allowed,
                                             const std::vector<std::string>& offered) {
    for (AuthMechanism m : allowed)
        if (std::find(offered.begin(), offered.end(), toString(m)) != offered.end()) return m;
    return std::nullopt;
}

std::string plainResponse(const std::string& user, const std::string& password) {
    return base64Encode(std::string(1, '\0') + user + std::string(1, '\0') + password);
}

std::string cramMd5Response(const std::string& user, const std::string& password,
                            const std::string& challenge) {
    Poco::HMACEngine<Poco::MD5Engine> hmac(password);
    hmac.update(challenge);
    return base64Encode(user + " " + Poco::DigestEngine::digestToHex(hmac.digest()));
}

std::string xoauth2Response(const std::string& user, const std::string& token) {
    return base64Encode("user=" + user + "\x01" "auth=Bearer " + token + "\x01\x01");
}

} // namespace mailrig

namespace mailrig {

std::string toString(AuthMechanism mechanism) {
    switch (mechanism) {
    case AuthMechanism::Plain: return "PLAIN";
    case AuthMechanism::Login: return "LOGIN";
    case AuthMechanism::CramMd5: return "CRAM-MD5";
    case AuthMechanism::XOAuth2: return "XOAUTH2";
    }
    return "?";
}

} // namespace mailrig
