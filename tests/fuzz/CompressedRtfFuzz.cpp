// Fuzz target for the client's RTF code: any bytes as compressed RTF (MS-OXRTFCP) given to the
// decompressor, which throws std::invalid_argument for a damaged stream; any bytes as RTF text
// compressed and decompressed again, which must give them back unchanged; and any bytes as HTML
// and as text turned into RTF (never throws).
#include "mailrig/client/Tnef.h"

#include <cstdint>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        (void)mailrig::decompressRtf(bytes);
    } catch (const std::invalid_argument&) {
    }
    if (mailrig::decompressRtf(mailrig::compressRtf(bytes)) != bytes) __builtin_trap();
    (void)mailrig::htmlToRtf(bytes);
    (void)mailrig::textToRtf(bytes);
    return 0;
}
