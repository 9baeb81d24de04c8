// SpoolWriter: NNNNNN.eml + NNNNNN.json per message, each created unnamed and linked into place
// (or written under a temporary name and renamed where unnamed files are refused).
#include "mailrig/fakeserver/SpoolWriter.h"
#include "spool/MessageJson.h"
#include "spool/Sha256.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace mailrig::fake {

namespace {

namespace fs = std::filesystem;
using detail::Sha256;

/// A JSON buffer larger than this is given back after its message instead of being kept for the
/// next one (a message with thousands of recipients should not pin its memory forever).
constexpr std::size_t kKeptJsonBuffer = 1024 * 1024;

/// A message's bytes are hashed and written this many at a time: each piece is still in the
/// CPU's cache when the kernel copies it into the file (a 10 MB message is not).
constexpr std::size_t kHashedPiece = 256 * 1024;

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

int openDirectory(const std::string& directory, SpoolDurability durability) {
    // fsync needs a readable descriptor; unnamed files, links and renames work from a path-only
    // one (which a directory without read permission still allows).
    const int mode = durability == SpoolDurability::Fsync ? O_RDONLY : O_PATH;
    return ::open(directory.c_str(), mode | O_DIRECTORY | O_CLOEXEC);
}

/// A failed step on one file: which step, which file (a name in the spool directory), errno.
struct FileError {
    const char* what;
    const char* name;
    int error;
};

/// The four file names of one message, relative to the spool directory, built without
/// allocating: `NNNNNN.eml`, `NNNNNN.json`, `.NNNNNN.eml.tmp`, `.NNNNNN.json.tmp`.
struct SpoolNames {
    explicit SpoolNames(std::uint64_t number) {
        char digits[24];
        const std::size_t length =
            static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, number).ptr - digits);
        char stem[32];
        const std::size_t padding = length < 6 ? 6 - length : 0;
        std::memset(stem, '0', padding);
        std::memcpy(stem + padding, digits, length);
        const std::string_view s(stem, padding + length);
        compose(eml, "", s, ".eml");
        compose(json, "", s, ".json");
        compose(emlTemp, ".", s, ".eml.tmp");
        compose(jsonTemp, ".", s, ".json.tmp");
    }
    char eml[48];
    char json[48];
    char emlTemp[48];
    char jsonTemp[48];

private:
    static void compose(char (&out)[48], std::string_view prefix, std::string_view stem, std::string_view suffix) {
        char* p = out;
        for (std::string_view part : {prefix, stem, suffix}) {
            std::memcpy(p, part.data(), part.size());
            p += part.size();
        }
        *p = '\0';
    }
};

/// Writes all of `bytes` to `fd` (and fsyncs it with `SpoolDurability::Fsync`); 0 or errno.
/// With `hash`, starts it over and adds the bytes piece by piece just before writing each.
int writeAll(int fd, const std::string& bytes, SpoolDurability durability, Sha256* hash) {
    if (hash) hash->reset();
    std::size_t done = 0;
    while (done < bytes.size()) {
        const std::size_t piece = std::min(bytes.size() - done, hash ? kHashedPiece : bytes.size() - done);
        if (hash) hash->update(bytes.data() + done, piece);
        for (std::size_t written = 0; written < piece;) {
            const ssize_t n = ::write(fd, bytes.data() + done + written, piece - written);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return n < 0 ? errno : EIO;
            written += static_cast<std::size_t>(n);
        }
        done += piece;
    }
    if (durability == SpoolDurability::Fsync && ::fsync(fd) != 0) return errno;
    return 0;
}

