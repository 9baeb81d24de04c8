#pragma once

#include "mailrig/client/MimeTypes.h"

#include <istream>
#include <string>

namespace mailrig {

/// A file attached to a message (the seed's Attachment). The content is held in memory.
/// On the wire: `Content-Disposition: attachment` (or `inline`) with `filename="..."`, or for a
/// non-ASCII name RFC 2231 `filename*=UTF-8''...` plus an ASCII fallback in the Content-Type's
/// `name=` parameter; the transfer encoding is chosen by content unless set.
struct Attachment {
    std::string fileName;                           ///< UTF-8 file name, without a directory
    /// Media type, e.g. `application/pdf`; parameters may follow (`text/calendar; method=REQUEST`).
    /// A `text/*` type without charset is labelled utf-8 when the content is valid UTF-8.
    std::string contentType = "application/octet-stream";
    std::string content;                            ///< the raw bytes
    Disposition disposition = Disposition::Attachment;
    std::string contentId;                          ///< optional Content-ID, without angle brackets
    TransferEncoding transferEncoding = TransferEncoding::Auto;

    /// Reads the file at `path`; the name is its last component and the type is guessed from
    /// the extension unless given. Throws std::runtime_error naming the path and the cause when
    /// the file cannot be read or holds more than 1 GiB (MailMessage::kMaxLoadSize).
    static Attachment fromFile(const std::string& path, const std::string& contentType = {});
    /// Takes the bytes as they are; the type is guessed from the name unless given.
    static Attachment fromBytes(const std::string& fileName, std::string bytes,
                                const std::string& contentType = {});
    /// Reads the stream to its end; the type is guessed from the name unless given. Throws
    /// std::runtime_error when the stream fails before its end or yields more than 1 GiB.
    static Attachment fromStream(const std::string& fileName, std::istream& in,
                                 const std::string& contentType = {});
};

/// A resource the HTML body refers to by `cid:` (an inline image, say). Linked resources put the
/// HTML body into `multipart/related` with each resource as `Content-Disposition: inline` and
/// `Content-ID: <contentId>`.
struct LinkedResource {
    std::string contentId;                          ///< without angle brackets, e.g. `logo@x`
    std::string contentType = "application/octet-stream"; ///< media type, as for Attachment
    std::string content;                            ///< the raw bytes
    std::string fileName;                           ///< optional UTF-8 name

    /// Reads the file at `path`; throws std::runtime_error naming the path when it cannot.
    static LinkedResource fromFile(const std::string& path, const std::string& contentId,
                                   const std::string& contentType = {});
};

} // namespace mailrig
