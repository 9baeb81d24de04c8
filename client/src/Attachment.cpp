#include "mailrig/client/Attachment.h"

#include "mime/FileBytes.h"

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

} // namespace

Attachment Attachment::fromFile(const std::string& path, const std::string& contentType) {
    std::string bytes = detail::readFileBytes(path, "cannot read attachment");
    return fromBytes(lastComponent(path), std::move(bytes), contentType);
}

Attachment Attachment::fromBytes(const std::string& fileName, std::string bytes,
                                 const std::string& contentType) {
    Attachment a;
    a.fileName = fileName;
    a.contentType = typeOr(contentType, fileName);
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
