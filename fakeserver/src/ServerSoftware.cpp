#include "mailrig/fakeserver/ServerSoftware.h"

namespace mailrig::fake {

std::string serverSoftware() { return std::string("mailrig-fakeserver/") + MAILRIG_VERSION; }

} // namespace mailrig::fake
