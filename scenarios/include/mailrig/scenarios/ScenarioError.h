#pragma once

#include <stdexcept>
#include <string>

namespace mailrig::scenario {

/// A scenario file that cannot be used: unreadable, not YAML, an unknown key, a value of the
/// wrong type, a missing required key or a fixture that does not exist. what() reads
/// `FILE:LINE:COLUMN: KEY: cause`, the way compilers report errors, so editors can jump to it.
class ScenarioError : public std::runtime_error {
public:
    /// `line` and `column` are 1-based; 0 when the place is the whole file. `key` is the key path
    /// from the document root, e.g. `expect.messages[0].mime`; empty for the whole document.
    ScenarioError(std::string file, int line, int column, std::string key, std::string cause);

    const std::string& file() const { return _file; }
    int line() const { return _line; }
    int column() const { return _column; }
    const std::string& key() const { return _key; }
    /// The cause alone, without the place.
    const std::string& cause() const { return _cause; }

private:
    std::string _file;
    int _line;
    int _column;
    std::string _key;
    std::string _cause;
};

} // namespace mailrig::scenario
