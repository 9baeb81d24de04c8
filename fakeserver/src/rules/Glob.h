#pragma once

#include <string_view>

namespace mailrig::fake::detail {

/// True when `text` matches the glob `pattern` case-insensitively (ASCII): `*` matches any run
/// (also empty), `?` one byte, `\` makes the next character literal. Linear in practice
/// (single-star backtracking), so a pattern can run over a whole message.
bool globMatch(std::string_view pattern, std::string_view text);

} // namespace mailrig::fake::detail
