#pragma once
/// Reading EML bytes into a MailMessage (see MailMessage::load for the rules).

#include "mailrig/client/MailMessage.h"

#include <string>

namespace mailrig::detail {

/// Fills a MailMessage from bytes with GMime's parser; a friend of MailMessage so that it can
/// set fields without dropping the original bytes. Stateless; any thread may call it.
class MessageLoader {
public:
    /// Parses `bytes` (named `name` in errors). Throws std::runtime_error
    /// "cannot load message from '<name>': <cause>" when the bytes are empty or do not start
    /// with a header block.
    static MailMessage load(const std::string& bytes, const std::string& name);
};

} // namespace mailrig::detail
