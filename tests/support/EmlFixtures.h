#pragma once
/// Names of the EML fixtures (fixtures/eml/README.md describes each).

#include <string>
#include <vector>

namespace mailrig::test {

/// The clean fixtures: no Lint findings and no Python `email` defects.
inline const std::vector<std::string>& cleanEmlFixtures() {
    static const std::vector<std::string> names = {
        "plain-text.eml",          "html-only.eml",
        "alternative-text-html.eml", "related-inline-image.eml",
        "mixed-with-attachments.eml", "non-ascii-subject-and-filenames.eml",
        "nested-message-rfc822.eml", "mixed-related-alternative.eml",
        "legacy-charset-iso-8859-1.eml", "client-composed-full.eml"};
    return names;
}

} // namespace mailrig::test
