#include "smtp/SmtpReply.h"

#include "mailrig/client/SmtpException.h"

#include <cctype>
#include <cstring>

namespace mailrig::detail {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// `x.y.z` at the start of `text` with x in 2/4/5 matching the reply class; returns its length.
std::size_t enhancedStatusLength(const std::string& text, int code) {
    if (text.size() < 5 || !isDigit(text[0]) || text[0] - '0' != code / 100 || text[1] != '.')
        return 0;
    std::size_t i = 2;
    for (int part = 0; part < 2; ++part) {
        std::size_t digits = 0;
        while (i < text.size() && isDigit(text[i]) && digits < 3) {
            ++i;
            ++digits;
        }
        if (digits == 0) return 0;
        if (part == 0) {
            if (i >= text.size() || text[i] != '.') return 0;
            ++i;
        }
    }
    if (i < text.size() && text[i] != ' ') return 0;
    return i;
}

std::string printable(const std::string& line) {
    std::string out;
    for (unsigned char c : line.substr(0, 120)) {
        if (c >= 0x20 && c < 0x7F) out.push_back(static_cast<char>(c));
        else {
            static const char hex[] = "0123456789ABCDEF";
            out += "\\x";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return line.size() > 120 ? out + "..." : out;
}

} // namespace

std::string SmtpReply::text() const {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i) out.push_back('\n');
        out += lines[i];
    }
    return out;
}

SmtpReply parseReplyLines(const std::vector<std::string>& rawLines, const std::string& command) {
    SmtpReply reply;
    for (std::size_t i = 0; i < rawLines.size(); ++i) {
        const std::string& line = rawLines[i];
        const bool last = i + 1 == rawLines.size();
        if (line.size() < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2]) ||
            line[0] < '2' || line[0] > '5' || (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
            throw SmtpProtocolException("malformed reply line '" + printable(line) + "'", command);
        const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (i == 0) reply.code = code;
        else if (code != reply.code)
            throw SmtpProtocolException("reply line '" + printable(line) + "' changes the code " +
                                            std::to_string(reply.code),
                                        command);
        const bool continued = line.size() > 3 && line[3] == '-';
        if (continued == last)
            throw SmtpProtocolException(
                last ? "reply ends with a continuation line '" + printable(line) + "'"
                     : "reply line '" + printable(line) + "' ends the reply early",
                command);
        reply.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
    }
    if (rawLines.empty()) throw SmtpProtocolException("empty reply", command);
    const std::size_t n = enhancedStatusLength(reply.lines.front(), reply.code);
    if (n) reply.enhancedStatus = reply.lines.front().substr(0, n);
    return reply;
}

ReplyReader::ReplyReader(Source source, ReplyLimits limits)
    : _source(std::move(source)), _limits(limits) {}

std::string ReplyReader::readLine(const std::string& command) {
    std::size_t scanned = _pos;
    for (;;) {
        const void* nl = std::memchr(_buffer.data() + scanned, '\n', _buffer.size() - scanned);
        if (nl) {
            const std::size_t end = static_cast<const char*>(nl) - _buffer.data();
            std::size_t lineEnd = end;
            if (lineEnd > _pos && _buffer[lineEnd - 1] == '\r') --lineEnd;
            std::string line = _buffer.substr(_pos, lineEnd - _pos);
            _pos = end + 1;
            if (_pos == _buffer.size()) {
                _buffer.clear();
                _pos = 0;
            }
            return line;
        }
        scanned = _buffer.size();
        if (_buffer.size() - _pos > _limits.maxLineLength)
            throw SmtpProtocolException("reply line longer than " +
                                            std::to_string(_limits.maxLineLength) + " bytes",
                                        command);
        if (_pos > 0 && _pos * 2 > _buffer.size()) {
            _buffer.erase(0, _pos);
            scanned -= _pos;
            _pos = 0;
        }
        char chunk[16384];
        const std::size_t got = _source(chunk, sizeof chunk);
        _buffer.append(chunk, got);
    }
}

SmtpReply ReplyReader::read(const std::string& command) {
    std::vector<std::string> lines;
    for (;;) {
        if (lines.size() >= _limits.maxLines)
            throw SmtpProtocolException("reply with more than " + std::to_string(_limits.maxLines) +
                                            " lines",
                                        command);
        lines.push_back(readLine(command));
        const std::string& l = lines.back();
        if (l.size() < 4 || l[3] != '-') break;
    }
    return parseReplyLines(lines, command);
}

} // namespace mailrig::detail
