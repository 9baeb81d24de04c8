#include "Command.h"

#include <stdexcept>

namespace mailrig::cli {

std::string unknownOption(const std::string& arg) { return "unknown option '" + arg + "'"; }

void Arguments::settle(std::size_t i) {
    if (i >= _args.size()) return;
    for (std::size_t at : _inline)
        if (at == i) throw std::invalid_argument(_args[i - 1] + " takes no value");
    const std::string& arg = _args[i];
    const std::size_t equals = arg.find('=');
    if (arg.rfind("--", 0) != 0 || equals == std::string::npos || equals == 2) return;
    std::string value = arg.substr(equals + 1);
    _args[i].resize(equals);
    _args.insert(_args.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::move(value));
    _inline.push_back(i + 1);
}

} // namespace mailrig::cli
