#pragma once
// Opening a file the user named, with the system's reason when it cannot be read.

#include <fstream>
#include <string>

namespace mailrig::cli {

/// Opens `path` for reading bytes. Throws std::invalid_argument `cannot read 'PATH': REASON`,
/// REASON being the system's (`No such file or directory`, `Permission denied`) or `is a
/// directory`.
void openInputFile(std::ifstream& in, const std::string& path);

} // namespace mailrig::cli
