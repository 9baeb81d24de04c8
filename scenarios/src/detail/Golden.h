#pragma once
// Golden comparison: a captured message against a fixture EML, after replacing what differs on
// every run (Date, Message-ID, MIME boundaries, generated UIDs and stamps, TNEF correlators).

#include "detail/TextMatch.h"

#include <string>

namespace mailrig::scenario::detail {

/// `raw` with CRLF line ends and volatile values replaced by stable placeholders
/// (`<date>`, `<message-id>`, `BOUNDARY-1`, `<uid>`, ...).
std::string normaliseForGolden(const std::string& raw);

/// Compares `captured` with the golden file's bytes after normalising both; on a difference
/// adds one mismatch showing the first differing lines with a little context.
void compareGolden(const std::string& goldenPath, const std::string& golden, const std::string& captured,
                   const MismatchSink& sink);

} // namespace mailrig::scenario::detail
