#include "checkpoint_folders.h"

#include "captioner/error.h"
#include "captioner/trainer.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace captioner::detail {

int64_t checkpointStep(const std::string& name) {
    static const std::string prefix = "checkpoint-";
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size() || name.size() > prefix.size() + 18) return -1;
    int64_t step = 0;
    for (size_t i = prefix.size(); i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return -1;
        step = step * 10 + (name[i] - '0');
    }
    return step;
}

std::vector<std::string> rotateCheckpoints(const std::string& outputDir, int limit, const std::string& bestCheckpoint) {
    std::vector<std::string> removed;
    if (limit <= 0) return removed;
    auto sorted = listCheckpoints(outputDir); // newest first
    std::reverse(sorted.begin(), sorted.end());
    const std::string bestName = bestCheckpoint.empty() ? "" : fs::path(bestCheckpoint).filename().string();
    auto best = std::find_if(sorted.begin(), sorted.end(),
                             [&](const std::string& p) { return fs::path(p).filename().string() == bestName; });
    if (best != sorted.end()) {
        // HF bubbles the best checkpoint up to the second newest place, so it outlives the rotation.
        for (auto it = best; it + 2 < sorted.end(); ++it) std::iter_swap(it, it + 1);
    }
    int keep = limit;
    // With a limit of 1 and a best that is not the newest, HF keeps both (else the newest would go).
    if (limit == 1 && best != sorted.end() && !sorted.empty() &&
        fs::path(sorted.back()).filename().string() != bestName)
        keep = 2;
    const int excess = static_cast<int>(sorted.size()) - keep;
    for (int i = 0; i < excess; ++i) {
        std::error_code ec;
        fs::remove_all(sorted[static_cast<size_t>(i)], ec);
        if (ec) throw Error(sorted[static_cast<size_t>(i)], "cannot delete old checkpoint: " + ec.message());
        removed.push_back(sorted[static_cast<size_t>(i)]);
    }
    return removed;
}

} // namespace captioner::detail

namespace captioner {

std::vector<std::string> listCheckpoints(const std::string& outputDir) {
    std::vector<std::pair<int64_t, std::string>> found;
    std::error_code ec;
    if (!fs::is_directory(outputDir, ec)) return {};
    for (fs::directory_iterator it(outputDir, ec), end; !ec && it != end; it.increment(ec)) {
        const int64_t step = detail::checkpointStep(it->path().filename().string());
        if (step < 0 || !it->is_directory()) continue;
        if (!fs::exists(it->path() / "trainer_state.json")) continue; // not one of ours, or incomplete
        found.emplace_back(step, it->path().string());
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (auto& f : found) out.push_back(f.second);
    return out;
}

} // namespace captioner
