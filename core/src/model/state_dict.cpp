// HF state-dict names in and out of GitForCausalLM, and transformers' weight initialisation.
#include "captioner/error.h"
#include "captioner/git_model.h"
#include "model/git_modules.h"

#include <set>
#include <sstream>

namespace captioner {
namespace {

std::string shapeText(at::IntArrayRef sizes) {
    std::ostringstream s;
    s << '[';
    for (size_t i = 0; i < sizes.size(); ++i) s << (i ? ", " : "") << sizes[i];
    s << ']';
    return s.str();
}

// Buffers that transformers before 4.31 saved and that 4.46 drops silently when loading.
bool isIgnoredBuffer(const std::string& name) {
    return name == "git.embeddings.position_ids" || name == "git.image_encoder.vision_model.embeddings.position_ids";
}

std::string joinList(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

} // namespace

std::vector<std::pair<std::string, torch::Tensor>> GitForCausalLMImpl::namedTensorsHf() const {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
    return out;
}

void GitForCausalLMImpl::checkStateDict(const std::map<std::string, torch::Tensor>& tensors,
                                        const std::string& sourcePath) const {
    const auto params = named_parameters(true);
    std::vector<std::string> missing, unexpected, misshaped, badType;
    for (const auto& item : params) {
        auto it = tensors.find(item.key());
        if (it == tensors.end()) {
            missing.push_back(item.key() + " " + shapeText(item.value().sizes()));
            continue;
        }
        const auto& t = it->second;
        if (!t.defined() || t.sizes() != item.value().sizes())
            misshaped.push_back(item.key() + " (file " + (t.defined() ? shapeText(t.sizes()) : "undefined") +
                                ", model " + shapeText(item.value().sizes()) + ")");
        else if (!at::isFloatingType(t.scalar_type()))
            badType.push_back(item.key() + " (" + std::string(c10::toString(t.scalar_type())) + ")");
    }
    for (const auto& [name, tensor] : tensors)
        if (!params.contains(name) && !isIgnoredBuffer(name))
            unexpected.push_back(name + " " + shapeText(tensor.sizes()));

    if (!missing.empty() || !unexpected.empty() || !misshaped.empty() || !badType.empty()) {
        std::string reason = "weights do not match the GIT model built from its config";
        if (!missing.empty()) reason += "; missing tensors: " + joinList(missing);
        if (!unexpected.empty()) reason += "; unexpected tensors: " + joinList(unexpected);
        if (!misshaped.empty()) reason += "; mis-shaped tensors: " + joinList(misshaped);
        if (!badType.empty()) reason += "; tensors that are not floating point: " + joinList(badType);
        throw Error(sourcePath, reason);
    }
}

void GitForCausalLMImpl::loadStateDict(const std::map<std::string, torch::Tensor>& tensors,
                                       const std::string& sourcePath) {
    checkStateDict(tensors, sourcePath);
    auto params = named_parameters(true);
    torch::NoGradGuard noGrad;
    for (auto& item : params)
        item.value().copy_(tensors.at(item.key()).to(item.value().device(), item.value().scalar_type()));
}

void initializeWeights(GitForCausalLM& model, uint64_t seed) {
    torch::NoGradGuard noGrad;
    auto generator = at::detail::createCPUGenerator(seed);
    const GitConfig& c = model->config();
    // Draw on the CPU with our own generator so results do not depend on the global seed or the device.
    auto normal = [&](torch::Tensor& t, double std) {
        auto cpu = torch::empty(t.sizes(), torch::kFloat32);
        cpu.normal_(0.0, std, generator);
        t.copy_(cpu);
    };
    for (auto& item : model->named_parameters(true)) {
        const std::string& name = item.key();
        torch::Tensor& t = item.value();
        const bool vision = name.rfind("git.image_encoder.", 0) == 0;
        const double range = vision ? c.vision.initializerRange : c.initializerRange;
        const bool isNorm =
            name.find("LayerNorm") != std::string::npos || name.find("layer_norm") != std::string::npos ||
            name.find("layrnorm") != std::string::npos || name.find("post_layernorm") != std::string::npos ||
            name.rfind("git.visual_projection.visual_projection.1.", 0) == 0;
        const bool isBias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
        if (isNorm) isBias ? t.zero_() : t.fill_(1.0);
        else if (isBias) t.zero_();
        else normal(t, range);
    }
    // nn.Embedding(padding_idx=pad) rows are zeroed by transformers' init.
    for (auto& item : model->named_parameters(true))
        if (item.key() == "git.embeddings.word_embeddings.weight") item.value()[c.padTokenId].zero_();
}

void initVisionPositionsSinCos(GitForCausalLM& model, double std) {
    const GitVisionConfig& v = model->config().vision;
    const int64_t d = v.hiddenSize, grid = v.imageSize / v.patchSize, quarter = d / 4;
    if (d % 4 != 0) throw Error("vision_config", "hidden_size " + std::to_string(d) + " is not divisible by 4");
    // Each axis gets sin and cos at `quarter` frequencies, geometric from 1 to 1/10000 as in the Transformer.
    auto table = torch::zeros({v.numImageTokens(), d}, torch::kFloat64);
    auto t = table.accessor<double, 2>();
    for (int64_t patch = 0; patch < grid * grid; ++patch) {
        const double coord[2] = {double(patch % grid), double(patch / grid)}; // x, y (row-major patches)
        for (int axis = 0; axis < 2; ++axis)
            for (int64_t k = 0; k < quarter; ++k) {
                const double angle = coord[axis] * std::pow(10000.0, -double(k) / double(quarter));
                t[patch + 1][axis * 2 * quarter + k] = std::sin(angle);
                t[patch + 1][axis * 2 * quarter + quarter + k] = std::cos(angle);
            }
    }
    // Over all patch rows every entry has mean square 1/2 (sin^2 + cos^2 = 1 per pair).
    table.mul_(std / std::sqrt(0.5));
    torch::NoGradGuard noGrad;
    for (auto& item : model->named_parameters(true))
        if (item.key() == "git.image_encoder.vision_model.embeddings.position_embedding.weight")
            item.value().copy_(table.to(item.value().options()));
}

} // namespace captioner
