#pragma once

#include <string>

namespace mailrig {

/// The Content-Transfer-Encoding a part is written with. `Auto` chooses by content: `7bit` for
/// ASCII text with lines of at most 78 octets, `quoted-printable` for other text, `base64` for
/// binary data; `8bit` is never chosen automatically.
enum class TransferEncoding { Auto, SevenBit, EightBit, QuotedPrintable, Base64 };

/// `7bit`, `8bit`, `quoted-printable`, `base64`, or `auto`.
std::string toString(TransferEncoding encoding);

/// Whether an attachment is shown in the body (`inline`) or offered as a file (`attachment`).
enum class Disposition { Attachment, Inline };

/// The priority headers written: `Normal` writes none; `High` writes `X-Priority: 1 (Highest)`,
/// `Importance: high` and `Priority: urgent`; `Low` writes `X-Priority: 5 (Lowest)`,
/// `Importance: low` and `Priority: non-urgent`.
enum class Priority { Normal, Low, High };

/// A MIME type guessed from a file name's extension (`report.pdf` → `application/pdf`);
/// `application/octet-stream` when unknown.
std::string guessContentType(const std::string& fileName);

} // namespace mailrig
