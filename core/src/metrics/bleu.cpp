// Corpus-level BLEU-1..4 as pycocoevalcap's BleuScorer with option "closest", including its tiny/small
// smoothing constants, after coco-caption tokenisation.
#include "captioner/error.h"
#include "captioner/metrics.h"
#include "ngram_counts.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

namespace captioner {

using metrics_detail::countNgrams;
using metrics_detail::kMaxOrder;

namespace {
constexpr double kSmall = 1e-9, kTiny = 1e-15;
}

BleuStatistics cocoBleu(const std::vector<std::string>& predictions,
                        const std::vector<std::vector<std::string>>& references) {
    if (predictions.size() != references.size())
        throw Error("BLEU", std::to_string(predictions.size()) + " predictions but " +
                                std::to_string(references.size()) + " reference sets");
    BleuStatistics stats;
    if (predictions.empty()) return stats;
    for (size_t img = 0; img < predictions.size(); ++img) {
        if (references[img].empty()) throw Error("BLEU", "image " + std::to_string(img) + " has no reference caption");
        const auto hyp = cocoTokenize(predictions[img]);
        const auto hypCounts = countNgrams(hyp);
        const auto testLen = static_cast<int64_t>(hyp.size());
        std::array<std::unordered_map<std::string, int>, kMaxOrder> maxCounts;
        int64_t closest = -1;
        for (const auto& reference : references[img]) {
            const auto ref = cocoTokenize(reference);
            const auto refLen = static_cast<int64_t>(ref.size());
            // Closest length; ties go to the shorter reference (Python's tuple min).
            const int64_t distance = std::abs(refLen - testLen), best = std::abs(closest - testLen);
            if (closest < 0 || distance < best || (distance == best && refLen < closest)) closest = refLen;
            const auto refCounts = countNgrams(ref);
            for (size_t k = 0; k < kMaxOrder; ++k)
                for (const auto& [ngram, count] : refCounts[k]) {
                    int& most = maxCounts[k][ngram];
                    most = std::max(most, count);
                }
        }
        stats.testLength += testLen;
        stats.referenceLength += closest;
        for (size_t k = 0; k < kMaxOrder; ++k) {
            stats.guess[k] += std::max<int64_t>(0, testLen - static_cast<int64_t>(k));
            for (const auto& [ngram, count] : hypCounts[k]) {
                const auto it = maxCounts[k].find(ngram);
                if (it != maxCounts[k].end()) stats.correct[k] += std::min(it->second, count);
            }
        }
    }
    // The scorer's constants keep an empty order from dividing by zero and make its precision
    // ~1e-6 rather than 0, so BLEU-n of a corpus without any n-gram is tiny but not 0.
    const double brevity = stats.ratio() < 1 ? std::exp(1 - 1 / stats.ratio()) : 1.0;
    double product = 1.0;
    for (size_t k = 0; k < kMaxOrder; ++k) {
        product *= (static_cast<double>(stats.correct[k]) + kTiny) / (static_cast<double>(stats.guess[k]) + kSmall);
        stats.bleu[k] = std::pow(product, 1.0 / static_cast<double>(k + 1)) * brevity;
    }
    return stats;
}

double BleuStatistics::ratio() const {
    return (static_cast<double>(testLength) + kTiny) / (static_cast<double>(referenceLength) + kSmall);
}

double bleu4(const std::vector<std::string>& predictions, const std::vector<std::vector<std::string>>& references) {
    return cocoBleu(predictions, references).bleu[kMaxOrder - 1];
}

} // namespace captioner
