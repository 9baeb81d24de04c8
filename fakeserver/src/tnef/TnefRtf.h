#pragma once
// PR_RTF_COMPRESSED on the verifying side: header and CRC checked here (MS-OXRTFCP 2.1.3.1),
// the data decompressed by a decoder of our own (libytnef's has a wrong preamble).

#include <string>
#include <vector>

namespace mailrig::fake::detail {

/// Decompresses `compressed`; every problem found (short header, size fields, magic, CRC, a
/// result of the wrong length) is appended to `problems`, prefixed with `where`. Returns ""
/// when nothing could be decompressed.
std::string readCompressedRtf(const std::string& compressed, const std::string& where,
                              std::vector<std::string>& problems);

} // namespace mailrig::fake::detail
