#pragma once
// The spool's per-message JSON, appended to a reusable buffer.

#include "mailrig/fakeserver/CapturedMessage.h"

#include <string>
#include <string_view>

namespace mailrig::fake::detail {

/// Appends `capturedMessageJson(message, emlFile)` to `out` (not cleared first), with `sha256`
/// (64 hex digits) as the bytes' digest when given, else computing it. Throws only
/// std::bad_alloc. Any thread.
void appendCapturedMessageJson(std::string& out, const CapturedMessage& message, std::string_view emlFile,
                               std::string_view sha256 = {});

} // namespace mailrig::fake::detail
