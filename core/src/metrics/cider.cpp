// CIDEr-D as pycocoevalcap's CiderScorer (n = 4, sigma = 6), after coco-caption tokenisation.
#include "captioner/error.h"
#include "captioner/metrics.h"
#include "ngram_counts.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace captioner {
namespace {

using metrics_detail::countNgrams;
using metrics_detail::kMaxOrder;
using metrics_detail::NgramCounts;

constexpr double kSigma = 6.0;

struct TfIdfVector {
    std::array<std::unordered_map<std::string, double>, kMaxOrder> weights;
    std::array<double, kMaxOrder> norm{};
    double length = 0;
};

TfIdfVector toVector(const NgramCounts& counts, const std::unordered_map<std::string, double>& documentFrequency,
                     double logImageCount) {
    TfIdfVector v;
    for (size_t k = 0; k < kMaxOrder; ++k) {
        for (const auto& [ngram, tf] : counts[k]) {
            const auto it = documentFrequency.find(ngram);
            const double df = std::log(std::max(1.0, it == documentFrequency.end() ? 0.0 : it->second));
            const double w = static_cast<double>(tf) * (logImageCount - df);
            v.weights[k][ngram] = w;
            v.norm[k] += w * w;
            // The reference code counts the length on bigrams (its index 1), not on words; the
            // difference only shows when one side is empty, where the score is 0 anyway.
            if (k == 1) v.length += tf;
        }
        v.norm[k] = std::sqrt(v.norm[k]);
    }
    return v;
}

std::array<double, kMaxOrder> similarity(const TfIdfVector& hyp, const TfIdfVector& ref) {
    const double delta = hyp.length - ref.length;
    std::array<double, kMaxOrder> val{};
    for (size_t k = 0; k < kMaxOrder; ++k) {
        for (const auto& [ngram, w] : hyp.weights[k]) {
            const auto it = ref.weights[k].find(ngram);
            const double r = it == ref.weights[k].end() ? 0.0 : it->second;
            val[k] += std::min(w, r) * r;
        }
        if (hyp.norm[k] != 0 && ref.norm[k] != 0) val[k] /= hyp.norm[k] * ref.norm[k];
        val[k] *= std::exp(-(delta * delta) / (2 * kSigma * kSigma));
    }
    return val;
}

} // namespace

std::vector<double> ciderDScores(const std::vector<std::string>& predictions,
                                 const std::vector<std::vector<std::string>>& references) {
    if (predictions.size() != references.size())
        throw Error("CIDEr-D", std::to_string(predictions.size()) + " predictions but " +
                                   std::to_string(references.size()) + " reference sets");
    if (predictions.empty()) return {};
    std::vector<NgramCounts> hypCounts;
    std::vector<std::vector<NgramCounts>> refCounts(predictions.size());
    std::unordered_map<std::string, double> documentFrequency;
    for (size_t img = 0; img < predictions.size(); ++img) {
        if (references[img].empty())
            throw Error("CIDEr-D", "image " + std::to_string(img) + " has no reference caption");
        hypCounts.push_back(countNgrams(cocoTokenize(predictions[img])));
        std::unordered_set<std::string> seen;
        for (const auto& reference : references[img]) {
            refCounts[img].push_back(countNgrams(cocoTokenize(reference)));
            for (const auto& orderCounts : refCounts[img].back())
                for (const auto& entry : orderCounts) seen.insert(entry.first);
        }
        for (const auto& ngram : seen) documentFrequency[ngram] += 1;
    }
    const double logImageCount = std::log(static_cast<double>(predictions.size()));
    std::vector<double> scores;
    scores.reserve(predictions.size());
    for (size_t img = 0; img < predictions.size(); ++img) {
        const TfIdfVector hyp = toVector(hypCounts[img], documentFrequency, logImageCount);
        std::array<double, kMaxOrder> score{};
        for (const auto& ref : refCounts[img]) {
            const auto val = similarity(hyp, toVector(ref, documentFrequency, logImageCount));
            for (size_t k = 0; k < kMaxOrder; ++k) score[k] += val[k];
        }
        double mean = 0;
        for (double s : score) mean += s;
        mean /= kMaxOrder;
        scores.push_back(mean / static_cast<double>(refCounts[img].size()) * 10.0);
    }
    return scores;
}

double ciderD(const std::vector<std::string>& predictions, const std::vector<std::vector<std::string>>& references) {
    const auto scores = ciderDScores(predictions, references);
    double total = 0;
    for (double score : scores) total += score;
    return scores.empty() ? 0.0 : total / static_cast<double>(scores.size());
}

} // namespace captioner
