#pragma once

#include <string>
#include <string_view>

namespace mailrig::fake::detail {

/// True when `charset` is empty or iconv can convert from it to UTF-8 (aliases such as
/// `latin1` or `ks_c_5601-1987` are mapped the way GMime maps them).
bool charsetKnown(const std::string& charset);

/// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates).
bool isUtf8(std::string_view bytes);

/// Converts `bytes` from `charset` to UTF-8. Without a charset, or with an unknown one, valid
/// UTF-8 is kept and anything else is read as windows-1252. Invalid input sequences become
/// U+FFFD. Never throws for bad data.
std::string toUtf8(const std::string& bytes, const std::string& charset);

} // namespace mailrig::fake::detail