// Writes `bytes` to `name` in the directory `directoryFd` via `temp` and a rename; nothing is
// left under `name` or `temp` when this throws FileError.
void writeRenamed(int directoryFd, const char* temp, const char* name, const std::string& bytes,
                  SpoolDurability durability, Sha256* hash) {
    const int fd = ::openat(directoryFd, temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw FileError{"create", temp, errno};
    int error = writeAll(fd, bytes, durability, hash);
    if (::close(fd) != 0 && !error) error = errno;
    if (!error && ::renameat(directoryFd, temp, directoryFd, name) != 0) error = errno;
    if (error) {
        ::unlinkat(directoryFd, temp, 0);
        throw FileError{"write", name, error};
    }
}

/// Whether the directory behind `directoryFd` was removed (a removed directory has no links).
bool directoryRemoved(int directoryFd) {
    struct stat status {};
    return ::fstatat(directoryFd, "", &status, AT_EMPTY_PATH) != 0 || status.st_nlink == 0;
}

/// What became of an attempt to write a file unnamed.
enum class Unnamed { Written, Refused };

// Creates an unnamed file in the directory, writes `bytes` and links it under `name`. Returns
// Refused (with nothing written) when this system does not allow it: the file system has no
// O_TMPFILE, or the kernel refuses linking an unnamed file without CAP_DAC_READ_SEARCH (before
// Linux 6.10). A removed directory is an error of the file, as for a named one: FileError with
// ENOENT. Nothing is left under `name` when this throws. Linking via "/proc/self/fd/N" instead
// of AT_EMPTY_PATH works without privileges on older kernels too, but costs more than the
// rename it replaces (about 9 µs against 7 on tmpfs), so a refused link falls back to renames.
Unnamed writeUnnamed(int directoryFd, const char* name, const std::string& bytes, SpoolDurability durability,
                     Sha256* hash) {
    const int fd = ::openat(directoryFd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) {
        const int error = errno;
        // A removed directory gives ENOENT on tmpfs, EPERM on ext4: asked first, whatever errno.
        if (directoryRemoved(directoryFd)) throw FileError{"create", name, ENOENT};
        if (error == EOPNOTSUPP || error == EISDIR || error == EINVAL || error == ENOENT || error == EPERM)
            return Unnamed::Refused;
        throw FileError{"create", name, error};
    }
    int error = writeAll(fd, bytes, durability, hash);
    if (!error && ::linkat(fd, "", directoryFd, name, AT_EMPTY_PATH) != 0) {
        error = errno;
        if (error != EEXIST && directoryRemoved(directoryFd)) {
            ::close(fd);
            throw FileError{"create", name, ENOENT};
        }
        if (error == ENOENT || error == EPERM || error == EOPNOTSUPP || error == EINVAL) {
            ::close(fd);
            return Unnamed::Refused;
        }
    }
    if (::close(fd) != 0 && !error) {
        error = errno;
        ::unlinkat(directoryFd, name, 0); // linked already: take the name back
    }
    if (error) throw FileError{"write", name, error};
    return Unnamed::Written;
}

// One file of a message: unnamed and linked while `unnamed` holds (cleared for good when the
// system refuses), else via `temp` and a rename. Throws FileError with nothing left behind.
void writeFile(int directoryFd, const char* temp, const char* name, const std::string& bytes,
               SpoolDurability durability, std::atomic<bool>& unnamed, Sha256* hash) {
    if (unnamed.load(std::memory_order_relaxed)) {
        if (writeUnnamed(directoryFd, name, bytes, durability, hash) == Unnamed::Written) return;
        unnamed.store(false, std::memory_order_relaxed);
    }
    writeRenamed(directoryFd, temp, name, bytes, durability, hash);
}

// Writes both files of one message: the .eml, hashing its bytes as they go out, then the .json,
// built into `json` with that digest, last (its presence marks a complete pair), then (with
// Fsync) syncs the directory. Throws FileError with nothing of this message left under a final
// name (a file that was there before, e.g. written by another program, stays).
void writePair(int directoryFd, const SpoolNames& names, const CapturedMessage& message, std::string& json,
               SpoolDurability durability, std::atomic<bool>& unnamed) {
    Sha256 hash;
    writeFile(directoryFd, names.emlTemp, names.eml, message.data(), durability, unnamed, &hash);
    bool jsonWritten = false;
    try {
        json.clear();
        detail::appendCapturedMessageJson(json, message, names.eml, hash.hex());
        writeFile(directoryFd, names.jsonTemp, names.json, json, durability, unnamed, nullptr);
        jsonWritten = true;
        if (durability == SpoolDurability::Fsync && ::fsync(directoryFd) != 0)
            throw FileError{"fsync directory for", names.json, errno};
    } catch (...) {
        ::unlinkat(directoryFd, names.eml, 0);
        if (jsonWritten) ::unlinkat(directoryFd, names.json, 0);
        throw;
    }
}

} // namespace

SpoolWriter::SpoolWriter(std::string directory, SpoolDurability durability, SpoolNaming naming)
    : _directory(std::move(directory)), _durability(durability), _unnamed(naming == SpoolNaming::Automatic) {
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
    const int fd = openDirectory(_directory, _durability);
    if (fd < 0) systemError("open directory", _directory, errno);
    _directoryFd = fd;
}

SpoolWriter::~SpoolWriter() {
    ::close(_directoryFd.load());
    for (int fd : _retiredFds) ::close(fd);
}

int SpoolWriter::reopenDirectory(int stale) {
    std::lock_guard<std::mutex> lock(_reopenMutex);
    const int current = _directoryFd.load();
    if (current != stale) return current; // another thread got there first
    const int fd = openDirectory(_directory, _durability);
    if (fd < 0) return -1;
    // Another thread may still be using the stale descriptor: it stays open until destruction.
    _retiredFds.push_back(stale);
    _directoryFd = fd;
    return fd;
}

SpoolEntry SpoolWriter::write(const CapturedMessage& message) {
    SpoolEntry entry;
    entry.number = _next.fetch_add(1, std::memory_order_relaxed);
    const SpoolNames names(entry.number);
    entry.emlPath = _directory + "/" + names.eml;
    entry.jsonPath = _directory + "/" + names.json;
    // One buffer per thread, reused for every message that thread spools.
    thread_local std::string json;
    int directoryFd = _directoryFd.load();
    for (bool retried = false;; retried = true) {
        try {
            writePair(directoryFd, names, message, json, _durability, _unnamed);
            break;
        } catch (const FileError& e) {
            // ENOENT on create: the directory was removed; when one was made again under the
            // same name, write this message (and the next ones) there.
            if (!retried && e.error == ENOENT && std::strcmp(e.what, "create") == 0) {
                const int reopened = reopenDirectory(directoryFd);
                if (reopened >= 0 && reopened != directoryFd) {
                    directoryFd = reopened;
                    continue;
                }
            }
            if (json.capacity() > kKeptJsonBuffer) std::string().swap(json);
            systemError(e.what, _directory + "/" + e.name, e.error);
        }
    }
    if (json.capacity() > kKeptJsonBuffer) std::string().swap(json);
    return entry;
}

int SpoolWriter::attach(MessageStore& store) {
    return store.addCaptureCallback([this](const CapturedMessage& message) { write(message); });
}

} // namespace mailrig::fake
