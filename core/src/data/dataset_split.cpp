#include "captioner/dataset_split.h"

#include "captioner/error.h"

#include <cmath>
#include <sstream>

namespace captioner {
namespace {

bool usable(const DatasetItem& item) { return !item.captions.empty() && item.unreadable.empty(); }

} // namespace

DatasetSplit splitDataset(const CaptionDataset& dataset, double testSize, std::uint64_t seed) {
    if (!(testSize > 0.0 && testSize < 1.0)) {
        std::ostringstream s;
        s << "test size " << testSize << " must be a fraction in (0, 1)";
        throw Error(dataset.source(), s.str());
    }
    const auto& items = dataset.items();
    DatasetSplit split;

    bool hasTest = false, hasValidation = false;
    for (const auto& item : items) {
        hasTest = hasTest || item.split == "test";
        hasValidation = hasValidation || item.split == "validation";
    }
    if (hasTest || hasValidation) {
        const std::string testName = hasTest ? "test" : "validation";
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (!usable(items[i])) continue;
            if (items[i].split == testName) split.test.push_back(i);
            else if (items[i].split == "train" || items[i].split.empty()) split.train.push_back(i);
        }
        split.fromLayout = true;
        return split;
    }

    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < items.size(); ++i)
        if (usable(items[i])) candidates.push_back(i);
    const std::size_t n = candidates.size();
    if (n == 0) return split; // datasets returns two empty splits for an empty dataset
    // Same arithmetic as datasets (math.ceil of a double product), including its rounding: 0.07 * 100
    // is 7.000000000000001 there too, so 100 samples give 8 test items.
    const std::size_t nTest = std::size_t(std::ceil(testSize * double(n)));
    if (nTest >= n) {
        std::ostringstream s;
        s << "with " << n << " usable item" << (n == 1 ? "" : "s") << " and test size " << testSize
          << " the train split would be empty";
        throw Error(dataset.source(), s.str());
    }
    const std::vector<std::size_t> perm = numpyPermutation(n, seed);
    for (std::size_t k = 0; k < n; ++k) (k < nTest ? split.test : split.train).push_back(candidates[perm[k]]);
    return split;
}

} // namespace captioner
