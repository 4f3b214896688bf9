#pragma once
// The hyper-parameters of a Hugging Face GIT model (transformers' GitConfig with its nested
// GitVisionConfig), read from and written to config.json the way transformers does. Absent keys take
// transformers' defaults, because save_pretrained omits keys equal to them. Keys we do not use are kept
// in `extra` so that a load/save round trip loses nothing.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace captioner {

// The CLIP vision tower's settings (transformers' GitVisionConfig; defaults are git-base's).
struct GitVisionConfig {
    int64_t hiddenSize = 768;
    int64_t intermediateSize = 3072;
    int64_t numHiddenLayers = 12;
    int64_t numAttentionHeads = 12;
    int64_t numChannels = 3;
    int64_t imageSize = 224;
    int64_t patchSize = 16;
    std::string hiddenAct = "quick_gelu";
    double layerNormEps = 1e-5;
    double attentionDropout = 0.0;
    double initializerRange = 0.02;
    nlohmann::json extra = nlohmann::json::object(); // unknown keys, preserved verbatim

    int64_t numPatches() const { return (imageSize / patchSize) * (imageSize / patchSize); }
    int64_t numImageTokens() const { return numPatches() + 1; } // patches plus the class token
    bool operator==(const GitVisionConfig& other) const;
    bool operator!=(const GitVisionConfig& other) const { return !(*this == other); }
};

// The text decoder's settings plus the vision tower's (transformers' GitConfig).
struct GitConfig {
    int64_t vocabSize = 30522;
    int64_t hiddenSize = 768;
    int64_t numHiddenLayers = 6;
    int64_t numAttentionHeads = 12;
    int64_t intermediateSize = 3072;
    std::string hiddenAct = "gelu";
    double hiddenDropoutProb = 0.1;
    double attentionProbsDropoutProb = 0.1;
    int64_t maxPositionEmbeddings = 1024;
    double initializerRange = 0.02;
    double layerNormEps = 1e-12;
    int64_t padTokenId = 0;
    int64_t bosTokenId = 101;
    int64_t eosTokenId = 102;
    std::string positionEmbeddingType = "absolute";
    bool useCache = true;
    bool tieWordEmbeddings = false;
    std::optional<int64_t> numImageWithEmbedding; // video GIT only; refused by the loader
    GitVisionConfig vision;
    nlohmann::json extra = nlohmann::json::object(); // architectures, torch_dtype, transformers_version, ...

    bool operator==(const GitConfig& other) const;
    bool operator!=(const GitConfig& other) const { return !(*this == other); }
};

// Absent keys = transformers' defaults. Throws Error(sourceForErrors, reason) for a model_type other than
// "git", wrongly typed or out-of-range values (naming the key) and settings this implementation does not
// support (relative position embeddings, video GIT, tied output weights, unknown activations).
GitConfig gitConfigFromJson(const nlohmann::json& j, const std::string& sourceForErrors);
GitConfig loadGitConfig(const std::string& configJsonPath);

// config.json as transformers' save_pretrained writes it: every text key, vision_config with only the
// keys that differ from GitVisionConfig's defaults plus model_type "git_vision_model", sorted keys.
nlohmann::json gitConfigToJson(const GitConfig& config);

// The activation names transformers' ACT2FN accepts and this implementation computes.
bool isSupportedActivation(const std::string& name);

} // namespace captioner
