#pragma once
/// Text from outside (captured mail, a peer's commands, a scenario's values) made safe to show
/// on a terminal or in an error message.

#include <string>
#include <string_view>

namespace mailrig::fake {

/// `text` with each control character (NUL, ESC, BEL, CR, DEL, ...) written as `\xHH`: a NUL
/// would end a C string early and an escape sequence would act on the terminal. Line feeds and
/// tabs are kept; other bytes, UTF-8 included, are unchanged.
std::string printableText(std::string_view text);

} // namespace mailrig::fake
