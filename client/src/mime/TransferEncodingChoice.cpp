#include "mime/TransferEncodingChoice.h"

namespace mailrig::detail {

namespace {

constexpr std::size_t kPlainLine = 78; // RFC 5322 2.1.1 recommended line length
constexpr std::size_t kMaxLine = 998;  // RFC 5322 2.1.1 / RFC 2045 2.7 hard limit

// Facts about "\n"-separated text.
struct Shape {
    bool eightBit = false;
    bool controls = false; // NUL or control bytes other than tab
    std::size_t longestLine = 0;
};

Shape shapeOf(const std::string& lfText) {
    Shape shape;
    std::size_t line = 0;
    for (char c : lfText) {
        auto u = static_cast<unsigned char>(c);
        if (c == '\n') {
            line = 0;
            continue;
        }
        ++line;
        if (line > shape.longestLine) shape.longestLine = line;
        if (u >= 0x80) shape.eightBit = true;
        else if ((u < 0x20 && c != '\t') || u == 0x7F) shape.controls = true;
    }
    return shape;
}

// True when every CR is followed by LF and every LF preceded by CR.
bool crlfOnly(const std::string& bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\r' && (i + 1 >= bytes.size() || bytes[i + 1] != '\n')) return false;
        if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) return false;
    }
    return true;
}

} // namespace

std::string normalizeLineEnds(const std::string& text, const std::string& eol) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    std::size_t start = 0;
    for (;;) {
        std::size_t brk = text.find_first_of("\r\n", start);
        if (brk == std::string::npos) break;
        out.append(text, start, brk - start);
        out += eol;
        start = brk + ((text[brk] == '\r' && brk + 1 < text.size() && text[brk + 1] == '\n') ? 2 : 1);
    }
    out.append(text, start, std::string::npos);
    return out;
}

EncodedContent chooseForText(const std::string& text, TransferEncoding requested) {
    std::string lf = normalizeLineEnds(text, "\n");
    Shape shape = shapeOf(lf);
    bool fitsSevenBit = !shape.eightBit && !shape.controls && shape.longestLine <= kMaxLine;
    bool fitsEightBit = !shape.controls && shape.longestLine <= kMaxLine;
    TransferEncoding chosen = TransferEncoding::QuotedPrintable;
    switch (requested) {
    case TransferEncoding::Auto:
        if (fitsSevenBit && shape.longestLine <= kPlainLine) chosen = TransferEncoding::SevenBit;
        break;
    case TransferEncoding::SevenBit:
        if (fitsSevenBit) chosen = TransferEncoding::SevenBit;
        break;
    case TransferEncoding::EightBit:
        if (fitsEightBit) chosen = TransferEncoding::EightBit;
        break;
    case TransferEncoding::QuotedPrintable:
    case TransferEncoding::Base64:
        chosen = requested;
        break;
    }
    // Base64 carries the canonical form itself (RFC 2046 4.1.1: CRLF line breaks); the
    // line-based encodings get "\n", which the writer turns into CRLF.
    if (chosen == TransferEncoding::Base64) return {chosen, normalizeLineEnds(text, "\r\n")};
    return {chosen, std::move(lf)};
}

EncodedContent chooseForBytes(const std::string& bytes, const std::string& mediaType,
                              TransferEncoding requested) {
    if (mediaType.compare(0, 8, "message/") == 0) {
        // RFC 2046 5.2.1: an encapsulated message is 7bit or 8bit, never encoded; its line ends
        // are canonical CRLF. Only a line too long for SMTP leaves base64 as the way out.
        std::string lf = normalizeLineEnds(bytes, "\n");
        Shape shape = shapeOf(lf);
        if (shape.longestLine <= kMaxLine && lf.find('\0') == std::string::npos)
            return {shape.eightBit ? TransferEncoding::EightBit : TransferEncoding::SevenBit, lf};
        return {TransferEncoding::Base64, bytes};
    }
    if (requested == TransferEncoding::Base64 || !crlfOnly(bytes))
        return {TransferEncoding::Base64, bytes};
    std::string lf = normalizeLineEnds(bytes, "\n");
    Shape shape = shapeOf(lf);
    bool isText = mediaType.compare(0, 5, "text/") == 0;
    bool hasNul = lf.find('\0') != std::string::npos;
    bool fitsSevenBit = !shape.eightBit && !shape.controls && shape.longestLine <= kMaxLine;
    bool fitsEightBit = !shape.controls && shape.longestLine <= kMaxLine;
    switch (requested) {
    case TransferEncoding::Auto:
        if (fitsSevenBit && shape.longestLine <= kPlainLine) return {TransferEncoding::SevenBit, lf};
        if (isText && !hasNul) return {TransferEncoding::QuotedPrintable, lf};
        break;
    case TransferEncoding::SevenBit:
        if (fitsSevenBit) return {TransferEncoding::SevenBit, lf};
        break;
    case TransferEncoding::EightBit:
        if (fitsEightBit) return {TransferEncoding::EightBit, lf};
        break;
    case TransferEncoding::QuotedPrintable:
        if (!hasNul) return {TransferEncoding::QuotedPrintable, lf};
        break;
    case TransferEncoding::Base64:
        break;
    }
    return {TransferEncoding::Base64, bytes};
}

} // namespace mailrig::detail
