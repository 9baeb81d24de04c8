#pragma once

#include <string>

namespace mailrig::detail {

/// RFC 5545 §3.1 content lines for `text`: every line ends with CRLF (a bare LF or CR becomes
/// CRLF), and every line longer than 75 octets is folded (CRLF + one space) at the last UTF-8
/// character boundary that keeps the physical line within 75 octets. Lines that are already
/// folded correctly are left as they are; a logical line whose folding is too long or splits a
/// UTF-8 character is unfolded and folded again.
std::string foldContentLines(const std::string& text);

} // namespace mailrig::detail
