#include "captioner/precision_agreement.h"

#include "captioner/error.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>

namespace captioner {

PrecisionAgreement& PrecisionAgreement::operator+=(const PrecisionAgreement& other) {
    images += other.images;
    identicalImages += other.identicalImages;
    tokens += other.tokens;
    agreeingTokens += other.agreeingTokens;
    maxLogitDifference = std::max(maxLogitDifference, other.maxLogitDifference);
    maxAbsLogit = std::max(maxAbsLogit, other.maxAbsLogit);
    return *this;
}

PrecisionAgreement compareSequences(const std::vector<std::vector<int64_t>>& reference,
                                    const std::vector<std::vector<int64_t>>& other) {
    if (reference.size() != other.size())
        throw Error("precision agreement", std::to_string(reference.size()) + " reference sequences but " +
                                               std::to_string(other.size()) + " to compare");
    PrecisionAgreement a;
    for (size_t i = 0; i < reference.size(); ++i) {
        const auto& r = reference[i];
        const auto& o = other[i];
        ++a.images;
        if (r == o) ++a.identicalImages;
        const size_t n = std::max(r.size(), o.size());
        a.tokens += static_cast<int64_t>(n);
        for (size_t t = 0; t < std::min(r.size(), o.size()); ++t)
            if (r[t] == o[t]) ++a.agreeingTokens;
    }
    return a;
}

PrecisionAgreement comparePrecision(GitForCausalLM& fp32Model, GitForCausalLM& otherModel,
                                    const torch::Tensor& pixelValues, const GenerationOptions& opts) {
    GenerationOptions greedy = opts;
    greedy.numBeams = 1;
    greedy.numReturnSequences = 1;
    const auto reference = generate(fp32Model, pixelValues, greedy);
    const auto other = generate(otherModel, pixelValues, greedy);
    PrecisionAgreement a = compareSequences(reference, other);
    c10::InferenceMode inference;
    const bool wasTraining = fp32Model->is_training(), otherWasTraining = otherModel->is_training();
    fp32Model->eval();
    otherModel->eval();
    for (size_t i = 0; i < reference.size(); ++i) {
        auto ids = torch::tensor(reference[i], torch::kLong).unsqueeze(0).to(pixelValues.device());
        auto pixels = pixelValues.narrow(0, static_cast<int64_t>(i), 1);
        const int64_t length = ids.size(1);
        auto want = fp32Model->forward(pixels, ids).logits.to(torch::kFloat32);
        auto got = otherModel->forward(pixels, ids).logits.to(torch::kFloat32);
        want = want.narrow(1, want.size(1) - length, length);
        got = got.narrow(1, got.size(1) - length, length);
        a.maxLogitDifference = std::max(a.maxLogitDifference, (got - want).abs().max().item<double>());
        a.maxAbsLogit = std::max(a.maxAbsLogit, want.abs().max().item<double>());
    }
    fp32Model->train(wasTraining);
    otherModel->train(otherWasTraining);
    return a;
}

} // namespace captioner
