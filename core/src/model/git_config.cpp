#include "captioner/git_config.h"

#include "captioner/error.h"
#include "util/file_io.h"

#include <set>
#include <sstream>

namespace captioner {
namespace {

// Names transformers' ACT2FN maps (activations.py, 4.46).
const std::set<std::string>& activationNames() {
    static const std::set<std::string> names = {
        "gelu",          "gelu_10", "gelu_fast",  "gelu_new", "gelu_python", "gelu_pytorch_tanh",
        "gelu_accurate", "laplace", "leaky_relu", "linear",   "mish",        "quick_gelu",
        "relu",          "relu2",   "relu6",      "sigmoid",  "silu",        "swish",
        "tanh"};
    return names;
}

// Reads typed values from one JSON object, naming the offending key (with its section) on errors.
class FieldReader {
public:
    FieldReader(const nlohmann::json& obj, std::string source, std::string section)
        : m_obj(obj), m_source(std::move(source)), m_section(std::move(section)) {}

    [[noreturn]] void fail(const std::string& key, const std::string& what) const {
        throw Error(m_source, "config key '" + m_section + key + "' " + what);
    }
    bool has(const std::string& key) const { return m_obj.contains(key) && !m_obj.at(key).is_null(); }
    void consume(const std::string& key) { m_used.insert(key); }

