// Corpus-level BLEU-4 as pycocoevalcap's BleuScorer with option "closest", including its tiny/small
// smoothing constants, after coco-caption tokenisation.
#include "captioner/error.h"
#include "captioner/metrics.h"
#include "ngram_counts.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace captioner {

using metrics_detail::countNgrams;
using metrics_detail::kMaxOrder;

double bleu4(const std::vector<std::string>& predictions, const std::vector<std::vector<std::string>>& references)
{
    if (predictions.size() != references.size())
        throw Error("BLEU-4", std::to_string(predictions.size()) + " predictions but " +
                                  std::to_string(references.size()) + " reference sets");
    if (predictions.empty())
        return 0.0;
    double testLength = 0, referenceLength = 0;
    std::array<double, kMaxOrder> guess{}, correct{};
    for (size_t img = 0; img < predictions.size(); ++img) {
        if (references[img].empty())
            throw Error("BLEU-4", "image " + std::to_string(img) + " has no reference caption");
        const auto hyp = cocoTokenize(predictions[img]);
        const auto hypCounts = countNgrams(hyp);
        const auto testLen = static_cast<long>(hyp.size());
        std::array<std::unordered_map<std::string, int>, kMaxOrder> maxCounts;
        long closest = -1;
        for (const auto& reference : references[img]) {
            const auto ref = cocoTokenize(reference);
            const auto refLen = static_cast<long>(ref.size());
            // Closest length; ties go to the shorter reference (Python's tuple min).
            if (closest < 0 || std::labs(refLen - testLen) < std::labs(closest - testLen) ||
                (std::labs(refLen - testLen) == std::labs(closest - testLen) && refLen < closest))
                closest = refLen;
            const auto refCounts = countNgrams(ref);
            for (size_t k = 0; k < kMaxOrder; ++k)
                for (const auto& [ngram, count] : refCounts[k]) {
                    int& best = maxCounts[k][ngram];
                    best = std::max(best, count);
                }
        }
        testLength += static_cast<double>(testLen);
        referenceLength += static_cast<double>(closest);
        for (size_t k = 0; k < kMaxOrder; ++k) {
            guess[k] += static_cast<double>(std::max(0L, testLen - static_cast<long>(k)));
            for (const auto& [ngram, count] : hypCounts[k]) {
                const auto it = maxCounts[k].find(ngram);
                if (it != maxCounts[k].end())
                    correct[k] += std::min(it->second, count);
            }
        }
    }
    constexpr double kSmall = 1e-9, kTiny = 1e-15;
    double bleu = 1.0;
    for (size_t k = 0; k < kMaxOrder; ++k)
        bleu *= (correct[k] + kTiny) / (guess[k] + kSmall);
    bleu = std::pow(bleu, 1.0 / kMaxOrder);
    const double ratio = (testLength + kTiny) / (referenceLength + kSmall);
    if (ratio < 1)
        bleu *= std::exp(1 - 1 / ratio);
    return bleu;
}

} // namespace captioner
