#include "mime/FileBytes.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace mailrig::detail {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, const std::string& cause) {
    throw std::runtime_error(what + " '" + path + "': " + cause);
}

const char* const kTooLarge = "larger than 1 GiB, the most read into memory";
static_assert(kMaxReadBytes == std::size_t{1} << 30, "kTooLarge names the limit");

} // namespace

std::string readFileBytes(const std::string& path, const std::string& what) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(what, path, std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
        ::close(fd);
        fail(what, path, "is a directory");
    }
    if (S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) > kMaxReadBytes) {
        ::close(fd);
        fail(what, path, kTooLarge);
    }
    std::string bytes;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            int error = errno;
            ::close(fd);
            fail(what, path, std::strerror(error));
        }
        if (n == 0) break;
        if (bytes.size() + static_cast<std::size_t>(n) > kMaxReadBytes) {
            ::close(fd);
            fail(what, path, kTooLarge);
        }
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return bytes;
}

std::string readStreamBytes(std::istream& in, const std::string& what, const std::string& name) {
    std::string bytes;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        if (bytes.size() + static_cast<std::size_t>(in.gcount()) > kMaxReadBytes) fail(what, name, kTooLarge);
        bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) fail(what, name, "the stream failed");
    return bytes;
}

void writeFileBytes(const std::string& path, const std::string& bytes, const std::string& what) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(what, path, std::strerror(errno));
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            int error = errno;
            ::close(fd);
            fail(what, path, std::strerror(error));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) fail(what, path, std::strerror(errno));
}

} // namespace mailrig::detail
