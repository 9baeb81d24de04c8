#include "mailrig/scenarios/ScenarioError.h"

namespace mailrig::scenario {

namespace {

std::string formatError(const std::string& file, int line, int column, const std::string& key,
                        const std::string& cause) {
    std::string text = file;
    if (line > 0) text += ":" + std::to_string(line) + ":" + std::to_string(column);
    text += ": ";
    if (!key.empty()) text += key + ": ";
    text += cause;
    // A control character from the file (a NUL would end the message when printed) shows as \xHH.
    std::string shown;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7F) {
            static const char hex[] = "0123456789ABCDEF";
            shown += std::string("\\x") + hex[u >> 4] + hex[u & 15];
        } else {
            shown += c;
        }
    }
    return shown;
}

} // namespace

ScenarioError::ScenarioError(std::string file, int line, int column, std::string key, std::string cause)
    : std::runtime_error(formatError(file, line, column, key, cause)), _file(std::move(file)),
      _line(line), _column(column), _key(std::move(key)), _cause(std::move(cause)) {}

} // namespace mailrig::scenario
