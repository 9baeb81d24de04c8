#pragma once

namespace mailrig::fake::detail {

/// Calls g_mime_init exactly once per process, whichever thread gets here first; every other
/// caller waits until it has finished. GMime is never shut down.
void ensureGMime();

} // namespace mailrig::fake::detail
