#pragma once
// The legacy 8-bit strings of a TNEF stream (attSubject, attBody, attAttachTitle): the one code
// page they share, and the lengths every common reader accepts.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mailrig::detail {

/// The code pages legacy strings are written in (attOemCodepage).
constexpr std::uint32_t kCodepageWindows1252 = 1252;
constexpr std::uint32_t kCodepageUtf8 = 65001;

/// The longest legacy string, in bytes without the terminating zero, that attSubject and
/// attAttachTitle may hold. ytnef 2.0 (libytnef, as Debian ships it) refuses either attribute
/// when its data, terminator included, exceeds 100 bytes ("invalid alloc size ... exceeded 100
/// bytes") and then reads nothing of the stream: no subject, no attachment.
constexpr std::size_t kMaxLegacyTitleBytes = 99;

/// Legacy strings in one code page: Windows-1252 when every string fits it, else all of them
/// as UTF-8, unchanged.
struct LegacyText {
    std::uint32_t codepage = kCodepageWindows1252;
    std::vector<std::string> strings;
};

/// Converts `utf8` strings to the code page they all fit.
LegacyText legacyText(const std::vector<std::string>& utf8);

/// `text` (in `codepage`) cut to at most `maxBytes` bytes on a character boundary: never inside
/// a UTF-8 sequence when `codepage` is UTF-8; any byte is a character in Windows-1252.
std::string cutLegacy(const std::string& text, std::uint32_t codepage, std::size_t maxBytes);

/// The title of attachment number `ordinal` (1-based) whose file name is `name` (in
/// `codepage`): the name itself when it has at most `maxBytes` bytes, else a short name of at
/// most `maxBytes` bytes built as Windows builds one: the start of the name, cut on a character
/// boundary, then `~` and the ordinal, then the extension (kept when it has at most 16 bytes):
/// the second file's 120-byte name `Quarterly ... .pdf` becomes its first 93 bytes + `~2.pdf`.
std::string shortLegacyName(const std::string& name, std::uint32_t codepage, std::size_t ordinal,
                            std::size_t maxBytes);

} // namespace mailrig::detail
