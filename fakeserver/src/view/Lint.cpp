// Lint checks over the parsed tree, and the entry point that orders all findings.
#include "mailrig/fakeserver/Lint.h"

#include "view/Charset.h"
#include "view/GMimeInit.h"
#include "view/LintChecks.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <map>
#include <strings.h>

namespace mailrig::fake {

namespace {

using detail::FindingSink;

constexpr std::size_t maxBoundaryLength = 70;    // RFC 2046 §5.1.1
constexpr std::size_t maxEncodedWordLength = 75; // RFC 2047 §2

// RFC 5322 §3.6: fields that may occur at most once in a message, plus MIME-Version.
const char* const singleMessageFields[] = {"Date",        "From",       "Sender",  "Reply-To",    "To",
                                           "Cc",          "Bcc",        "Message-ID", "In-Reply-To", "References",
                                           "Subject",     "MIME-Version"};
// RFC 2045: fields that may occur at most once per entity.
const char* const singleEntityFields[] = {"Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
                                          "Content-ID"};
// Structured fields whose quoted strings must not hold encoded words.
const char* const structuredFields[] = {"From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Resent-From",
                                        "Resent-Sender", "Resent-To", "Resent-Cc", "Resent-Bcc",
                                        "Content-Type", "Content-Disposition"};

bool sameName(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

template <std::size_t N>
bool isOneOf(std::string_view name, const char* const (&list)[N]) {
    return std::any_of(std::begin(list), std::end(list), [&](const char* n) { return sameName(name, n); });
}

bool has8bit(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Finds RFC 2047 encoded words =?charset?B|Q?text?= in `s`; calls visit(begin, length).
template <typename Visit>
void forEachEncodedWord(std::string_view s, Visit visit) {
    const auto isTokenChar = [](char c) { return c != '?' && c != ' ' && c != '\t' && c != '\r' && c != '\n'; };
    for (std::size_t start = s.find("=?"); start != std::string_view::npos; start = s.find("=?", start + 2)) {
        std::size_t i = start + 2;
        while (i < s.size() && isTokenChar(s[i])) ++i;
        if (i == start + 2 || i + 2 >= s.size() || s[i] != '?') continue;
        const char encoding = s[i + 1];
        if (std::string_view("bBqQ").find(encoding) == std::string_view::npos || s[i + 2] != '?') continue;
        i += 3;
        while (i < s.size() && isTokenChar(s[i])) ++i;
        if (i + 1 >= s.size() || s[i] != '?' || s[i + 1] != '=') continue;
        visit(start, i + 2 - start);
        start = i; // continue after this word
    }
}

// The quoted strings of a structured field value (without quotes), skipping comments' content.
std::vector<std::string> quotedStrings(std::string_view value) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '"') continue;
        std::string content;
        for (++i; i < value.size() && value[i] != '"'; ++i) {
            if (value[i] == '\\' && i + 1 < value.size()) ++i;
            content += value[i];
        }
        out.push_back(std::move(content));
    }
    return out;
}

bool validBase64(std::string_view encoded) {
    std::size_t count = 0, padding = 0;
    for (char c : encoded) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                              c == '+' || c == '/';
        if (c == '=') {
            ++padding;
        } else if (!alphabet || padding > 0) {
            return false; // foreign character, or data after padding
        }
        ++count;
    }
    return padding <= 2 && count % 4 == 0;
}

class TreeChecks {
public:
    TreeChecks(const MessageView& view, FindingSink& sink)
        : _view(view), _sink(sink), _candidates(detail::delimiterCandidates(view.raw())) {}

