#pragma once
// One message as the checks see it, whichever way it arrived: captured by the fake server or
// written into the pickup directory.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mailrig::scenario::detail {

struct CapturedMail {
    std::string label;                 ///< `message 2` or `pickup file 3 (name.eml)`, for reports
    std::string bytes;                 ///< the message as received (pickup: the .eml file's bytes)
    std::optional<std::string> envelopeFrom;
    std::vector<std::string> envelopeTo;
    std::vector<std::pair<std::string, std::string>> mailParameters; ///< name (upper case) → value
    /// RCPT TO parameters, one list per entry of envelopeTo (same order).
    std::vector<std::vector<std::pair<std::string, std::string>>> rcptParameters;
    std::map<std::string, bool> flags; ///< bare_lf, bare_cr, smuggling, ...
    bool haveSession = false;          ///< false for pickup files
    bool tls = false;
    std::string authUser;
    std::string keptAs;                ///< path of the kept EML, when kept
};

} // namespace mailrig::scenario::detail
