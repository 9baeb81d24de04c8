#pragma once
// RFC 2047 encoded words decoded one word at a time. GMime decodes a run of adjacent base64
// words as one stream and stops at the first '=' padding, while Python's email package and many
// mailers pad every word of a run; the view decodes such runs here and keeps GMime for the rest.

#include <string>
#include <string_view>

namespace mailrig::fake::detail {

/// True when `raw` contains "=?", the only way an encoded word can start.
bool mayHoldEncodedWords(std::string_view raw);

/// Decodes an unstructured header value (folded or not) to UTF-8: each encoded word
/// `=?charset[*lang]?B|Q?payload?=` is decoded on its own (base64 with its own padding, or Q with
/// '_' as space); whitespace between adjacent words is dropped; the bytes of adjacent words in
/// the same charset are joined before the conversion, so a character split across words still
/// decodes; an unknown charset keeps valid UTF-8 and reads anything else as windows-1252;
/// malformed words stay as written. Line breaks of folding are removed. Never throws for bad data.
std::string decodeEncodedWords(std::string_view raw);

/// Rewrites each run of adjacent encoded words in `raw` as one `=?UTF-8?B?...?=` word holding
/// the run's text decoded as decodeEncodedWords() does, and removes the line breaks of folding;
/// everything else is kept byte for byte. For structured values (address lists, parameters)
/// that GMime parses afterwards.
std::string mergeEncodedWords(std::string_view raw);

} // namespace mailrig::fake::detail
