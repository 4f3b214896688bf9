// The trainer's data-parallel steps (see process_group.h): what the ranks exchange per micro-batch
// and per optimizer step so that N processes end with the weights one process would compute from
// the same global batches.
#include "trainer_run.h"

#include "captioner/error.h"

#include <torch/torch.h>

#include <cstdio>

namespace captioner {

Trainer::Run::MicroStats Trainer::Run::shareMicroBatch(double localLoss, int64_t localTokens, int64_t localRows,
                                                       bool localNonFinite) {
    // [loss x tokens, tokens, rows, non-finite]; sums of whole numbers stay exact in double.
    auto t =
        torch::tensor({localNonFinite ? 0.0 : localLoss * static_cast<double>(localTokens),
                       static_cast<double>(localTokens), static_cast<double>(localRows), localNonFinite ? 1.0 : 0.0},
                      torch::kDouble);
    group->allReduceSum({t}, "sharing the loss of step " + std::to_string(state.globalStep + 1));
    const auto v = t.accessor<double, 1>();
    MicroStats s;
    s.nonFinite = v[3] > 0;
    s.rows = static_cast<int64_t>(v[2]);
    if (v[1] > 0) {
        s.loss = v[0] / v[1];
        s.weight = static_cast<double>(localTokens) / v[1];
    } else {
        s.loss = 0;
        s.weight = 0;
    }
    return s;
}

void Trainer::Run::sumGradients() {
    torch::NoGradGuard noGrad;
    const auto& params = optimizer->parameters();
    // A rank whose part of the batch was empty has no gradients at all: it sends zeros for every
    // parameter that has a gradient anywhere, and parameters with none anywhere stay without one
    // (so AdamW skips them on every rank alike).
    std::vector<int32_t> has(params.size());
    for (size_t i = 0; i < params.size(); ++i) has[i] = params[i].tensor.grad().defined() ? 1 : 0;
    auto anywhere = torch::tensor(has, torch::kInt);
    group->allReduceSum({anywhere}, "agreeing on the gradients of step " + std::to_string(state.globalStep + 1));
    const auto a = anywhere.accessor<int32_t, 1>();
    std::vector<torch::Tensor> grads;
    grads.reserve(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
        if (a[static_cast<int64_t>(i)] == 0) continue;
        auto p = params[i].tensor;
        if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
        grads.push_back(p.grad());
    }
    group->allReduceSum(grads, "summing the gradients of step " + std::to_string(state.globalStep + 1));
}

bool Trainer::Run::anyRankCancelled(bool local) {
    auto t = torch::tensor({local ? 1 : 0}, torch::kInt);
    group->allReduceSum({t}, "agreeing to go on at step " + std::to_string(state.globalStep + 1));
    return t.item<int32_t>() > 0;
}

void Trainer::Run::verifyIdenticalWeights() {
    // DDP's promise, checked rather than assumed: every rank holds the same bits at the end.
    torch::NoGradGuard noGrad;
    uint64_t h = 1469598103934665603ULL; // FNV-1a, 64-bit words
    for (const auto& p : ck.model->parameters()) {
        const auto t = p.detach().to(torch::kCPU).contiguous();
        const auto* bytes = static_cast<const unsigned char*>(t.data_ptr());
        const size_t n = static_cast<size_t>(t.numel()) * t.element_size();
        for (size_t i = 0; i < n; ++i) {
            h ^= bytes[i];
            h *= 1099511628211ULL;
        }
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    const auto all = group->allGatherStrings(hex);
    std::string list;
    bool same = true;
    for (size_t r = 0; r < all.size(); ++r) {
        list += (r ? ", " : "") + std::string("rank ") + std::to_string(r) + " " + all[r];
        same = same && all[r] == all.front();
    }
    if (!same)
        throw Error("distributed training",
                    "the weights differ between ranks at step " + std::to_string(state.globalStep) + " (" + list + ")");
    log("weights identical on all " + std::to_string(all.size()) + " ranks at step " +
        std::to_string(state.globalStep) + " (digest " + all.front() + ")");
}

} // namespace captioner
