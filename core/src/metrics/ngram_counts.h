#pragma once
// N-gram counting shared by BLEU and CIDEr-D: order-indexed maps from the space-joined n-gram to its
// count, as pycocoevalcap's precook builds them from a tokenised caption.
#include <array>
#include <string>
#include <unordered_map>
#include <vector>

namespace captioner::metrics_detail {

constexpr int kMaxOrder = 4;
using NgramCounts = std::array<std::unordered_map<std::string, int>, kMaxOrder>;

inline NgramCounts countNgrams(const std::vector<std::string>& words) {
    NgramCounts counts;
    for (int order = 1; order <= kMaxOrder; ++order) {
        for (size_t i = 0; i + static_cast<size_t>(order) <= words.size(); ++i) {
            std::string key = words[i];
            for (int k = 1; k < order; ++k) key.append(" ").append(words[i + static_cast<size_t>(k)]);
            ++counts[static_cast<size_t>(order - 1)][key];
        }
    }
    return counts;
}

} // namespace captioner::metrics_detail
