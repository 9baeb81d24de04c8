#pragma once
/// A repair applied to raw header text before GMime decodes it.

#include <string>

namespace mailrig::detail {

/// Joins each run of adjacent base64 encoded words of the same charset (separated only by
/// whitespace) into one word. GMime decodes such a run as a single base64 stream and stops at
/// the first padding, which loses the rest of the text whenever an encoder padded a word in the
/// middle (Python's email package and many mailers do); joined, the run decodes whole, including
/// characters that a careless encoder split across words.
std::string joinEncodedWordRuns(const std::string& raw);

} // namespace mailrig::detail
