#include "mailrig/scenarios/ScenarioError.h"

#include "mailrig/fakeserver/PrintableText.h"

namespace mailrig::scenario {

namespace {

std::string formatError(const std::string& file, int line, int column, const std::string& key,
                        const std::string& cause) {
    std::string text = file;
    if (line > 0) text += ":" + std::to_string(line) + ":" + std::to_string(column);
    text += ": ";
    if (!key.empty()) text += key + ": ";
    // A control character from the file (a NUL would end the message when printed) shows as \xHH.
    return fake::printableText(text + cause);
}

} // namespace

ScenarioError::ScenarioError(std::string file, int line, int column, std::string key, std::string cause)
    : std::runtime_error(formatError(file, line, column, key, cause)), _file(std::move(file)),
      _line(line), _column(column), _key(std::move(key)), _cause(std::move(cause)) {}

} // namespace mailrig::scenario
