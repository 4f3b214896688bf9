#pragma once
// Seeded train/test split with the semantics of Hugging Face datasets'
// Dataset.train_test_split(test_size, seed=seed): n_test = ceil(test_size * n), the indices are
// permuted by numpy's np.random.default_rng(seed).permutation(n) (reproduced bit for bit: SeedSequence,
// PCG64 and Generator.shuffle's bounded Lemire draws), the first n_test of the permutation form the
// test split and the rest the train split, both in permutation order.
//
// Only usable items take part (at least one caption and not marked unreadable); the indices returned
// index CaptionDataset::items(). A dataset whose items already carry a "test" split (an imagefolder
// with test/) keeps it instead: train = items of split "train" or "", test = items of split "test"
// ("validation" items are used as test only when there is no "test" split), in item order.
#include <captioner/dataset.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace captioner {

struct DatasetSplit {
    std::vector<std::size_t> train, test;
    bool fromLayout = false; // true when the layout's own split folders were used
};

// Throws Error when testSize is not in (0, 1) or the train split would be empty (as datasets does).
DatasetSplit splitDataset(const CaptionDataset& dataset, double testSize = 0.1, std::uint64_t seed = 42);

// np.random.default_rng(seed).permutation(n), exactly. Exposed for tests and for seeded shuffling.
std::vector<std::size_t> numpyPermutation(std::size_t n, std::uint64_t seed);

} // namespace captioner
