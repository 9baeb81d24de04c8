#include "InputFile.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>

namespace mailrig::cli {

void openInputFile(std::ifstream& in, const std::string& path) {
    auto fail = [&](const std::string& reason) {
        throw std::invalid_argument("cannot read '" + path + "': " + reason);
    };
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) fail(std::strerror(errno));
    if (S_ISDIR(info.st_mode)) fail("is a directory");
    errno = 0;
    in.open(path, std::ios::binary);
    if (!in) fail(errno ? std::strerror(errno) : "cannot open");
}

} // namespace mailrig::cli
