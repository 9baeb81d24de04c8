#include "mailrig/client/Version.h"

namespace mailrig {

std::string version() { return MAILRIG_VERSION; }

} // namespace mailrig
