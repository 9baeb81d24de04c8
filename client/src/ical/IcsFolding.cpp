#include "ical/IcsFolding.h"

#include <vector>

namespace mailrig::detail {

namespace {

constexpr std::size_t maxLineOctets = 75; // RFC 5545 3.1: lines SHOULD NOT exceed 75 octets

bool isContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }

/// Physical lines without their line ends; CRLF, bare LF and bare CR all end a line.
std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::string current;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r' || c == '\n') {
            lines.push_back(current);
            current.clear();
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            current += c;
        }
    }
    if (!current.empty()) lines.push_back(current);
    return lines;
}

/// True when the physical pieces of one logical line are all short enough and no piece starts
/// inside a UTF-8 character.
bool foldedWell(const std::vector<std::string>& pieces) {
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (pieces[i].size() > maxLineOctets) return false;
        if (i > 0 && pieces[i].size() > 1 && isContinuationByte(static_cast<unsigned char>(pieces[i][1])))
            return false;
    }
    return true;
}

void appendFolded(const std::string& logical, std::string& out) {
    std::size_t pos = 0;
    bool first = true;
    while (true) {
        const std::size_t room = first ? maxLineOctets : maxLineOctets - 1;
        if (!first) out += ' ';
        if (logical.size() - pos <= room) {
            out.append(logical, pos, std::string::npos);
            out += "\r\n";
            return;
        }
        std::size_t cut = pos + room;
        while (cut > pos && isContinuationByte(static_cast<unsigned char>(logical[cut]))) --cut;
        if (cut == pos) cut = pos + room; // not UTF-8 at all: cut anywhere rather than loop
        out.append(logical, pos, cut - pos);
        out += "\r\n";
        pos = cut;
        first = false;
    }
}

} // namespace

std::string foldContentLines(const std::string& text) {
    const std::vector<std::string> lines = splitLines(text);
    std::string out;
    out.reserve(text.size() + text.size() / 40);
    for (std::size_t i = 0; i < lines.size();) {
        std::vector<std::string> pieces{lines[i]};
        std::size_t next = i + 1;
        while (next < lines.size() && !lines[next].empty() && (lines[next][0] == ' ' || lines[next][0] == '\t'))
            pieces.push_back(lines[next++]);
        if (pieces[0].empty()) { // a blank line carries nothing and is not a content line
            i = next;
            continue;
        }
        if (foldedWell(pieces)) {
            for (const auto& piece : pieces) out += piece + "\r\n";
        } else {
            std::string logical = pieces[0];
            for (std::size_t p = 1; p < pieces.size(); ++p) logical.append(pieces[p], 1, std::string::npos);
            appendFolded(logical, out);
        }
        i = next;
    }
    return out;
}

} // namespace mailrig::detail
