#pragma once

#include <string>

namespace mailrig::fake {

/// The software name the fake server announces in its greeting and Received lines, e.g.
/// `mailrig-fakeserver/0.1.0`.
std::string serverSoftware();

} // namespace mailrig::fake
