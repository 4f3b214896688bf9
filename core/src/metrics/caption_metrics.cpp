// All caption metrics of one evaluation in one call (what the trainer and `captioner eval` report).
#include "captioner/error.h"
#include "captioner/metrics.h"

namespace captioner {

CaptionMetrics computeCaptionMetrics(const std::vector<std::string>& predictions,
                                     const std::vector<std::vector<std::string>>& references) {
    if (predictions.size() != references.size())
        throw Error("caption metrics", std::to_string(predictions.size()) + " predictions but " +
                                           std::to_string(references.size()) + " reference sets");
    std::vector<std::string> firstReferences;
    firstReferences.reserve(references.size());
    for (size_t i = 0; i < references.size(); ++i) {
        if (references[i].empty())
            throw Error("caption metrics", "image " + std::to_string(i) + " has no reference caption");
        firstReferences.push_back(references[i].front());
    }
    CaptionMetrics m;
    m.wer = wordErrorRate(predictions, firstReferences);
    m.rougeL = rougeL(predictions, firstReferences);
    m.bleu4 = bleu4(predictions, references);
    m.cider = ciderD(predictions, references);
    m.count = static_cast<int64_t>(predictions.size());
    return m;
}

} // namespace captioner
