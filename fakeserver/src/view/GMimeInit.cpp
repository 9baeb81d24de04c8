#include "view/GMimeInit.h"

#include <gmime/gmime.h>

#include <mutex>

namespace mailrig::fake::detail {

void ensureGMime() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

} // namespace mailrig::fake::detail
