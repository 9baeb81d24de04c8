#pragma once
/// GMime plumbing shared by the composer and the loader: one-time library set-up and an owning
/// handle for GObjects.

#include <gmime/gmime.h>

#include "mailrig/client/MailAddress.h"

#include <memory>
#include <string>
#include <vector>

namespace mailrig::detail {

/// Calls g_mime_init() exactly once per process (std::call_once); safe from any thread. Every
/// function that touches GMime calls this first.
void ensureGMime();

/// Releases a GObject reference.
struct GObjectUnref {
    void operator()(void* object) const {
        if (object) g_object_unref(object);
    }
};

/// Owns one reference to a GObject (GMimeStream, GMimeObject, GMimeParser, ...).
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

/// Parser options that accept real-world damage: loose RFC 2047 and address rules, and 8-bit
/// header text read as UTF-8, else windows-1252.
using ParserOptionsPtr = std::unique_ptr<GMimeParserOptions, void (*)(GMimeParserOptions*)>;
ParserOptionsPtr lenientParserOptions();

/// Appends the mailboxes of `list` to `out`, descending into groups; mailboxes without an
/// address are skipped. Names and addresses are UTF-8 as GMime decoded them.
void appendMailboxes(InternetAddressList* list, std::vector<MailAddress>& out);

/// Frees a g_malloc'ed string and returns it as std::string ("" for null).
std::string takeGString(char* text);

} // namespace mailrig::detail