    void run() {
        messageFields(_view.root(), true);
        walk(_view.root(), _candidates);
        for (const auto& w : _view.parserWarnings()) {
            if (w.code == "nesting-overflow")
                _sink.atLine("nesting-too-deep", w.line, "MIME nesting is deeper than the parser accepts");
            else if (w.code == "invalid-content-type")
                _sink.atLine("invalid-content-type", w.line,
                             "Content-Type cannot be read; the part is treated as application/octet-stream");
        }
    }

private:
    // Checks `part` and everything below it, depth first (the order of MessageView::parts()).
    // `candidates` are the delimiter lines of the bytes the part was parsed from.
    void walk(const MimePart& part, const std::vector<detail::DelimiterCandidate>& candidates) {
        fieldChecks(part);
        const std::string& type = part.contentType();
        if (part.isMultipart() || type == "message/rfc822" || type == "message/global") checkCompositeEncoding(part);
        const bool decodedMessage = part.isMessage() && part.encodedContent() != part.content();
        if (part.isMultipart()) {
            multipartChecks(part, candidates);
        } else if (part.isMessage()) {
            messageFields(part.children().front(), false);
            if (decodedMessage) leafChecks(part); // its transmitted body is encoded like a leaf's
        } else {
            leafChecks(part);
        }
        if (!decodedMessage) {
            for (const MimePart& child : part.children()) walk(child, candidates);
            return;
        }
        // A message decoded from base64 or quoted-printable: its delimiter lines are lines of the
        // decoded content, not of the transmitted bytes, so findings there name the part only.
        std::vector<detail::DelimiterCandidate> inner = detail::delimiterCandidates(part.content());
        for (auto& candidate : inner) candidate.line = 0;
        for (const MimePart& child : part.children()) walk(child, inner);
    }

