// Fuzz target: any bytes as a winmail.dat, through the fake server's own TNEF reader (and, when
// that finds the stream well-formed, libytnef's cross-check, and the HTML de-encapsulation of
// the RTF body), and the same bytes as RTF text through htmlFromRtf. Neither throws for bad
// data: any exception is a finding.
#include "mailrig/fakeserver/TnefView.h"

#include <cstdint>
#include <string>

using namespace mailrig::fake;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    (void)decodeTnef(bytes);
    (void)htmlFromRtf(bytes);
    return 0;
}
