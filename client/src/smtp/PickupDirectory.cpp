// Delivery into a pickup directory: one complete .eml per message and its envelope beside it,
// each written atomically.
#include "smtp/DataEncoder.h"
#include "smtp/SmtpOperations.h"

#include <Poco/UUIDGenerator.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace mailrig::detail {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error("pickup directory: " + what + " '" + path + "': " + std::strerror(errno));
}

/// An open file that is removed unless committed.
class TempFile {
public:
    explicit TempFile(std::string path) : _path(std::move(path)) {
        _fd = ::open(_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (_fd < 0) fail("cannot create", _path);
    }
    ~TempFile() {
        if (_fd >= 0) ::close(_fd);
        if (!_committed) ::unlink(_path.c_str());
    }
    void write(const std::string& bytes) {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(_fd, bytes.data() + done, bytes.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail("cannot write", _path);
            }
            done += static_cast<std::size_t>(n);
        }
    }
    void commit(const std::string& finalPath) {
        if (::fsync(_fd) != 0) fail("cannot flush", _path);
        if (::close(_fd) != 0) {
            _fd = -1;
            fail("cannot close", _path);
        }
        _fd = -1;
        if (::rename(_path.c_str(), finalPath.c_str()) != 0) fail("cannot rename into", finalPath);
        _committed = true;
    }

private:
    std::string _path;
    int _fd = -1;
    bool _committed = false;
};

/// The envelope as a JSON object: {"from": "...", "to": ["...", ...]}.
std::string envelopeJson(const Envelope& envelope) {
    auto quoted = [](const std::string& text) {
        std::string out = "\"";
        for (const unsigned char c : text) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c < 0x20 || c == 0x7f) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                out += escaped;
            } else {
                out += static_cast<char>(c);
            }
        }
        return out + "\"";
    };
    std::string json = "{\"from\": " + quoted(envelope.sender) + ", \"to\": [";
    for (std::size_t i = 0; i < envelope.recipients.size(); ++i)
        json += (i ? ", " : "") + quoted(envelope.recipients[i]);
    return json + "]}\n";
}

} // namespace

PickupFile writePickupFile(const std::string& directory, const Envelope& envelope, MessageSource& content) {
    struct stat st {};
    if (directory.empty() || ::stat(directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw std::runtime_error("pickup directory '" + directory + "' does not exist or is not a directory");
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const std::string name =
        std::to_string(millis) + "-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    const std::string envelopePath = directory + "/" + name + ".envelope.json";
    const std::string finalPath = directory + "/" + name + ".eml";
    // The envelope sidecar first; the .eml last, so its presence marks a complete pair.
    {
        TempFile sidecar(directory + "/." + name + ".envelope.json.tmp");
        sidecar.write(envelopeJson(envelope));
        sidecar.commit(envelopePath);
    }
    try {
        TempFile file(directory + "/." + name + ".eml.tmp");
        std::string buffer;
        DataEncoder encoder(DataEncoder::Mode::Chunk);
        char piece[64 * 1024];
        for (;;) {
            const std::size_t n = content.read(piece, sizeof piece);
            if (n == 0) break;
            encoder.encode(piece, n, buffer);
            if (buffer.size() >= 256 * 1024) {
                file.write(buffer);
                buffer.clear();
            }
        }
        encoder.finish(buffer);
        file.write(buffer);
        file.commit(finalPath);
        return PickupFile{finalPath, encoder.contentSize()};
    } catch (...) {
        ::unlink(envelopePath.c_str());
        throw;
    }
}

SendResult pickupResult(const Envelope& envelope, const PickupFile& file) {
    const std::string& path = file.path;
    SendResult result;
    for (const auto& r : envelope.recipients) {
        RecipientResult rr;
        rr.address = r;
        rr.status = RecipientStatus::Accepted;
        rr.replyCode = 250;
        rr.replyText = "written to " + path;
        result.recipients.push_back(rr);
    }
    result.dataReplyCode = 250;
    result.dataReplyText = "written to " + path;
    result.messageSize = file.size;
    return result;
}

} // namespace mailrig::detail
