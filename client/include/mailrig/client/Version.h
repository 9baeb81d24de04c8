#pragma once

#include <string>

namespace mailrig {

/// mailrig's version, e.g. `0.1.0`.
std::string version();

} // namespace mailrig
