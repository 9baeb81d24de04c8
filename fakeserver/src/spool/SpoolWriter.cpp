// SpoolWriter: NNNNNN.eml + NNNNNN.json per message, written under temp names and renamed.
#include "mailrig/fakeserver/SpoolWriter.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace mailrig::fake {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void systemError(const std::string& what, const std::string& path, int error) {
    throw std::runtime_error("spool: cannot " + what + " " + path + ": " + std::strerror(error));
}

// The number in `NNNNNN.eml` / `NNNNNN.json` (at least six digits), or 0.
std::uint64_t spoolNumber(const std::string& name) {
    const auto dot = name.find('.');
    if (dot == std::string::npos || dot < 6 || dot > 19) return 0;
    const std::string extension = name.substr(dot);
    if (extension != ".eml" && extension != ".json") return 0;
    std::uint64_t number = 0;
    for (std::size_t i = 0; i < dot; ++i) {
        if (name[i] < '0' || name[i] > '9') return 0;
        number = number * 10 + static_cast<std::uint64_t>(name[i] - '0');
    }
    return number;
}

std::string numbered(std::uint64_t number) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%06llu", static_cast<unsigned long long>(number));
    return buffer;
}

void syncDirectory(const std::string& directory) {
    int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) systemError("open directory", directory, errno);
    const int result = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (result != 0) systemError("fsync directory", directory, error);
}

// Writes `bytes` to `path` via `<dir>/.<name>.tmp` and a rename; nothing is left under `path`
// or the temp name when this throws.
void writeAtomically(const std::string& directory, const std::string& name, const std::string& bytes,
                     SpoolDurability durability) {
    const std::string path = directory + "/" + name;
    const std::string temp = directory + "/." + name + ".tmp";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) systemError("create", temp, errno);
    std::size_t done = 0;
    int error = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error = n < 0 ? errno : EIO;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    if (!error && durability == SpoolDurability::Fsync && ::fsync(fd) != 0) error = errno;
    if (::close(fd) != 0 && !error) error = errno;
    if (!error && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
    if (error) {
        ::unlink(temp.c_str());
        systemError("write", path, error);
    }
}

} // namespace

SpoolWriter::SpoolWriter(std::string directory, SpoolDurability durability)
    : _directory(std::move(directory)), _durability(durability) {
    if (_directory.empty()) throw std::runtime_error("spool: no directory given");
    while (_directory.size() > 1 && _directory.back() == '/') _directory.pop_back();
    std::error_code ec;
    fs::create_directories(_directory, ec);
    if (ec) throw std::runtime_error("spool: cannot create directory " + _directory + ": " + ec.message());
    if (!fs::is_directory(_directory, ec))
        throw std::runtime_error("spool: " + _directory + " is not a directory");
    if (::access(_directory.c_str(), W_OK | X_OK) != 0) systemError("write into", _directory, errno);
    std::uint64_t highest = 0;
    for (const auto& entry : fs::directory_iterator(_directory, ec))
        highest = std::max(highest, spoolNumber(entry.path().filename().string()));
    if (ec) throw std::runtime_error("spool: cannot list " + _directory + ": " + ec.message());
    _next = highest + 1;
}

SpoolEntry SpoolWriter::write(const CapturedMessage& message) {
    SpoolEntry entry;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        entry.number = _next++;
    }
    const std::string stem = numbered(entry.number);
    entry.emlPath = _directory + "/" + stem + ".eml";
    entry.jsonPath = _directory + "/" + stem + ".json";
    writeAtomically(_directory, stem + ".eml", message.data(), _durability);
    try {
        // The .json goes last: its presence marks a complete pair.
        writeAtomically(_directory, stem + ".json", capturedMessageJson(message, stem + ".eml"), _durability);
        if (_durability == SpoolDurability::Fsync) syncDirectory(_directory);
    } catch (...) {
        ::unlink(entry.emlPath.c_str());
        ::unlink(entry.jsonPath.c_str());
        throw;
    }
    return entry;
}

int SpoolWriter::attach(MessageStore& store) {
    return store.addCaptureCallback([this](const CapturedMessage& message) { write(message); });
}

} // namespace mailrig::fake
