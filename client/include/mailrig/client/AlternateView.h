#pragma once

#include "mailrig/client/MimeTypes.h"

#include <string>
#include <utility>
#include <vector>

namespace mailrig {

/// One rendering of the body inside `multipart/alternative` (the seed's AlternateView), e.g.
/// text/plain, text/html or text/calendar. Written after the message's own text and HTML
/// bodies, in the order added, so the last view is the richest, as RFC 2046 asks. Composing
/// throws std::invalid_argument when `charset` is not a MIME token or a parameter value holds a
/// line break or NUL byte (it would end the header field and start another).
struct AlternateView {
    std::string content;                      ///< the decoded content (text in `charset`)
    std::string contentType = "text/plain";   ///< media type (parameters belong in `parameters`)
    std::string charset = "utf-8";            ///< charset parameter for text types; empty for none
    TransferEncoding transferEncoding = TransferEncoding::Auto; ///< how the part is encoded
    /// Extra Content-Type parameters, written in order, e.g. {"method", "REQUEST"}.
    std::vector<std::pair<std::string, std::string>> parameters;
};

} // namespace mailrig
