#include "captioner/generation.h"

#include "captioner/error.h"
#include "model/decoding_strategies.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <dlfcn.h>

namespace captioner {
namespace detail {

std::vector<std::vector<int64_t>> greedySearch(TextStepper& stepper, int64_t images, const GenerationOptions& opts,
                                               const torch::Device& device, std::vector<std::vector<float>>* probs,
                                               std::vector<std::vector<std::vector<float>>>* attention) {
    std::vector<std::vector<int64_t>> seqs(static_cast<size_t>(images), {opts.bosTokenId});
    if (probs) probs->assign(static_cast<size_t>(images), {});
    if (attention) attention->assign(static_cast<size_t>(images), {});
    std::vector<int64_t> active(static_cast<size_t>(images)), tokens(static_cast<size_t>(images), opts.bosTokenId);
    for (int64_t i = 0; i < images; ++i) active[static_cast<size_t>(i)] = i;
    for (int64_t curLen = 1; curLen < opts.maxLength;) {
        if (opts.shouldCancel && opts.shouldCancel()) return {};
        auto logits = stepper.step(torch::tensor(tokens, torch::kLong).to(device));
        auto nextOnDevice = logits.argmax(-1);
        torch::Tensor chosenProb;
        if (probs) // softmax at the chosen (maximal) logit m: exp(m - m) / sum(exp(logits - m)), one pass
            chosenProb = (logits - logits.gather(1, nextOnDevice.unsqueeze(1)))
                             .exp_()
                             .sum(-1)
                             .reciprocal_()
                             .to(torch::kCPU)
                             .contiguous();
        torch::Tensor onImage; // [active, numImageTokens] float32 on the CPU
        if (attention) onImage = stepper.imageAttention().to(torch::kCPU).contiguous();
        auto next = nextOnDevice.to(torch::kCPU);
        const int64_t* nextPtr = next.data_ptr<int64_t>();
        std::vector<int64_t> keep;
        for (size_t a = 0; a < active.size(); ++a) {
            seqs[static_cast<size_t>(active[a])].push_back(nextPtr[a]);
            if (probs) (*probs)[static_cast<size_t>(active[a])].push_back(chosenProb.data_ptr<float>()[a]);
            if (attention) {
                const float* row = onImage.data_ptr<float>() + static_cast<int64_t>(a) * onImage.size(1);
                (*attention)[static_cast<size_t>(active[a])].emplace_back(row, row + onImage.size(1));
            }
            tokens[a] = nextPtr[a];
            if (nextPtr[a] != opts.eosTokenId) keep.push_back(static_cast<int64_t>(a));
        }
        ++curLen;
        if (keep.empty() || curLen >= opts.maxLength) break;
        if (keep.size() < active.size()) {
            stepper.keepImages(keep);
            std::vector<int64_t> keptActive, keptTokens;
            for (int64_t a : keep) {
                keptActive.push_back(active[static_cast<size_t>(a)]);
                keptTokens.push_back(tokens[static_cast<size_t>(a)]);
            }
            active = std::move(keptActive);
            tokens = std::move(keptTokens);
        }
    }
    return seqs;
}

} // namespace detail

namespace {

// generate() always decodes in eval mode; training code may call it between steps.
class EvalModeScope {
public:
    explicit EvalModeScope(GitForCausalLM& model) : m_model(model), m_wasTraining(model->is_training()) {
        if (m_wasTraining) m_model->eval();
    }
    ~EvalModeScope() {
        if (m_wasTraining) m_model->train();
    }
    EvalModeScope(const EvalModeScope&) = delete;
    EvalModeScope& operator=(const EvalModeScope&) = delete;

private:
    GitForCausalLM& m_model;
    bool m_wasTraining;
};

void validate(const GitConfig& c, const torch::Tensor& pixelValues, const GenerationOptions& o) {
    const std::string subject = "generation options";
    if (o.maxLength < 2) throw Error(subject, "maxLength must be at least 2 (it counts the start token)");
    if (o.maxLength > c.maxPositionEmbeddings)
        throw Error(subject, "maxLength " + std::to_string(o.maxLength) +
                                 " exceeds the model's max_position_embeddings (" +
                                 std::to_string(c.maxPositionEmbeddings) + ")");
    if (o.numBeams < 1) throw Error(subject, "numBeams must be at least 1");
    if (2 * static_cast<int64_t>(o.numBeams) > c.vocabSize) // beam search ranks 2 * numBeams candidates
        throw Error(subject, "numBeams " + std::to_string(o.numBeams) + " needs a vocabulary of at least " +
                                 std::to_string(2 * o.numBeams) + " tokens");
    if (o.numReturnSequences < 1 || o.numReturnSequences > o.numBeams)
        throw Error(subject, "numReturnSequences must be between 1 and numBeams (" + std::to_string(o.numBeams) +
                                 "); greedy search returns one sequence");
    auto checkId = [&](int64_t id, bool mayBeNone) {
        if (id == GenerationOptions::kUnsetTokenId)
            throw Error(subject, "token ids are unset: start from defaultGenerationOptions(config) or "
                                 "captionOptionsFor(checkpoint), which take them from the model");
        if ((id < 0 && !(mayBeNone && id == GenerationOptions::kNoEndToken)) || id >= c.vocabSize)
            throw Error(subject, "token id " + std::to_string(id) + " is outside the vocabulary (size " +
                                     std::to_string(c.vocabSize) + ")");
    };
    checkId(o.bosTokenId, false);
    checkId(o.eosTokenId, true);
    checkId(o.padTokenId, false);
    if (pixelValues.dim() != 4 || pixelValues.size(0) < 1)
        throw Error("pixel_values", "must have shape [batch, channels, height, width] with at least one image");
}

} // namespace

GenerationOptions defaultGenerationOptions(const GitConfig& config) {
    GenerationOptions o;
    o.bosTokenId = config.bosTokenId;
    o.eosTokenId = config.eosTokenId;
    o.padTokenId = config.padTokenId;
    return o;
}

namespace {

// While decoding a single row (batch-1 greedy search) on the CPU, LibTorch and OpenBLAS run with half the
// threads (at least one) and get the previous count back afterwards. That step is matrix-vector products
// over every weight, bound by memory bandwidth: on the 2-core machine of issue 19 one core already draws all
// of it (256 MB summed at 21 GB/s with one thread and with two), and a second thread only adds the pools'
// hand-offs: the full git-base step's weights took 20 ms through gemv with one thread and 24 ms with two,
// and on a machine loaded by other work two threads were 10x slower than one (bench/step_bench). The vision
// encoder and the prefill, matrix-matrix products, run before this with every configured thread.
class SingleRowDecodeThreads {
public:
    explicit SingleRowDecodeThreads(bool singleRowOnCpu) {
        m_previous = at::get_num_threads();
        const int wanted = std::max(1, m_previous / 2);
        if (!singleRowOnCpu || wanted == m_previous) return;
        m_active = true;
        at::set_num_threads(wanted);
        if (const auto getBlas = blasFunction<int (*)()>("openblas_get_num_threads")) m_previousBlas = getBlas();
        setBlasThreads(wanted);
    }
    ~SingleRowDecodeThreads() {
        if (!m_active) return;
        at::set_num_threads(m_previous);
        setBlasThreads(m_previousBlas > 0 ? m_previousBlas : m_previous);
    }
    SingleRowDecodeThreads(const SingleRowDecodeThreads&) = delete;
    SingleRowDecodeThreads& operator=(const SingleRowDecodeThreads&) = delete;

private:
    // OpenBLAS keeps its own pool, looked up at run time as runtime.cpp's configureThreads does (the BLAS
    // LibTorch uses is Debian's alternatives' choice, not a link-time one).
    template <class F> static F blasFunction(const char* name) {
        return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
    }
    static void setBlasThreads(int n) {
        if (const auto set = blasFunction<void (*)(int)>("openblas_set_num_threads")) set(n);
    }
    bool m_active = false;
    int m_previous = 1, m_previousBlas = 0;
};

std::vector<std::vector<int64_t>> run(GitForCausalLM& model, const torch::Tensor& pixelValues,
                                      const GenerationOptions& opts, std::vector<std::vector<float>>* probs,
                                      std::vector<std::vector<std::vector<float>>>* attention = nullptr) {
    validate(model->config(), pixelValues, opts);
    EvalModeScope evalMode(model);
    c10::InferenceMode inference;
    const auto& weight = model->outputWeight();
    auto pixels = pixelValues.to(weight.device());
    const int64_t images = pixels.size(0);
    std::unique_ptr<detail::TextStepper> stepper =
        opts.useCache ? detail::makeCachedStepper(*model, pixels, opts.numBeams, opts.maxLength)
                      : detail::makeFullStepper(*model, pixels, opts.numBeams);
    if (attention) stepper->captureImageAttention(opts.imageAttention);
    SingleRowDecodeThreads decodeThreads(opts.useCache && images * opts.numBeams == 1 && weight.device().is_cpu());
    return opts.numBeams == 1 ? detail::greedySearch(*stepper, images, opts, weight.device(), probs, attention)
                              : detail::beamSearch(*stepper, images, opts, weight.device(), probs);
}

} // namespace

std::vector<std::vector<int64_t>> generate(GitForCausalLM& model, const torch::Tensor& pixelValues,
                                           const GenerationOptions& opts) {
    return run(model, pixelValues, opts, nullptr);
}

GenerationResult generateWithProbabilities(GitForCausalLM& model, const torch::Tensor& pixelValues,
                                           const GenerationOptions& opts) {
    GenerationResult result;
    const bool attention = opts.imageAttention != ImageAttention::None;
    if (attention && opts.numBeams != 1)
        throw Error("generation options", "image attention maps (heatmaps) are computed for greedy search only; use "
                                          "numBeams 1 (got " +
                                              std::to_string(opts.numBeams) + ")");
    result.sequences =
        run(model, pixelValues, opts, &result.tokenProbabilities, attention ? &result.imageAttention : nullptr);
    if (result.sequences.empty()) {
        result.tokenProbabilities.clear();
        result.imageAttention.clear();
    }
    return result;
}

} // namespace captioner
