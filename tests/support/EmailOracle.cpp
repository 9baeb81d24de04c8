#include "support/EmailOracle.h"

#include "support/Process.h"

#include <stdexcept>

namespace mailrig::test {

namespace {

const char* const kScript = R"PY(
import sys, email
from email import policy
data = sys.stdin.buffer.read()
msg = email.message_from_bytes(data, policy=policy.default)
out = []
def put(k, v):
    if isinstance(v, str):
        v = v.encode('utf-8', 'surrogateescape')
    out.append(k + '\t' + v.hex())
defects = []
n = 0
for part in msg.walk():
    for d in part.defects:
        defects.append(type(d).__name__)
    for k, v in part.items():
        for d in getattr(v, 'defects', ()):
            defects.append(type(d).__name__ + '@' + k)
    p = 'part.%d.' % n
    put(p + 'type', part.get_content_type())
    put(p + 'cte', str(part.get('Content-Transfer-Encoding', '')))
    put(p + 'disposition', part.get_content_disposition() or '')
    put(p + 'filename', part.get_filename() or '')
    put(p + 'charset', part.get_param('charset') or '')
    put(p + 'cid', str(part.get('Content-ID', '')))
    put(p + 'params', ';'.join('%s=%s' % (k, v) for k, v in (part.get_params() or [])[1:]))
    if not part.is_multipart():
        c = part.get_content()
        if not isinstance(c, (str, bytes)):
            c = c.as_bytes()
        put(p + 'content', c)
    n += 1
put('parts', str(n))
put('defects', ','.join(defects))
for h in ['subject', 'from', 'to', 'cc', 'reply-to', 'sender', 'date', 'message-id',
          'mime-version', 'x-priority', 'importance']:
    v = msg.get(h)
    put('h.' + h, str(v) if v is not None else '')
    if h in ('from', 'to', 'cc', 'reply-to', 'sender') and v is not None:
        for i, a in enumerate(v.addresses):
            put('%s.%d.name' % (h, i), a.display_name)
            put('%s.%d.addr' % (h, i), a.addr_spec)
put('bcc-present', '1' if ('bcc' in msg or 'resent-bcc' in msg) else '0')
sys.stdout.write('\n'.join(out) + '\n')
)PY";

std::string fromHex(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

} // namespace

std::map<std::string, std::string> pythonEmailFacts(const std::string& eml) {
    ProcessResult result = runPython(kScript, {}, eml);
    if (result.exitCode != 0)
        throw std::runtime_error("python email parser failed: " + result.err);
    std::map<std::string, std::string> facts;
    std::size_t start = 0;
    while (start < result.out.size()) {
        auto eol = result.out.find('\n', start);
        if (eol == std::string::npos) eol = result.out.size();
        std::string line = result.out.substr(start, eol - start);
        start = eol + 1;
        auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        facts[line.substr(0, tab)] = fromHex(line.substr(tab + 1));
    }
    return facts;
}

std::vector<std::string> wireProblems(const std::string& eml) {
    std::vector<std::string> problems;
    std::size_t lineNumber = 1, lineStart = 0;
    bool inHeaders = true;
    for (std::size_t i = 0; i < eml.size(); ++i) {
        char c = eml[i];
        if (c == '\r' && (i + 1 >= eml.size() || eml[i + 1] != '\n'))
            problems.push_back("bare CR on line " + std::to_string(lineNumber));
        if (c == '\n') {
            if (i == 0 || eml[i - 1] != '\r')
                problems.push_back("bare LF on line " + std::to_string(lineNumber));
            std::size_t length = i - lineStart - ((i > 0 && eml[i - 1] == '\r') ? 1 : 0);
            if (length > 998)
                problems.push_back("line " + std::to_string(lineNumber) + " has " +
                                   std::to_string(length) + " octets");
            std::string line = eml.substr(lineStart, length);
            if (inHeaders) {
                if (line.empty()) inHeaders = false;
                std::string lower;
                for (char ch : line.substr(0, 11)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                if (lower.compare(0, 4, "bcc:") == 0 || lower.compare(0, 11, "resent-bcc:") == 0)
                    problems.push_back("Bcc header on line " + std::to_string(lineNumber));
                for (char ch : line) {
                    auto u = static_cast<unsigned char>(ch);
                    if (u > 0x7F || (u < 0x20 && ch != '\t')) {
                        problems.push_back("8-bit or control byte in header line " +
                                           std::to_string(lineNumber));
                        break;
                    }
                }
            }
            ++lineNumber;
            lineStart = i + 1;
        }
    }
    if (eml.size() < 2 || eml.compare(eml.size() - 2, 2, "\r\n") != 0)
        problems.push_back("message does not end with CRLF");
    return problems;
}

} // namespace mailrig::test
