#pragma once
// Evaluation in parts, for data-parallel runs: each process evaluates a contiguous part of the
// examples, the parts travel as JSON, and combining them in order gives the metrics one process would
// compute over all examples (corpus-level WER, BLEU and CIDEr need every caption, not per-part means).
// evaluateCheckpoint is the one-part case. Internal to the core.
#include "captioner/evaluation.h"

#include <cstdint>
#include <string>
#include <vector>

namespace captioner::detail {

struct EvalPart {
    double lossSum = 0; // batch-mean loss x rows, summed
    int64_t count = 0;
    std::vector<std::string> tfPredictions, tfReferences; // teacher-forced, per image
    std::vector<std::string> predictions, firstRefs;      // generated, per image generated
    std::vector<std::vector<std::string>> allRefs;
    std::vector<EvalSample> samples;
    std::vector<std::string> skipped;
    bool cancelled = false;
};

// Examples [begin, end) of `examples`; generateLimit and sampleCount count from the first example
// of all, so the parts together generate for and sample the same images as one pass.
EvalPart evaluatePart(GitCheckpoint& checkpoint, const std::vector<EvalExample>& examples, size_t begin, size_t end,
                      const EvalOptions& options);
// Throws Error when no image at all could be evaluated (and nothing was cancelled).
EvalResult combineEvalParts(const std::vector<EvalPart>& parts, size_t exampleCount, const EvalOptions& options);

std::string serializeEvalPart(const EvalPart& part);
EvalPart deserializeEvalPart(const std::string& json);

} // namespace captioner::detail
