#include "captioner/model_presets.h"

#include "captioner/error.h"

namespace captioner {

std::vector<std::string> presetNames() { return {"git-base", "tiny"}; }

GitConfig presetConfig(const std::string& name, std::optional<int64_t> vocabSize) {
    GitConfig c; // transformers' GitConfig defaults are git-base's architecture
    if (name == "git-base") {
        // Keys microsoft/git-base's config.json carries beyond the architecture, kept for a faithful save.
        c.extra = {{"architectures", {"GitForCausalLM"}}, {"classifier_dropout", nullptr}, {"torch_dtype", "float32"}};
        c.vision.extra = {{"dropout", 0.0}, {"initializer_factor", 1.0}, {"projection_dim", 512}};
    } else if (name == "tiny") {
        c.vision.imageSize = 64;
        c.vision.patchSize = 8;
        c.vision.hiddenSize = 64;
        c.vision.intermediateSize = 256;
        c.vision.numHiddenLayers = 2;
        c.vision.numAttentionHeads = 4;
        c.hiddenSize = 64;
        c.intermediateSize = 256;
        c.numHiddenLayers = 2;
        c.numAttentionHeads = 4;
        c.hiddenDropoutProb = 0.0;
        c.attentionProbsDropoutProb = 0.0;
        c.extra = {{"architectures", {"GitForCausalLM"}}, {"torch_dtype", "float32"}};
    } else {
        std::string valid;
        for (const auto& n : presetNames()) valid += (valid.empty() ? "" : ", ") + n;
        throw Error("model preset", "unknown preset '" + name + "' (valid: " + valid + ")");
    }
    if (vocabSize) {
        if (*vocabSize < 1) throw Error("model preset", "vocabulary size must be positive");
        c.vocabSize = *vocabSize;
    }
    return c;
}

} // namespace captioner
