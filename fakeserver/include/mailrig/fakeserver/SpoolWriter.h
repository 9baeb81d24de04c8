#pragma once

#include "mailrig/fakeserver/CapturedMessage.h"
#include "mailrig/fakeserver/MessageStore.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace mailrig::fake {

/// The JSON document describing one captured message, as written next to its bytes in a spool
/// (`NNNNNN.json`) and by the scenario runner's `--keep DIR`: `sequence`, `receivedAt` (ISO 8601
/// UTC), `size`, `sha256` of the bytes, `viaBdat`, `mailFrom` and `recipients` (each
/// `{address, params: [{keyword, value}]}` in the order sent), `flags`, and `session` (peer,
/// EHLO name, TLS version and cipher, authenticated user, `transcriptFromLine` and this
/// message's part of the transcript as `[{time, direction, text}]`: see
/// `CapturedMessage::sessionPart()`, so a session of N messages writes O(N) transcript bytes
/// in all; `null` when the message has no session). `emlFile`, when not
/// empty, is recorded as `"eml"` (the bytes' file name). Strings that are not valid UTF-8 have
/// each bad byte replaced by U+FFFD (the exact bytes are in the `.eml`). Pretty-printed, ends
/// with a newline. Does not throw except std::bad_alloc. Any thread.
std::string capturedMessageJson(const CapturedMessage& message, const std::string& emlFile = {});

/// How hard the spool works to survive a crash of the machine (a crash of the process never
/// leaves a partial file under a final name either way: see `SpoolNaming`).
enum class SpoolDurability {
    /// fsync each file before it gets its name and the directory after it: once the capture callback
    /// returned (and the client got its `250`), the message survives a power loss. The default
    /// of `SpoolWriter` (and so of `ServerConfig::spoolDirectory`); `mailrig serve --fsync`.
    Fsync,
    /// No fsync: a process crash cannot leave half files, and each message is in the page
    /// cache (visible to every reader) before the callback returns; a machine crash may lose
    /// the newest messages or leave them empty (a name can reach the disk before the data).
    /// Much faster on real disks (three fewer system calls per message even on tmpfs). The
    /// default of `mailrig serve --out`.
    RenameOnly,
};

/// How each spool file comes to be under its final name. Either way a file under a final name
/// is always complete, and a failed write leaves nothing under a final name.
enum class SpoolNaming {
    /// Created without a name (`open(dir, O_TMPFILE)`), written, then linked under its final
    /// name (`linkat(fd, "", dir, name, AT_EMPTY_PATH)`): one directory entry per file instead
    /// of a temporary one and a rename (on tmpfs about 10% less kernel time per file), and a
    /// crash leaves no temporary file behind. Where the file system refuses unnamed files or
    /// the kernel refuses the link (Linux before 6.10 without CAP_DAC_READ_SEARCH), the writer
    /// switches to `TempAndRename` for good at the first message (`writesUnnamedFiles()`).
    /// The default.
    Automatic,
    /// Written under `.NNNNNN.<ext>.tmp` and renamed into place: works on every file system.
    TempAndRename,
};

/// Where one message went.
struct SpoolEntry {
    std::uint64_t number = 0; ///< the `NNNNNN` of the file names
    std::string emlPath;      ///< `<dir>/NNNNNN.eml`: the bytes exactly as received
    std::string jsonPath;     ///< `<dir>/NNNNNN.json`: `capturedMessageJson()`
};

/// Writes captured messages to a directory as `NNNNNN.eml` + `NNNNNN.json` (six digits or more,
/// counting on from the highest number already there, so a restarted server never overwrites
/// an earlier run). Each file appears under its final name only once complete (`SpoolNaming`);
/// the `.json` appears last, so its presence marks a complete pair. With unnamed files a final
/// name that already exists (another program writing into the directory) is never replaced:
/// the write fails instead. Thread-safe: several server threads
/// may write at once. Holds the directory open (files are created relative to it, not by path);
/// while the directory is removed, `write` throws; once one is created again under the same
/// name, the next message goes into it.
class SpoolWriter {
public:
    /// Creates `directory` (and parents) if missing and scans it for existing numbers. Throws
    /// std::runtime_error naming the directory and the system's reason when it cannot be created
    /// or is not a writable directory.
    explicit SpoolWriter(std::string directory, SpoolDurability durability = SpoolDurability::Fsync,
                         SpoolNaming naming = SpoolNaming::Automatic);
    /// Closes the directory.
    ~SpoolWriter();
    SpoolWriter(const SpoolWriter&) = delete;
    SpoolWriter& operator=(const SpoolWriter&) = delete;

    /// Writes one message; returns its file names. Per message: for each file one open, one
    /// write (the `.eml` one per 256 KiB, hashed piece by piece for the `.json`'s `sha256`), one
    /// link or rename and one close (plus the fsyncs of `SpoolDurability::Fsync`).
    /// Throws std::runtime_error naming the file and the system's reason (nothing of this
    /// message is left under a final name then).
    SpoolEntry write(const CapturedMessage& message);

    /// Registers `write` as a capture callback of `store` (a failing write makes the server
    /// answer `451` and drop the message, so nothing acknowledged is missing from the spool).
    /// Returns the callback id; the writer must outlive the registration.
    int attach(MessageStore& store);

    /// The directory, as given (without trailing slashes).
    const std::string& directory() const { return _directory; }
    /// The durability asked for at construction.
    SpoolDurability durability() const { return _durability; }
    /// True while files are created unnamed and linked (`SpoolNaming::Automatic` where the
    /// system allows it); false once the writer uses temporary names and renames. Any thread.
    bool writesUnnamedFiles() const { return _unnamed.load(std::memory_order_relaxed); }

private:
    /// After `stale` was found to name a removed directory: a descriptor for the directory now
    /// at `_directory` (the current one when another thread reopened it already), -1 if none.
    int reopenDirectory(int stale);

    std::string _directory;
    SpoolDurability _durability;
    std::atomic<bool> _unnamed;    ///< unnamed files and links; cleared for good when refused
    std::atomic<std::uint64_t> _next{1};
    std::atomic<int> _directoryFd{-1};
    std::mutex _reopenMutex;       ///< guards replacing `_directoryFd` and `_retiredFds`
    std::vector<int> _retiredFds;  ///< replaced descriptors, closed only by the destructor
};

} // namespace mailrig::fake
