#include "detail/Golden.h"

#include "detail/MessageChecks.h"

#include "mailrig/fakeserver/MessageView.h"
#include "mailrig/fakeserver/TnefView.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <sstream>
#include <vector>

namespace mailrig::scenario::detail {

namespace {

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::string line;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        if (c == '\n') {
            lines.push_back(line);
            line.clear();
        } else {
            line += c;
        }
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

bool equalNoCase(char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

/// Where `word` (ASCII, any case) occurs in `text` at or after `from`, or npos.
std::size_t findNoCase(const std::string& text, const std::string& word, std::size_t from) {
    const auto it = std::search(text.begin() + static_cast<std::ptrdiff_t>(std::min(from, text.size())), text.end(),
                                word.begin(), word.end(), equalNoCase);
    return it == text.end() ? std::string::npos : static_cast<std::size_t>(it - text.begin());
}

bool isSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

/// Every `boundary=` value (quoted, or up to a space or `;`) in order of first appearance. A
/// plain scan: texts may be megabytes long, where a regular expression overflows the stack.
std::vector<std::string> boundariesOf(const std::string& text) {
    std::vector<std::string> found;
    const std::string word = "boundary";
    for (std::size_t at = findNoCase(text, word, 0); at != std::string::npos; at = findNoCase(text, word, at + 1)) {
        std::size_t i = at + word.size();
        while (i < text.size() && isSpace(text[i])) ++i;
        if (i >= text.size() || text[i] != '=') continue;
        ++i;
        while (i < text.size() && isSpace(text[i])) ++i;
        std::string value;
        const std::size_t close = i < text.size() && text[i] == '"' ? text.find('"', i + 1) : std::string::npos;
        if (close != std::string::npos && close > i + 1) {
            value = text.substr(i + 1, close - i - 1);
        } else {
            std::size_t end = i;
            while (end < text.size() && !isSpace(text[end]) && text[end] != ';') ++end;
            if (end == i) continue;
            value = text.substr(i, end - i);
        }
        if (std::find(found.begin(), found.end(), value) == found.end()) found.push_back(value);
    }
    return found;
}

/// The field name `line` starts with (`Name:`), as written, when it is one of `names` (compared
/// without case when `anyCase`); empty otherwise.
std::string fieldNamed(const std::string& line, std::initializer_list<const char*> names, bool anyCase) {
    for (const char* name : names) {
        const std::string n(name);
        if (line.size() <= n.size() || line[n.size()] != ':') continue;
        const bool same = anyCase ? std::equal(n.begin(), n.end(), line.begin(), equalNoCase)
                                  : line.compare(0, n.size(), n) == 0;
        if (same) return line.substr(0, n.size());
    }
    return {};
}

/// `line` with a value that changes from run to run replaced by a placeholder: dates, the local
/// part of message and content ids, the TNEF correlator, an iCalendar UID or DTSTAMP.
std::string withoutVolatileValue(const std::string& line) {
    if (const std::string n = fieldNamed(line, {"Date", "Resent-Date"}, true); !n.empty()) return n + ": <date>";
    if (const std::string n = fieldNamed(line, {"Message-ID", "Resent-Message-ID", "Content-ID"}, true); !n.empty()) {
        std::size_t i = n.size() + 1;
        while (i < line.size() && isSpace(line[i])) ++i;
        if (i < line.size() && line[i] == '<') {
            const std::size_t at = line.find_first_of("@>", i + 1);
            if (at != std::string::npos && line[at] == '@') return n + ": <id@" + line.substr(at + 1);
        }
        return line;
    }
    if (!fieldNamed(line, {"X-MS-TNEF-Correlator"}, true).empty()) return "X-MS-TNEF-Correlator: <correlator>";
    if (const std::string n = fieldNamed(line, {"UID", "DTSTAMP"}, false); !n.empty()) return n + ":<generated>";
    return line;
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

/// Unfolds header continuation lines (only before the first empty line) and replaces volatile
/// values line by line.
std::vector<std::string> normaliseLines(const std::string& text, bool startsInHeader) {
    std::vector<std::string> lines;
    bool inHeader = startsInHeader;
    for (const auto& line : splitLines(text)) {
        if (inHeader && line.empty()) inHeader = false;
        if (inHeader && !lines.empty() && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            lines.back() += line;
            continue;
        }
        lines.push_back(line);
    }
    for (auto& line : lines) line = withoutVolatileValue(line);
    return lines;
}

std::string joinCrlf(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += line + "\r\n";
    return text;
}

/// The header block of `part` as transmitted, without the transfer encoding (the comparison is
/// of decoded content, so base64 and quoted-printable of the same content compare equal).
void writeHeaders(const fake::MimePart& part, std::string& out) {
    for (const auto& field : part.headers()) {
        std::string name = field.name;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (name == "content-transfer-encoding") continue;
        std::string value;
        for (const char c : field.rawValue)
            if (c != '\r' && c != '\n') value += c;
        out += field.name + ":" + value + "\r\n";
    }
    out += "\r\n";
}

void writeTnef(const fake::TnefView& tnef, std::string& out) {
    out += "[TNEF decoded]\r\n";
    out += "message class: " + tnef.messageClass + "\r\n";
    out += "subject: " + tnef.subject + "\r\n";
    out += "text body:\r\n" + joinCrlf(normaliseLines(tnef.textBody, false));
    out += "html body:\r\n" + joinCrlf(normaliseLines(tnef.htmlBody, false));
    for (const auto& attachment : tnef.attachments)
        out += "attachment: " + attachment.fileName + " " + attachment.mimeTag + " " +
               std::to_string(attachment.size()) + " octets sha256 " + sha256Hex(attachment.content) + "\r\n";
    for (const auto& problem : tnef.problems) out += "problem: " + problem + "\r\n";
}

/// One entity and its children as text: headers, then decoded text content, or for binary
/// content its size and checksum, or for TNEF its decoded fields.
void writePart(const fake::MimePart& part, std::string& out) {
    writeHeaders(part, out);
    if (part.isMultipart() || part.isMessage()) {
        for (const auto& child : part.children()) {
            out += "--[part " + child.path() + "]\r\n";
            writePart(child, out);
        }
        if (part.isMultipart()) out += "--[end of " + (part.path().empty() ? std::string("message") : part.path()) + "]\r\n";
        return;
    }
    const auto& type = part.contentType();
    if (type == "application/ms-tnef" || type == "application/vnd.ms-tnef") {
        writeTnef(fake::decodeTnef(part.content()), out);
    } else if (part.mediaType() == "text") {
        out += joinCrlf(normaliseLines(part.text(), false));
    } else {
        out += "[" + std::to_string(part.size()) + " octets, sha256 " + sha256Hex(part.content()) + "]\r\n";
    }
}

} // namespace

std::string normaliseForGolden(const std::string& raw) {
    std::string text;
    try {
        const fake::MessageView view(raw);
        std::string tree;
        writePart(view.root(), tree);
        text = joinCrlf(normaliseLines(tree, true));
    } catch (const fake::MessageParseError&) {
        text = joinCrlf(normaliseLines(raw, true));
    }
    const auto boundaries = boundariesOf(text);
    for (std::size_t i = 0; i < boundaries.size(); ++i) replaceAll(text, boundaries[i], "BOUNDARY-" + std::to_string(i + 1));
    return text;
}
void compareGolden(const std::string& goldenPath, const std::string& golden, const std::string& captured,
                   const MismatchSink& sink) {
    const auto expected = splitLines(normaliseForGolden(golden));
    const auto actual = splitLines(normaliseForGolden(captured));
    std::size_t first = 0;
    while (first < expected.size() && first < actual.size() && expected[first] == actual[first]) ++first;
    if (first == expected.size() && first == actual.size()) return;
    const std::size_t from = first >= 2 ? first - 2 : 0;
    auto excerpt = [&](const std::vector<std::string>& lines) {
        std::ostringstream out;
        for (std::size_t i = from; i < lines.size() && i < first + 4; ++i)
            out << (i == first ? "> " : "  ") << (i + 1) << ": " << lines[i] << "\n";
        if (first >= lines.size()) out << "> " << (first + 1) << ": (end of message)\n";
        return out.str();
    };
    sink.add("", "matches " + goldenPath + " (decoded and normalised), first difference at line " + std::to_string(first + 1) +
                     ":\n" + excerpt(expected),
             excerpt(actual));
}

} // namespace mailrig::scenario::detail