    void integer(const std::string& key, int64_t& out, int64_t minimum) {
        consume(key);
        if (!has(key)) return;
        const auto& v = m_obj.at(key);
        if (v.is_number_integer() || v.is_number_unsigned()) {
            out = v.get<int64_t>();
        } else if (v.is_number_float() &&
                   v.get<double>() == static_cast<double>(static_cast<int64_t>(v.get<double>()))) {
            out = static_cast<int64_t>(v.get<double>());
        } else {
            fail(key, "must be an integer, got " + v.dump());
        }
        if (out < minimum) fail(key, "must be at least " + std::to_string(minimum) + ", got " + std::to_string(out));
    }
    void number(const std::string& key, double& out, double minimum, double maximum) {
        consume(key);
        if (!has(key)) return;
        const auto& v = m_obj.at(key);
        if (!v.is_number()) fail(key, "must be a number, got " + v.dump());
        out = v.get<double>();
        if (!(out >= minimum && out <= maximum)) {
            std::ostringstream s;
            s << "must be in [" << minimum << ", " << maximum << "], got " << v.dump();
            fail(key, s.str());
        }
    }
    void text(const std::string& key, std::string& out) {
        consume(key);
        if (!has(key)) return;
        const auto& v = m_obj.at(key);
        if (!v.is_string()) fail(key, "must be a string, got " + v.dump());
        out = v.get<std::string>();
    }
    void boolean(const std::string& key, bool& out) {
        consume(key);
        if (!has(key)) return;
        const auto& v = m_obj.at(key);
        if (!v.is_boolean()) fail(key, "must be true or false, got " + v.dump());
        out = v.get<bool>();
    }
    void activation(const std::string& key, std::string& out) {
        text(key, out);
        if (!isSupportedActivation(out)) {
            std::string list;
            for (const auto& n : activationNames()) list += (list.empty() ? "" : ", ") + n;
            fail(key, "names unknown activation '" + out + "' (supported: " + list + ")");
        }
    }
    nlohmann::json unused() const {
        nlohmann::json extra = nlohmann::json::object();
        for (auto it = m_obj.begin(); it != m_obj.end(); ++it)
            if (!m_used.count(it.key())) extra[it.key()] = it.value();
        return extra;
    }

private:
    const nlohmann::json& m_obj;
    std::string m_source;
    std::string m_section;
    std::set<std::string> m_used;
};

GitVisionConfig visionFromJson(const nlohmann::json& j, const std::string& source) {
    GitVisionConfig v;
    if (!j.is_object()) throw Error(source, "config key 'vision_config' must be an object, got " + j.dump());
    FieldReader r(j, source, "vision_config.");
    r.consume("model_type"); // "git_vision_model" when written by transformers; informational only
    r.integer("hidden_size", v.hiddenSize, 1);
    r.integer("intermediate_size", v.intermediateSize, 1);
    r.integer("num_hidden_layers", v.numHiddenLayers, 0);
    r.integer("num_attention_heads", v.numAttentionHeads, 1);
    r.integer("num_channels", v.numChannels, 1);
    r.integer("image_size", v.imageSize, 1);
    r.integer("patch_size", v.patchSize, 1);
    r.activation("hidden_act", v.hiddenAct);
    r.number("layer_norm_eps", v.layerNormEps, 0.0, 1.0);
    r.number("attention_dropout", v.attentionDropout, 0.0, 1.0);
    r.number("initializer_range", v.initializerRange, 0.0, 1e9);
    if (v.hiddenSize % v.numAttentionHeads != 0)
        r.fail("hidden_size", "(" + std::to_string(v.hiddenSize) + ") must be a multiple of num_attention_heads (" +
                                  std::to_string(v.numAttentionHeads) + ")");
    // transformers counts image tokens as (image_size / patch_size)^2 + 1 in float arithmetic for the text
    // side but with integer division in the vision tower; only whole patches keep the two in agreement.
    if (v.imageSize % v.patchSize != 0)
        r.fail("image_size", "(" + std::to_string(v.imageSize) + ") must be a multiple of patch_size (" +
                                 std::to_string(v.patchSize) + ")");
    v.extra = r.unused();
    v.extra.erase("model_type");
    return v;
}

nlohmann::json visionToJson(const GitVisionConfig& v) {
    const GitVisionConfig d;
    nlohmann::json j = v.extra.is_object() ? v.extra : nlohmann::json::object();
    // save_pretrained writes a nested config as its diff against the class defaults.
    if (v.hiddenSize != d.hiddenSize) j["hidden_size"] = v.hiddenSize;
    if (v.intermediateSize != d.intermediateSize) j["intermediate_size"] = v.intermediateSize;
    if (v.numHiddenLayers != d.numHiddenLayers) j["num_hidden_layers"] = v.numHiddenLayers;
    if (v.numAttentionHeads != d.numAttentionHeads) j["num_attention_heads"] = v.numAttentionHeads;
    if (v.numChannels != d.numChannels) j["num_channels"] = v.numChannels;
    if (v.imageSize != d.imageSize) j["image_size"] = v.imageSize;
    if (v.patchSize != d.patchSize) j["patch_size"] = v.patchSize;
    if (v.hiddenAct != d.hiddenAct) j["hidden_act"] = v.hiddenAct;
    if (v.layerNormEps != d.layerNormEps) j["layer_norm_eps"] = v.layerNormEps;
    if (v.attentionDropout != d.attentionDropout) j["attention_dropout"] = v.attentionDropout;
    if (v.initializerRange != d.initializerRange) j["initializer_range"] = v.initializerRange;
    j["model_type"] = "git_vision_model";
    return j;
}

} // namespace

bool isSupportedActivation(const std::string& name) { return activationNames().count(name) != 0; }

bool GitVisionConfig::operator==(const GitVisionConfig& o) const {
    return hiddenSize == o.hiddenSize && intermediateSize == o.intermediateSize &&
           numHiddenLayers == o.numHiddenLayers && numAttentionHeads == o.numAttentionHeads &&
           numChannels == o.numChannels && imageSize == o.imageSize && patchSize == o.patchSize &&
           hiddenAct == o.hiddenAct && layerNormEps == o.layerNormEps && attentionDropout == o.attentionDropout &&
           initializerRange == o.initializerRange && extra == o.extra;
}

bool GitConfig::operator==(const GitConfig& o) const {
    return vocabSize == o.vocabSize && hiddenSize == o.hiddenSize && numHiddenLayers == o.numHiddenLayers &&
           numAttentionHeads == o.numAttentionHeads && intermediateSize == o.intermediateSize &&
           hiddenAct == o.hiddenAct && hiddenDropoutProb == o.hiddenDropoutProb &&
           attentionProbsDropoutProb == o.attentionProbsDropoutProb &&
           maxPositionEmbeddings == o.maxPositionEmbeddings && initializerRange == o.initializerRange &&
           layerNormEps == o.layerNormEps && padTokenId == o.padTokenId && bosTokenId == o.bosTokenId &&
           eosTokenId == o.eosTokenId && positionEmbeddingType == o.positionEmbeddingType && useCache == o.useCache &&
           tieWordEmbeddings == o.tieWordEmbeddings && numImageWithEmbedding == o.numImageWithEmbedding &&
           vision == o.vision && extra == o.extra;
}

GitConfig gitConfigFromJson(const nlohmann::json& j, const std::string& source) {
    if (!j.is_object()) throw Error(source, "config must be a JSON object");
    if (!j.contains("model_type") || !j.at("model_type").is_string())
        throw Error(source, "config has no model_type; a GIT config.json has model_type \"git\"");
    const std::string modelType = j.at("model_type").get<std::string>();
    if (modelType != "git") throw Error(source, "model_type '" + modelType + "' is not a GIT model (expected \"git\")");

    GitConfig c;
    FieldReader r(j, source, "");
    r.consume("model_type");
    r.integer("vocab_size", c.vocabSize, 1);
    r.integer("hidden_size", c.hiddenSize, 1);
    r.integer("num_hidden_layers", c.numHiddenLayers, 0);
    r.integer("num_attention_heads", c.numAttentionHeads, 1);
    r.integer("intermediate_size", c.intermediateSize, 1);
    r.activation("hidden_act", c.hiddenAct);
    r.number("hidden_dropout_prob", c.hiddenDropoutProb, 0.0, 1.0);
    r.number("attention_probs_dropout_prob", c.attentionProbsDropoutProb, 0.0, 1.0);
    r.integer("max_position_embeddings", c.maxPositionEmbeddings, 1);
    r.number("initializer_range", c.initializerRange, 0.0, 1e9);
    r.number("layer_norm_eps", c.layerNormEps, 0.0, 1.0);
    r.integer("pad_token_id", c.padTokenId, 0);
    r.integer("bos_token_id", c.bosTokenId, 0);
    r.integer("eos_token_id", c.eosTokenId, 0);
    r.text("position_embedding_type", c.positionEmbeddingType);
    r.boolean("use_cache", c.useCache);
    r.boolean("tie_word_embeddings", c.tieWordEmbeddings);
    r.consume("num_image_with_embedding");
    if (r.has("num_image_with_embedding")) {
        int64_t n = 0;
        r.integer("num_image_with_embedding", n, 1);
        c.numImageWithEmbedding = n;
    }
    r.consume("vision_config");
    if (r.has("vision_config")) c.vision = visionFromJson(j.at("vision_config"), source);

    for (const auto& [key, value] : {std::pair<const char*, int64_t>{"pad_token_id", c.padTokenId},
                                     {"bos_token_id", c.bosTokenId},
                                     {"eos_token_id", c.eosTokenId}})
        if (value >= c.vocabSize)
            r.fail(key,
                   "(" + std::to_string(value) + ") must be below vocab_size (" + std::to_string(c.vocabSize) + ")");
    if (c.hiddenSize % c.numAttentionHeads != 0)
        r.fail("hidden_size", "(" + std::to_string(c.hiddenSize) + ") must be a multiple of num_attention_heads (" +
                                  std::to_string(c.numAttentionHeads) + ")");
    if (c.positionEmbeddingType != "absolute")
        r.fail("position_embedding_type",
               "'" + c.positionEmbeddingType +
                   "' is not supported (only \"absolute\", as every released GIT model uses)");
    if (c.numImageWithEmbedding)
        r.fail("num_image_with_embedding", "is set: video GIT models (several frames per input) are not supported");
    if (c.tieWordEmbeddings)
        r.fail("tie_word_embeddings",
               "is true: GIT models with output weights tied to the word embeddings are not supported");
    c.extra = r.unused();
    return c;
}

GitConfig loadGitConfig(const std::string& path) {
    const std::string text = detail::readWholeFile(path, "cannot open the model configuration file");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("is not valid JSON: ") + e.what());
    }
    return gitConfigFromJson(j, path);
}

