#include "Command.h"

namespace mailrig::cli {

std::string unknownOption(const std::string& arg) {
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos)
        return "unknown option '" + arg + "' (a value goes in the next argument: only serve takes --name=value)";
    return "unknown option '" + arg + "'";
}

} // namespace mailrig::cli
