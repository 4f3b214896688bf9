// ROUGE-L F-measure as google's rouge_score with its default tokenizer, averaged over pairs; and
// coco-caption's own ROUGE_L (max precision and recall over references, beta 1.2) on its tokenisation.
#include "captioner/error.h"
#include "captioner/metrics.h"

#include <algorithm>

namespace captioner {
namespace {

// rouge_score tokenize: lowercase, non-[a-z0-9] runs become spaces, split.
std::vector<std::string> rougeTokens(const std::string& text) {
    std::vector<std::string> tokens;
    std::string current;
    for (char c : text) {
        const char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) {
            current.push_back(l);
        } else if (!current.empty()) {
            tokens.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) tokens.push_back(std::move(current));
    return tokens;
}

size_t lcsLength(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::vector<size_t> prev(b.size() + 1, 0), row(b.size() + 1, 0);
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j)
            row[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], row[j - 1]);
        std::swap(prev, row);
    }
    return prev[b.size()];
}

} // namespace

double rougeL(const std::vector<std::string>& predictions, const std::vector<std::string>& references) {
    if (predictions.size() != references.size())
        throw Error("ROUGE-L", std::to_string(predictions.size()) + " predictions but " +
                                   std::to_string(references.size()) + " references");
    if (predictions.empty()) return 0.0;
    double sum = 0;
    for (size_t k = 0; k < predictions.size(); ++k) {
        const auto target = rougeTokens(references[k]);
        const auto prediction = rougeTokens(predictions[k]);
        if (target.empty() || prediction.empty()) continue;
        const double lcs = static_cast<double>(lcsLength(target, prediction));
        const double precision = lcs / static_cast<double>(prediction.size());
        const double recall = lcs / static_cast<double>(target.size());
        if (precision + recall > 0) sum += 2 * precision * recall / (precision + recall);
    }
    return sum / static_cast<double>(predictions.size());
}

double cocoRougeL(const std::vector<std::string>& predictions,
                  const std::vector<std::vector<std::string>>& references) {
    if (predictions.size() != references.size())
        throw Error("ROUGE_L", std::to_string(predictions.size()) + " predictions but " +
                                   std::to_string(references.size()) + " reference sets");
    if (predictions.empty()) return 0.0;
    // coco-caption splits the tokenised, space-joined caption on " ": an empty caption is one empty
    // word, not none. That decides the corner cases (an empty hypothesis against an empty reference
    // scores 1 there), so it is kept.
    auto words = [](const std::string& caption) {
        auto tokens = cocoTokenize(caption);
        if (tokens.empty()) tokens.emplace_back();
        return tokens;
    };
    constexpr double kBetaSquared = 1.2 * 1.2;
    double sum = 0;
    for (size_t img = 0; img < predictions.size(); ++img) {
        if (references[img].empty())
            throw Error("ROUGE_L", "image " + std::to_string(img) + " has no reference caption");
        const auto hyp = words(predictions[img]);
        double bestPrecision = 0, bestRecall = 0;
        for (const auto& reference : references[img]) {
            const auto ref = words(reference);
            const double lcs = static_cast<double>(lcsLength(ref, hyp));
            bestPrecision = std::max(bestPrecision, lcs / static_cast<double>(hyp.size()));
            bestRecall = std::max(bestRecall, lcs / static_cast<double>(ref.size()));
        }
        if (bestPrecision != 0 && bestRecall != 0)
            sum += (1 + kBetaSquared) * bestPrecision * bestRecall / (bestRecall + kBetaSquared * bestPrecision);
    }
    return sum / static_cast<double>(predictions.size());
}

} // namespace captioner