nlohmann::json gitConfigToJson(const GitConfig& c) {
    nlohmann::json j = c.extra.is_object() ? c.extra : nlohmann::json::object();
    if (!j.contains("architectures")) j["architectures"] = nlohmann::json::array({"GitForCausalLM"});
    if (!j.contains("torch_dtype")) j["torch_dtype"] = "float32";
    if (!j.contains("transformers_version")) j["transformers_version"] = "4.46.0";
    j["model_type"] = "git";
    j["vocab_size"] = c.vocabSize;
    j["hidden_size"] = c.hiddenSize;
    j["num_hidden_layers"] = c.numHiddenLayers;
    j["num_attention_heads"] = c.numAttentionHeads;
    j["intermediate_size"] = c.intermediateSize;
    j["hidden_act"] = c.hiddenAct;
    j["hidden_dropout_prob"] = c.hiddenDropoutProb;
    j["attention_probs_dropout_prob"] = c.attentionProbsDropoutProb;
    j["max_position_embeddings"] = c.maxPositionEmbeddings;
    j["initializer_range"] = c.initializerRange;
    j["layer_norm_eps"] = c.layerNormEps;
    j["pad_token_id"] = c.padTokenId;
    j["bos_token_id"] = c.bosTokenId;
    j["eos_token_id"] = c.eosTokenId;
    j["position_embedding_type"] = c.positionEmbeddingType;
    j["use_cache"] = c.useCache;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    j["num_image_with_embedding"] =
        c.numImageWithEmbedding ? nlohmann::json(*c.numImageWithEmbedding) : nlohmann::json();
    j["vision_config"] = visionToJson(c.vision);
    return j;
}

} // namespace captioner
