#include "captioner/generation.h"

#include "captioner/error.h"
#include "captioner/runtime.h"
#include "model/git_modules.h"
#include "model/row_gemv.h"
#include "model/decoding_strategies.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>

namespace captioner {
namespace detail {

std::vector<std::vector<int64_t>> greedySearch(TextStepper& stepper, int64_t images, const GenerationOptions& opts,
                                               const torch::Device& device, std::vector<std::vector<float>>* probs,
                                               std::vector<std::vector<std::vector<float>>>* attention,
                                               StepObserver* observer) {
    std::vector<std::vector<int64_t>> seqs(static_cast<size_t>(images), {opts.bosTokenId});
    if (probs) probs->assign(static_cast<size_t>(images), {});
    if (attention) attention->assign(static_cast<size_t>(images), {});
    std::vector<int64_t> active(static_cast<size_t>(images)), tokens(static_cast<size_t>(images), opts.bosTokenId);
    for (int64_t i = 0; i < images; ++i) active[static_cast<size_t>(i)] = i;
    for (int64_t curLen = 1; curLen < opts.maxLength;) {
        if (opts.shouldCancel && opts.shouldCancel()) return {};
        if (observer) observer->beforeStep();
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
        if (observer) observer->afterStep();
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

// Batch-1 greedy decoding on the CPU is matrix-vector products over every weight, and whether a second
// thread helps depends on the machine and on what else runs on it. On the 2-core AVX-512 machine of issue 19
// with libgomp's passive waiting in effect, a git-base fp32 step took 10.3-12 ms with both threads and 18-19
// ms with one (bench/step_bench); with other processes busy on the same cores, two threads were up to 10x
// slower than one, since every operation waits for its second thread to get a core. So the search times two
// configurations on its first steps, the reduced one first, then the full one, and keeps the faster:
//   - projections through the row kernels (row_gemv.h: fp32 on CPUs with AVX2 and FMA, bf16 with
//     AVX512-BF16): LibTorch on one thread throughout (each of a step's ~100 small operations would otherwise
//     pay 40-55 us to wake a sleeping OpenMP thread), the projections alone, then the projections shared with
//     a RowGemvPartner thread;
//   - otherwise (OpenBLAS's matrix-vector products; int8's quantized engine): half the configured threads,
//     then all of them (LibTorch's and OpenBLAS's pools both).
// The configured thread count is restored afterwards. Captions do not depend on the choice: the row kernels
// give each row to one thread whichever configuration runs (the same bits), and the logits of the two
// BLAS configurations differed by at most 4e-7 on git-base shapes (step_bench prints it).
class DecodeThreadChoice : public detail::StepObserver {
public:
    // The first step is not timed (first calls set up kernels and caches: int8's quantized layers took
    // several times longer on it), then each configuration gets kProbeSteps; the minimum of each is compared.
    static constexpr int kWarmupSteps = 1, kProbeSteps = 2, kLastProbe = kWarmupSteps + 2 * kProbeSteps;

    DecodeThreadChoice(bool singleRowOnCpu, bool rowKernels)
        : m_full(at::get_num_threads()), m_rowKernels(rowKernels),
          m_active(singleRowOnCpu && at::get_num_threads() > 1) {
        if (!m_active) return;
        m_fullBlas = currentBlasThreads();
        if (m_rowKernels) setThreads(1, 1);
        else useFull(false);
    }
    ~DecodeThreadChoice() override {
        m_partner.reset();
        if (m_active) setThreads(m_full, m_fullBlas);
    }
    DecodeThreadChoice(const DecodeThreadChoice&) = delete;
    DecodeThreadChoice& operator=(const DecodeThreadChoice&) = delete;

    void beforeStep() override {
        if (!m_active || m_step >= kLastProbe) return;
        if (m_step == kWarmupSteps + kProbeSteps) useFull(true);
        m_start = std::chrono::steady_clock::now();
    }
    void afterStep() override {
        if (!m_active || m_step >= kLastProbe) return;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        if (m_step >= kWarmupSteps) {
            double& best = m_step < kWarmupSteps + kProbeSteps ? m_bestReduced : m_bestFull;
            best = std::min(best, seconds);
        }
        if (++m_step == kLastProbe && m_bestReduced < m_bestFull) useFull(false);
    }

private:
    void useFull(bool full) {
        if (m_rowKernels) {
            if (full) m_partner = std::make_unique<detail::RowGemvPartner>();
            else m_partner.reset();
        } else {
            setThreads(full ? m_full : std::max(1, m_full / 2), full ? m_fullBlas : std::max(1, m_fullBlas / 2));
        }
    }
    // LibTorch's pool and OpenBLAS's own (m_fullBlas is 0 where the BLAS is not OpenBLAS: nothing to set).
    static void setThreads(int n, int blas) {
        at::set_num_threads(n);
        setBlasThreads(blas);
    }
    int m_full, m_fullBlas = 0;
    bool m_rowKernels, m_active;
    int m_step = 0;
    double m_bestReduced = 1e30, m_bestFull = 1e30;
    std::chrono::steady_clock::time_point m_start;
    std::unique_ptr<detail::RowGemvPartner> m_partner;
};

// Whether a batch-1 step's projections go through the row kernels: the text layers' weights are float32 or
// bf16 like the output layer's (int8 layers keep an empty float weight) and the CPU runs that kernel.
bool rowKernelsProject(const GitForCausalLMImpl& model) {
    const auto type = model.outputWeight().scalar_type();
    const auto& layers = model.textLayers();
    if (!layers.empty() && (layers[0]->query->weight.numel() == 0 || layers[0]->query->weight.scalar_type() != type))
        return false;
    return (type == torch::kFloat32 && detail::fp32GemvSupported()) ||
           (type == torch::kBFloat16 && detail::bf16GemvSupported());
}

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
    DecodeThreadChoice decodeThreads(opts.useCache && images * opts.numBeams == 1 && weight.device().is_cpu(),
                                     rowKernelsProject(*model));
    return opts.numBeams == 1
               ? detail::greedySearch(*stepper, images, opts, weight.device(), probs, attention, &decodeThreads)
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
