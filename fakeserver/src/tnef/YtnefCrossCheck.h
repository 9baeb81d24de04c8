#pragma once
// A second opinion on a TNEF stream from libytnef.

#include <string>

namespace mailrig::fake {
struct TnefView;
namespace detail {

/// Parses `bytes` with libytnef and appends to `view.problems` every disagreement with what the
/// own reader decoded: parse failure, message class, subject, attachment count, sizes or bytes.
/// Call only for streams the own reader found well-formed (libytnef trusts its input).
void crossCheckWithYtnef(const std::string& bytes, TnefView& view);

} // namespace detail
} // namespace mailrig::fake
