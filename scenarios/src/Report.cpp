#include "mailrig/scenarios/Report.h"

#include "mailrig/fakeserver/PrintableText.h"

#include <filesystem>
#include <iomanip>
#include <sstream>

namespace mailrig::scenario {

namespace {

std::string seconds(std::chrono::milliseconds duration) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(3) << static_cast<double>(duration.count()) / 1000.0;
    return out.str();
}

/// Indents every line after the first by `indent`.
std::string indented(const std::string& text, const std::string& indent) {
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n') out += indent;
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
    return out;
}

/// Length of the well-formed UTF-8 sequence at `at` that XML 1.0 allows (not U+FFFE/U+FFFF),
/// 0 when the bytes there are not one.
std::size_t utf8SequenceAt(const std::string& text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u; };
    const unsigned lead = byte(at);
    std::size_t length = 0;
    unsigned low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F; // no UTF-16 surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (byte(at + 1) < low || byte(at + 1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
    if (length == 3 && lead == 0xEF && byte(at + 1) == 0xBF && byte(at + 2) >= 0xBE) return 0;
    return length;
}

/// `text` escaped for XML 1.0 attribute values and character data. Captured data may hold any
/// bytes: control characters XML cannot carry become `?`, bytes that are not UTF-8 become U+FFFD.
std::string xmlEscape(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t length = utf8SequenceAt(text, i);
            if (length == 0) {
                out += "\xEF\xBF\xBD";
            } else {
                out.append(text, i, length);
                i += length - 1;
            }
            continue;
        }
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            // XML 1.0 forbids most control characters even as references.
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') out += "?";
            else out += static_cast<char>(c);
        }
    }
    return out;
}

} // namespace

std::string describeMismatches(const ScenarioResult& result) {
    std::ostringstream out;
    for (const auto& m : result.mismatches) {
        out << result.file;
        if (m.line > 0) out << ":" << m.line;
        out << ": " << m.check << "\n";
        out << "    expected: " << indented(m.expected, "              ") << "\n";
        out << "    captured: " << indented(m.actual, "              ") << "\n";
    }
    return out.str();
}

void writeSummary(std::ostream& out, const std::vector<ScenarioResult>& results, bool onlyProblems) {
    std::size_t width = 8;
    for (const auto& r : results) width = std::max(width, r.name.size());
    std::size_t passed = 0, failed = 0, errors = 0;
    std::chrono::milliseconds total{0};
    bool anyProblem = false;
    for (const auto& r : results) anyProblem = anyProblem || r.verdict != Verdict::Passed;
    if (!onlyProblems || anyProblem)
        out << std::left << std::setw(7) << "RESULT" << std::right << std::setw(9) << "TIME  " << "  " << std::left
        << std::setw(static_cast<int>(width)) << "SCENARIO" << "  FILE\n";
    for (const auto& r : results) {
        passed += r.verdict == Verdict::Passed;
        failed += r.verdict == Verdict::Failed;
        errors += r.verdict == Verdict::Error;
        total += r.duration;
        if (onlyProblems && r.verdict == Verdict::Passed) continue;
        out << std::left << std::setw(7) << toString(r.verdict) << std::right << std::setw(8) << seconds(r.duration)
            << "s  " << std::left << std::setw(static_cast<int>(width)) << fake::printableText(r.name) << "  "
            << fake::printableText(r.file) << "\n";
    }
    if (!onlyProblems || anyProblem) out << "\n";
    out << results.size() << " scenario(s): " << passed << " passed, " << failed << " failed, " << errors
        << " error(s); " << seconds(total) << " s of scenario time\n";
}

void writeFailureDetails(std::ostream& out, const std::vector<ScenarioResult>& results) {
    for (const auto& r : results) {
        if (r.verdict == Verdict::Passed) continue;
        // Captured text is shown, never obeyed by the terminal (an escape sequence in a message).
        std::string details = "\n=== " + toString(r.verdict) + ": " + r.name + " (" + r.file + ")\n";
        if (!r.description.empty()) details += r.description + "\n";
        if (r.verdict == Verdict::Error) details += "error: " + r.error + "\n";
        out << fake::printableText(details + describeMismatches(r));
        if (!r.keptFiles.empty()) {
            out << "captured messages kept in:\n";
            for (const auto& f : r.keptFiles) out << "    " << f << "\n";
        }
    }
}

void writeJUnit(std::ostream& out, const std::vector<ScenarioResult>& results, const std::string& suiteName) {
    std::size_t failures = 0, errors = 0;
    std::chrono::milliseconds total{0};
    for (const auto& r : results) {
        failures += r.verdict == Verdict::Failed;
        errors += r.verdict == Verdict::Error;
        total += r.duration;
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"" << xmlEscape(suiteName) << "\" tests=\"" << results.size() << "\" failures=\""
        << failures << "\" errors=\"" << errors << "\" time=\"" << seconds(total) << "\">\n";
    out << "  <testsuite name=\"" << xmlEscape(suiteName) << "\" tests=\"" << results.size() << "\" failures=\""
        << failures << "\" errors=\"" << errors << "\" skipped=\"0\" time=\"" << seconds(total) << "\">\n";
    for (const auto& r : results) {
        // The name of the directory holding the file, also for a relative path like `hello.yaml`.
        std::error_code ec;
        const std::string classname =
            std::filesystem::absolute(r.file, ec).lexically_normal().parent_path().filename().string();
        out << "    <testcase classname=\"" << xmlEscape(classname.empty() ? suiteName : classname) << "\" name=\""
            << xmlEscape(r.name) << "\" file=\"" << xmlEscape(r.file) << "\" time=\"" << seconds(r.duration) << "\"";
        if (r.verdict == Verdict::Passed) {
            out << "/>\n";
            continue;
        }
        out << ">\n";
        if (r.verdict == Verdict::Failed) {
            const std::string first = r.mismatches.empty() ? "failed" : r.mismatches.front().check;
            out << "      <failure message=\"" << xmlEscape(std::to_string(r.mismatches.size()) + " expectation(s) failed, first: " + first)
                << "\" type=\"mismatch\">" << xmlEscape(describeMismatches(r)) << "</failure>\n";
        } else {
            out << "      <error message=\"" << xmlEscape(r.error) << "\" type=\"error\">" << xmlEscape(r.error) << "</error>\n";
        }
        std::string output = r.transcript;
        if (!r.keptFiles.empty()) {
            output += "\ncaptured messages kept in:\n";
            for (const auto& f : r.keptFiles) output += "  " + f + "\n";
        }
        if (!output.empty()) out << "      <system-out>" << xmlEscape(output) << "</system-out>\n";
        out << "    </testcase>\n";
    }
    out << "  </testsuite>\n</testsuites>\n";
}

} // namespace mailrig::scenario
