#include "smtp/SevenBitEncoder.h"

#include "mime/GMimeSupport.h"
#include "smtp/MessageSource.h"

#include <stdexcept>

namespace mailrig::detail {

namespace {

bool contentHasEightBit(GMimePart* part) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    if (!wrapper) return false;
    GPtr<GMimeStream> mem(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(wrapper, mem.get());
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
    return hasEightBit(reinterpret_cast<const char*>(array->data), array->len);
}

void reencodeObject(GMimeObject* object);

void reencodeMessage(GMimeMessage* message) {
    if (message && g_mime_message_get_mime_part(message))
        reencodeObject(g_mime_message_get_mime_part(message));
}

void reencodeObject(GMimeObject* object) {
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart* multipart = GMIME_MULTIPART(object);
        const int count = g_mime_multipart_get_count(multipart);
        for (int i = 0; i < count; ++i) reencodeObject(g_mime_multipart_get_part(multipart, i));
        return;
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
        reencodeMessage(g_mime_message_part_get_message(GMIME_MESSAGE_PART(object)));
        // message/rfc822 allows only 7bit, 8bit or binary: its content is now 7-bit.
        if (g_mime_object_get_header(object, "Content-Transfer-Encoding"))
            g_mime_object_set_header(object, "Content-Transfer-Encoding", "7bit", nullptr);
        return;
    }
    if (!GMIME_IS_PART(object)) return;
    GMimePart* part = GMIME_PART(object);
    const GMimeContentEncoding encoding = g_mime_part_get_content_encoding(part);
    if (encoding == GMIME_CONTENT_ENCODING_BASE64 ||
        encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
        encoding == GMIME_CONTENT_ENCODING_UUENCODE)
        return;
    if (!contentHasEightBit(part)) return;
    GMimeContentType* type = g_mime_object_get_content_type(object);
    const bool text = type && g_mime_content_type_is_type(type, "text", "*");
    g_mime_part_set_content_encoding(part, text ? GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
                                                : GMIME_CONTENT_ENCODING_BASE64);
}

} // namespace

std::string reencodeSevenBit(const std::string& bytes) {
    const std::size_t headerLength = headerBlockLength(bytes);
    if (!hasEightBit(bytes.data() + headerLength, bytes.size() - headerLength)) return bytes;
    ensureGMime();
    GPtr<GMimeStream> in(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(in.get()));
    ParserOptionsPtr options = lenientParserOptions();
    GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
    if (!message) throw std::runtime_error("cannot parse the message to re-encode it as 7-bit");
    reencodeMessage(message.get());
    GPtr<GMimeStream> out(g_mime_stream_mem_new());
    GMimeFormatOptions* format = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS);
    g_mime_object_write_to_stream(GMIME_OBJECT(message.get()), format, out.get());
    g_mime_format_options_free(format);
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

} // namespace mailrig::detail
