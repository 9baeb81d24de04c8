#include "mime/MessageShape.h"

#include <algorithm>

namespace mailrig::detail {

std::size_t headerBlockStart(const std::string& bytes) {
    if (bytes.compare(0, 5, "From ") != 0) return 0;
    const auto eol = bytes.find('\n');
    return eol == std::string::npos ? bytes.size() : eol + 1;
}

std::string whyNotAMessage(const std::string& bytes) {
    const std::string noHeader = "no header block (the data does not start with a header field)";
    const std::size_t start = headerBlockStart(bytes);
    std::size_t i = start;
    while (i < bytes.size() && bytes[i] != ':') {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c <= 0x20 || c >= 0x7F) return noHeader;
        ++i;
    }
    if (i == start || i == bytes.size()) return noHeader;
    const std::size_t end = std::min(bytes.find("\n\n", start), bytes.find("\r\n\r\n", start));
    if (bytes.find('\0', start) < end) return "binary data (a NUL byte) in the header block";
    return {};
}

} // namespace mailrig::detail
