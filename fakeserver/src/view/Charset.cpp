#include "view/Charset.h"

#include "view/GMimeInit.h"

#include <gmime/gmime.h>
#include <iconv.h>

#include <cerrno>

namespace mailrig::fake::detail {

namespace {

const char* const replacement = "\xEF\xBF\xBD";

// An iconv descriptor from `charset` to UTF-8, or (iconv_t)-1. Closed by the caller.
iconv_t openToUtf8(const std::string& charset) {
    ensureGMime();
    const char* name = g_mime_charset_iconv_name(charset.c_str());
    return iconv_open("UTF-8", name ? name : charset.c_str());
}

std::string convert(iconv_t cd, const std::string& bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 4);
    char* in = const_cast<char*>(bytes.data());
    size_t inLeft = bytes.size();
    char buffer[4096];
    while (true) {
        char* outPtr = buffer;
        size_t outLeft = sizeof buffer;
        const size_t rc = iconv(cd, inLeft ? &in : nullptr, &inLeft, &outPtr, &outLeft);
        out.append(buffer, static_cast<size_t>(outPtr - buffer));
        if (rc != static_cast<size_t>(-1)) {
            if (inLeft == 0) break;
            continue;
        }
        if (errno == E2BIG) continue;
        // EILSEQ or EINVAL (truncated sequence at the end): replace one byte and go on.
        out += replacement;
        ++in;
        --inLeft;
        if (inLeft == 0) break;
    }
    return out;
}

std::string windows1252ToUtf8(const std::string& bytes) {
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (cd == reinterpret_cast<iconv_t>(-1)) cd = iconv_open("UTF-8", "ISO-8859-1");
    std::string out = convert(cd, bytes);
    iconv_close(cd);
    return out;
}

} // namespace

bool isUtf8(std::string_view s) {
    size_t i = 0;
    const size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len;
        unsigned minCp;
        unsigned cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
            minCp = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
            minCp = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
            minCp = 0x10000;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < minCp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

bool charsetKnown(const std::string& charset) {
    if (charset.empty()) return true;
    iconv_t cd = openToUtf8(charset);
    if (cd == reinterpret_cast<iconv_t>(-1)) return false;
    iconv_close(cd);
    return true;
}

std::string toUtf8(const std::string& bytes, const std::string& charset) {
    if (!charset.empty()) {
        iconv_t cd = openToUtf8(charset);
        if (cd != reinterpret_cast<iconv_t>(-1)) {
            std::string out = convert(cd, bytes);
            iconv_close(cd);
            return out;
        }
    }
    if (isUtf8(bytes)) return bytes;
    return windows1252ToUtf8(bytes);
}

} // namespace mailrig::fake::detail
