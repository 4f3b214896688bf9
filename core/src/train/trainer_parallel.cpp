// The trainer's data-parallel steps (see process_group.h): what the ranks exchange per micro-batch
// and per optimizer step so that N processes end with the weights one process would compute from
// the same global batches.
#include "trainer_run.h"

#include "captioner/error.h"

#include <torch/torch.h>

#include <cstdio>
#include <exception>
#include <limits>

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

Trainer::Run::ShardedPass Trainer::Run::shardedPass(const torch::Tensor& pixels, const torch::Tensor& ids,
                                                    const torch::Tensor& mask) {
    const auto& params = optimizer->parameters();
    std::vector<torch::Tensor> inputs;
    inputs.reserve(params.size());
    for (const auto& p : params) inputs.push_back(p.tensor);
    const int64_t rows = ids.size(0);
    const int64_t shards = std::min<int64_t>(shardThreads->parts(), rows);
    // Label tokens per shard: the shards' mean losses weighted by
    // their share of the micro-batch's tokens give its mean loss, and the gradient of that.
    std::vector<int64_t> first(static_cast<size_t>(shards) + 1), tokens(static_cast<size_t>(shards));
    int64_t total = 0;
    for (int64_t k = 0; k <= shards; ++k) first[static_cast<size_t>(k)] = k * rows / shards;
    for (int64_t k = 0; k < shards; ++k) {
        tokens[static_cast<size_t>(k)] = detail::labelTokens(mask.narrow(0, first[k], first[k + 1] - first[k]));
        total += tokens[static_cast<size_t>(k)];
    }
    std::vector<double> losses(static_cast<size_t>(shards), 0.0);
    std::vector<std::vector<torch::Tensor>> grads(static_cast<size_t>(shards));
    std::vector<std::exception_ptr> errors(static_cast<size_t>(shards));
    shardThreads->run([&](int part) {
        const auto i = static_cast<size_t>(part);
        if (part >= shards || tokens[i] == 0) return;
        try {
            const int64_t n = first[i + 1] - first[i];
            const auto m = mask.narrow(0, first[i], n);
            const auto x = ids.narrow(0, first[i], n);
            torch::Tensor loss;
            {
                AutocastGuard autocast(device, o.precision);
                loss = ck.model->forward(pixels.narrow(0, first[i], n), x, m, labelsFor(x, m)).loss;
            }
            loss = loss.to(torch::kFloat);
            losses[i] = loss.item<double>();
            if (!std::isfinite(losses[i])) return; // the step is skipped: no gradient needed
            const double share = static_cast<double>(tokens[i]) / static_cast<double>(total);
            grads[i] = torch::autograd::grad({loss * share}, inputs, {}, /*retain_graph=*/false,
                                             /*create_graph=*/false, /*allow_unused=*/true);
        } catch (...) {
            errors[i] = std::current_exception();
        }
    });
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);

    ShardedPass pass;
    if (total == 0) { // as one forward's mean over no label at all: the step is skipped
        pass.loss = std::numeric_limits<double>::quiet_NaN();
        return pass;
    }
    pass.grads.resize(params.size());
    torch::NoGradGuard noGrad;
    // Summed in shard order: the first two shards' gradients added out of place, later ones in place.
    std::vector<int> terms(params.size(), 0);
    for (int64_t k = 0; k < shards; ++k) {
        const auto i = static_cast<size_t>(k);
        if (tokens[i] == 0) continue;
        pass.loss += losses[i] * static_cast<double>(tokens[i]) / static_cast<double>(total);
        for (size_t j = 0; j < grads[i].size(); ++j) {
            auto& g = grads[i][j];
            if (!g.defined()) continue;
            auto& sum = pass.grads[j];
            if (terms[j] == 0) sum = std::move(g);
            else if (terms[j] == 1) sum = sum + g;
            else sum.add_(g);
            ++terms[j];
        }
    }
    // A gradient autograd returned may be shared between parameters; taken alone it is copied, as
    // the optimizer and clipping change gradients in place.
    for (size_t j = 0; j < terms.size(); ++j)
        if (terms[j] == 1) pass.grads[j] = pass.grads[j].clone();
    return pass;
}

void Trainer::Run::addGradients(std::vector<torch::Tensor>& grads, double factor) {
    torch::NoGradGuard noGrad;
    const auto& params = optimizer->parameters();
    for (size_t j = 0; j < grads.size() && j < params.size(); ++j) {
        if (!grads[j].defined()) continue;
        auto p = params[j].tensor;
        if (p.grad().defined()) p.mutable_grad().add_(grads[j], factor);
        else if (factor == 1.0) p.mutable_grad() = std::move(grads[j]); // x * 1 is x: no copy
        else p.mutable_grad() = grads[j] * factor;
    }
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
