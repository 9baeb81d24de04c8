#include "detail/ReadContext.h"

#include <filesystem>

namespace mailrig::scenario::detail {

namespace fs = std::filesystem;

std::string ReadContext::fixture(const YAML::Node& node, const NodePlace& place,
                                 const std::string& relative) const {
    if (relative.empty()) failAt(node, place, "the fixture path is empty");
    std::error_code ec;
    const fs::path given(relative);
    std::vector<fs::path> candidates;
    if (given.is_absolute()) {
        candidates.push_back(given);
    } else {
        candidates.push_back(fs::path(baseDirectory) / given);
        if (!fixturesDirectory.empty()) candidates.push_back(fs::path(fixturesDirectory) / given);
    }
    for (const auto& candidate : candidates)
        if (fs::is_regular_file(candidate, ec)) return fs::absolute(candidate, ec).lexically_normal().string();
    for (const auto& candidate : candidates) // there, but a directory, a device, a pipe...
        if (fs::exists(candidate, ec))
            failAt(node, place, "fixture '" + relative + "' is not a regular file (" + candidate.string() + ")");
    std::string looked;
    for (const auto& candidate : candidates) looked += (looked.empty() ? "" : ", ") + candidate.string();
    failAt(node, place, "fixture '" + relative + "' not found (looked in " + looked + ")");
}

std::string ReadContext::fixtureKey(MapReader& map, const std::string& key) const {
    auto [node, place] = map.take(key);
    if (!node.IsDefined()) return {};
    return fixture(node, place, scalarText(node, place));
}

SourceLine sourceLine(const YAML::Node& node, const NodePlace& place) {
    SourceLine where;
    where.file = place.file;
    where.line = node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
    where.key = place.path;
    return where;
}

} // namespace mailrig::scenario::detail
