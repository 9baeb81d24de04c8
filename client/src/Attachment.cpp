#include "mailrig/client/Attachment.h"

#include "mime/FileBytes.h"
#include "mime/MessageShape.h"

#include <stdexcept>

namespace mailrig {

namespace {

std::string lastComponent(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string typeOr(const std::string& given, const std::string& fileName) {
    return given.empty() ? guessContentType(fileName) : given;
}

/// The type to give an attachment: `given`, else the one its name suggests; but a `.eml` that is
/// not a message is sent as bytes (message/rfc822 would have its line ends rewritten, RFC 2046
/// 5.2.1, and readers would parse it as mail).
std::string attachmentType(const std::string& given, const std::string& fileName, const std::string& bytes) {
    const std::string type = typeOr(given, fileName);
    if (given.empty() && type == "message/rfc822" && (bytes.empty() || !detail::whyNotAMessage(bytes).empty()))
        return "application/octet-stream";
    return type;
}

} // namespace

Attachment Attachment::fromFile(const std::string& path, const std::string& contentType) {
    std::string bytes = detail::readFileBytes(path, "cannot read attachment");
    return fromBytes(lastComponent(path), std::move(bytes), contentType);
}

Attachment Attachment::fromBytes(const std::string& fileName, std::string bytes,
                                 const std::string& contentType) {
    Attachment a;
    a.fileName = fileName;
    a.contentType = attachmentType(contentType, fileName, bytes);
    a.content = std::move(bytes);
    return a;
}

Attachment Attachment::fromStream(const std::string& fileName, std::istream& in,
                                  const std::string& contentType) {
    return fromBytes(fileName, detail::readStreamBytes(in, "cannot read attachment", fileName), contentType);
}

LinkedResource LinkedResource::fromFile(const std::string& path, const std::string& contentId,
                                        const std::string& contentType) {
    LinkedResource r;
    r.contentId = contentId;
    r.fileName = lastComponent(path);
    r.contentType = typeOr(contentType, r.fileName);
    r.content = detail::readFileBytes(path, "cannot read linked resource");
    return r;
}

} // namespace mailrig
