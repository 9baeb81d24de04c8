#pragma once
/// Text from outside (a server's reply, an address given by a user) made safe to put into an
/// error message.

#include <string>

namespace mailrig::detail {

/// `text` with control characters written as `\xHH` (a NUL would end what() early; an escape
/// sequence would reach the terminal); line breaks and tabs kept.
std::string printableText(const std::string& text);

} // namespace mailrig::detail
