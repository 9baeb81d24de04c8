#pragma once
/// Writing header fields: RFC 2047 encoded words, RFC 5322 folding, mailbox lists, RFC 2231
/// parameters and dates. Everything here returns text with "\n" line ends; the composer turns
/// the whole message into CRLF at the end.

#include "mailrig/client/MailAddress.h"

#include <chrono>
#include <string>
#include <vector>

namespace mailrig::detail {

/// Replaces every invalid UTF-8 sequence with U+FFFD, so the text can be labelled UTF-8.
std::string sanitizeUtf8(const std::string& text);

/// True when every byte is printable ASCII or a tab (no control characters, nothing above 0x7E).
bool isPrintableAscii(const std::string& text);

/// Splits UTF-8 text into RFC 2047 `=?UTF-8?B?...?=` words of at most `maxWordLength` (≤ 75)
/// characters each; a word never ends inside a UTF-8 character.
std::vector<std::string> encodeWords(const std::string& utf8, std::size_t maxWordLength = 64);

/// A complete unstructured header field (`Name: value\n`, folded at whitespace so lines stay
/// within 78 octets where possible and never exceed 998). Values that are not plain printable
/// ASCII, that look like encoded words, or that hold a run too long to fold are written as
/// encoded words. CR and LF in the value become spaces.
std::string formatUnstructured(const std::string& name, const std::string& value);

/// A complete address header field (`To: Name <a@b>, ...\n`), folded between mailboxes; non-ASCII
/// display names become encoded words, ASCII names are quoted when they hold specials. Throws
/// std::invalid_argument naming the field when an address is empty, has no `@`, or holds
/// whitespace, control characters or angle brackets.
std::string formatAddresses(const std::string& name, const std::vector<MailAddress>& addresses);

/// A MIME parameter for a raw header value, starting with `;` and a fold: `;\n\tname="value"`
/// for printable ASCII (for `name` and `filename`: only when it fits a 78-octet line and holds
/// no `=?`, which readers would decode as an encoded word; for others up to 180 octets), else
/// the RFC 2231 form `name*=UTF-8''...` (split into `name*0*=`, `name*1*=`, ... continuations
/// when long, never inside a character).
std::string formatParameter(const std::string& name, const std::string& value);

/// An ASCII stand-in for a file name that every reader takes literally: the name itself when it
/// can be written as a plain quoted parameter (see formatParameter), else the name with runs of
/// non-ASCII or unsafe bytes as one `_`, no `=?`, cut to 60 octets keeping the extension; never
/// empty.
std::string asciiFallbackName(const std::string& utf8Name);

/// RFC 5322 date-time in UTC, e.g. `Thu, 26 Nov 2026 08:23:16 +0000`.
std::string formatDate(std::chrono::system_clock::time_point when);

/// Lower-cases ASCII letters.
std::string asciiLower(std::string text);

} // namespace mailrig::detail
