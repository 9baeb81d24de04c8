#include "mailrig/fakeserver/InputFile.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace mailrig::fake {

namespace {

/// `1 GiB`, `64 MiB`, or the number of bytes.
std::string sizeText(std::size_t bytes) {
    if (bytes % (std::size_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
    if (bytes % (std::size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

[[noreturn]] void tooLarge(const std::string& name, std::size_t limit) {
    throw InputFileError(name, "larger than " + sizeText(limit) + ", the most read into memory");
}

} // namespace

InputFileError::InputFileError(const std::string& name, const std::string& cause)
    : std::runtime_error(name + ": cannot read: " + cause), _name(name), _cause(cause) {}

std::string readInputFile(const std::string& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputFileError(path, std::strerror(errno));
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (std::filesystem::is_directory(status)) throw InputFileError(path, "is a directory");
    if (std::filesystem::is_regular_file(status)) {
        const auto size = std::filesystem::file_size(path, error);
        if (!error && size > limit) tooLarge(path, limit);
    }
    return readInputStream(in, path, limit);
}

std::string readInputStream(std::istream& in, const std::string& name, std::size_t limit) {
    std::string bytes;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        const auto n = static_cast<std::size_t>(in.gcount());
        if (bytes.size() + n > limit) tooLarge(name, limit);
        bytes.append(buffer, n);
    }
    if (in.bad()) throw InputFileError(name, std::strerror(errno));
    return bytes;
}

} // namespace mailrig::fake
