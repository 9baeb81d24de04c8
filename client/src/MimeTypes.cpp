#include "mailrig/client/MimeTypes.h"

#include <map>

namespace mailrig {

std::string toString(TransferEncoding encoding) {
    switch (encoding) {
    case TransferEncoding::SevenBit: return "7bit";
    case TransferEncoding::EightBit: return "8bit";
    case TransferEncoding::QuotedPrintable: return "quoted-printable";
    case TransferEncoding::Base64: return "base64";
    case TransferEncoding::Auto: break;
    }
    return "auto";
}

std::string guessContentType(const std::string& fileName) {
    static const std::map<std::string, std::string> byExtension = {
        {"txt", "text/plain"},         {"text", "text/plain"},       {"log", "text/plain"},
        {"csv", "text/csv"},           {"htm", "text/html"},         {"html", "text/html"},
        {"css", "text/css"},           {"xml", "application/xml"},   {"json", "application/json"},
        {"ics", "text/calendar"},      {"vcf", "text/vcard"},        {"md", "text/markdown"},
        {"eml", "message/rfc822"},     {"pdf", "application/pdf"},   {"zip", "application/zip"},
        {"gz", "application/gzip"},    {"tar", "application/x-tar"}, {"7z", "application/x-7z-compressed"},
        {"dat", "application/octet-stream"}, {"bin", "application/octet-stream"},
        {"doc", "application/msword"}, {"rtf", "application/rtf"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"xls", "application/vnd.ms-excel"},
        {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"ppt", "application/vnd.ms-powerpoint"},
        {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
        {"odt", "application/vnd.oasis.opendocument.text"},
        {"png", "image/png"},          {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},          {"bmp", "image/bmp"},         {"webp", "image/webp"},
        {"svg", "image/svg+xml"},      {"ico", "image/vnd.microsoft.icon"}, {"tif", "image/tiff"},
        {"tiff", "image/tiff"},        {"mp3", "audio/mpeg"},        {"wav", "audio/wav"},
        {"ogg", "audio/ogg"},          {"mp4", "video/mp4"},         {"webm", "video/webm"},
        {"js", "text/javascript"},     {"p7s", "application/pkcs7-signature"},
    };
    auto slash = fileName.find_last_of("/\\");
    std::string base = slash == std::string::npos ? fileName : fileName.substr(slash + 1);
    auto dot = base.rfind('.');
    if (dot == std::string::npos || dot + 1 == base.size()) return "application/octet-stream";
    std::string extension = base.substr(dot + 1);
    for (auto& c : extension)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    auto found = byExtension.find(extension);
    return found == byExtension.end() ? "application/octet-stream" : found->second;
}

} // namespace mailrig