    // Required, single-use and forbidden top-level fields of a message (top level or encapsulated).
    void messageFields(const MimePart& root, bool transmitted) {
        const Headers& h = root.headers();
        const std::string& path = root.path();
        if (transmitted) {
            for (const char* name : {"Date", "From", "Message-ID", "MIME-Version"}) {
                if (h.has(name)) continue;
                std::string code = std::string("missing-") + name;
                std::transform(code.begin(), code.end(), code.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
                _sink.atPart(code, path, std::string("no ") + name + " field");
            }
            for (const char* name : {"Bcc", "Resent-Bcc"})
                if (const HeaderField* f = h.find(name))
                    _sink.atPart("bcc-present", path, std::string(name) + " field is in the transmitted header",
                                 f->line);
        }
        for (const char* name : singleMessageFields) {
            if (h.count(name) > 1)
                _sink.atPart("duplicate-header", path,
                             std::string(name) + " occurs " + std::to_string(h.count(name)) + " times", h.find(name)->line);
        }
        if (const HeaderField* date = h.find("Date")) {
            detail::ensureGMime();
            GDateTime* parsed = g_mime_utils_header_decode_date(date->rawValue.c_str());
            if (parsed) g_date_time_unref(parsed);
            else _sink.atPart("invalid-date", path, "Date '" + date->value + "' is not an RFC 5322 date", date->line);
        }
        if (const HeaderField* id = h.find("Message-ID")) {
            const std::string& v = id->value;
            const auto at = v.find('@');
            if (v.size() < 5 || v.front() != '<' || v.back() != '>' || at == std::string::npos || at < 2 ||
                at > v.size() - 3 || v.find_first_of(" \t<>", 1) != v.size() - 1)
                _sink.atPart("invalid-message-id", path, "Message-ID '" + v + "' is not of the form <left@right>",
                             id->line);
        }
    }

    void fieldChecks(const MimePart& part) {
        const std::string& path = part.path();
        for (const auto& f : part.headers()) {
            if (has8bit(f.name) || has8bit(f.rawValue))
                _sink.atPart("header-8bit", path,
                             f.name + " field holds 8-bit octets: allowed only in mail sent with SMTPUTF8 "
                                      "(RFC 6532); without it encode text per RFC 2047 (an address cannot be)",
                             f.line);
            forEachEncodedWord(f.rawValue, [&](std::size_t, std::size_t length) {
                if (length > maxEncodedWordLength)
                    _sink.atPart("encoded-word-too-long", path,
                                 f.name + " holds an encoded word of " + std::to_string(length) +
                                     " characters, over the 75 allowed",
                                 f.line);
            });
            if (isOneOf(f.name, structuredFields)) {
                for (const auto& quoted : quotedStrings(f.rawValue)) {
                    bool found = false;
                    forEachEncodedWord(quoted, [&](std::size_t, std::size_t) { found = true; });
                    if (found) {
                        _sink.atPart("encoded-word-in-quoted-string", path,
                                     f.name + " has an encoded word inside the quoted string \"" + quoted + "\"",
                                     f.line);
                        break;
                    }
                }
            }
        }
        for (const char* name : singleEntityFields)
            if (part.headers().count(name) > 1)
                _sink.atPart("duplicate-header", path,
                             std::string(name) + " occurs " + std::to_string(part.headers().count(name)) + " times",
                             part.headers().find(name)->line);
        const std::string& cte = part.transferEncoding();
        if (!cte.empty() && cte != "7bit" && cte != "8bit" && cte != "binary" && cte != "base64" &&
            cte != "quoted-printable" && cte.rfind("x-", 0) != 0)
            _sink.atPart("invalid-transfer-encoding", path, "unknown Content-Transfer-Encoding '" + cte + "'");
    }

    void multipartChecks(const MimePart& part, const std::vector<detail::DelimiterCandidate>& candidates) {
        const std::string& path = part.path();
        const std::string& boundary = part.boundary();
        if (boundary.empty()) {
            _sink.atPart("boundary-missing", path, part.contentType() + " has no boundary parameter");
            return;
        }
        if (boundary.size() > maxBoundaryLength)
            _sink.atPart("boundary-too-long", path,
                         "boundary is " + std::to_string(boundary.size()) + " characters, over the 70 allowed");
        detail::checkDelimiterLines(candidates, boundary, path, _sink);
        const std::string delimiter = "--" + boundary;
        for (const MimePart* leaf : leavesBelow(part)) {
            if (leaf->encodedContent().find(delimiter) != std::string::npos)
                _sink.atPart("boundary-in-content", leaf->path(),
                             "content holds '" + delimiter + "', the boundary of part '" + path + "'");
        }
    }

    void checkCompositeEncoding(const MimePart& part) {
        const std::string& cte = part.transferEncoding();
        if (!cte.empty() && cte != "7bit" && cte != "8bit" && cte != "binary")
            _sink.atPart("invalid-transfer-encoding", part.path(),
                         part.contentType() + " must not be " + cte + " encoded (RFC 2045 §6.4)");
    }

    void leafChecks(const MimePart& part) {
        const std::string& path = part.path();
        if (part.mediaType() == "text" && !part.parameter("charset"))
            _sink.atPart("text-without-charset", path, part.contentType() + " part has no charset parameter");
        if (!part.charset().empty() && !part.charsetKnown())
            _sink.atPart("unknown-charset", path, "charset '" + part.charset() + "' is not known");
        const std::string& cte = part.transferEncoding();
        if (cte == "base64" && !validBase64(part.encodedContent()))
            _sink.atPart("invalid-base64", path, "base64 content holds characters outside the alphabet or bad padding");
        if ((cte.empty() || cte == "7bit") && has8bit(part.encodedContent()))
            _sink.atPart("body-8bit-undeclared", path,
                         "content holds 8-bit octets but the transfer encoding is " +
                             (cte.empty() ? std::string("absent (7bit)") : cte));
    }

    static std::vector<const MimePart*> leavesBelow(const MimePart& part) {
        std::vector<const MimePart*> out;
        for (const auto& child : part.children()) {
            if (child.children().empty()) {
                out.push_back(&child);
            } else {
                auto more = leavesBelow(child);
                out.insert(out.end(), more.begin(), more.end());
            }
        }
        return out;
    }

    const MessageView& _view;
    FindingSink& _sink;
    std::vector<detail::DelimiterCandidate> _candidates;
};

} // namespace

std::vector<LintFinding> Lint::check(const MessageView& view) {
    FindingSink sink;
    detail::checkLines(view.raw(), sink);
    TreeChecks(view, sink).run();
    std::vector<LintFinding> findings = sink.take();

    std::map<std::string, std::size_t> partOrder;
    for (const MimePart* p : view.parts()) partOrder.emplace(p->path(), partOrder.size());
    const auto key = [&](const LintFinding& f) {
        const std::size_t line = f.line == 0 ? SIZE_MAX : f.line;
        const std::size_t order = f.part ? partOrder[*f.part] : 0;
        return std::make_pair(line, order);
    };
    std::stable_sort(findings.begin(), findings.end(),
                     [&](const LintFinding& a, const LintFinding& b) { return key(a) < key(b); });
    return findings;
}

} // namespace mailrig::fake
