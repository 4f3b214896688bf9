#pragma once
// The optimizer side of fine-tuning, matched to what Hugging Face's Trainer (transformers 4.46) does
// with its defaults: torch.optim.AdamW ("adamw_torch") with HF's weight-decay grouping, gradient
// clipping as torch.nn.utils.clip_grad_norm_, and the learning-rate schedules of
// transformers/optimization.py under LambdaLR semantics.
#include <torch/nn/module.h>
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace captioner {

// Names of the parameters HF's Trainer applies weight decay to (Trainer.get_decay_parameter_names):
// every parameter not owned by a LayerNorm module, minus those whose full name contains "bias".
std::vector<std::string> decayParameterNames(const torch::nn::Module& model);

struct AdamWOptions {
    double lr = 5e-5; // replaced at every step by the schedule in training
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weightDecay = 0.0; // HF TrainingArguments default
    // One pass over each contiguous float32 CPU parameter (x86-64 with AVX2 and FMA) instead of
    // LibTorch's nine operations; the same bits as those on LibTorch 1.13 (test_optimizer checks).
    // Other parameters, other CPUs and false take LibTorch's operations.
    bool fused = true;
};

struct NamedParameter {
    std::string name;
    torch::Tensor tensor;
    bool decay = true; // false: the no-decay group (weight decay 0)
};

// AdamW with the exact operation order of torch 1.13's single-tensor AdamW (decoupled decay first,
// then moments, bias corrections in double precision), so a run matches PyTorch bit for bit. The
// state (exp_avg, exp_avg_sq and the step count of each parameter) is ours rather than
// torch::optim's so it can be written to a safetensors file and read back for resume. Parameters
// whose grad is undefined are skipped and keep their step count, as in PyTorch. Not thread-safe.
class AdamW {
public:
    // Throws Error for invalid options (negative lr/eps/decay, betas outside [0, 1)), duplicate
    // names or undefined tensors.
    AdamW(std::vector<NamedParameter> params, AdamWOptions options = {});
    // Every trainable parameter of `model` under its full name, grouped as HF's Trainer does.
    static AdamW forModule(torch::nn::Module& model, AdamWOptions options = {});

    void step();
    void zeroGrad(); // sets grads to undefined (PyTorch's set_to_none default)

    double learningRate() const { return m_options.lr; }
    void setLearningRate(double lr);
    const AdamWOptions& options() const { return m_options; }
    const std::vector<NamedParameter>& parameters() const { return m_params; }

    struct State {
        torch::Tensor expAvg, expAvgSq;
        int64_t step = 0;
    };
    const State& state(const std::string& name) const; // throws Error for an unknown name

    // The state file holds "<name>.exp_avg", "<name>.exp_avg_sq" (parameter dtype) and "<name>.step"
    // (I64 scalar) for every parameter, the learning rate in the metadata. loadState is strict: a
    // missing, unexpected or mis-shaped tensor is an Error naming the file and the tensor, and the
    // optimizer is left unchanged on any failure.
    void saveState(const std::string& path) const;
    void loadState(const std::string& path);

private:
    std::vector<NamedParameter> m_params;
    std::vector<State> m_states;
    AdamWOptions m_options;
};

// Outcome of clipGradNorm. A non-finite norm means some gradient holds NaN or Inf: the gradients
// are then left untouched and the trainer should skip the optimizer step and report it.
struct GradNorm {
    double norm = 0.0; // total 2-norm before clipping, as the float32 value PyTorch returns
    bool finite = true;
};

// torch.nn.utils.clip_grad_norm_(params, maxNorm) over the defined gradients: total 2-norm of the
// per-tensor 2-norms, every gradient scaled by min(1, maxNorm / (norm + 1e-6)). HF's Trainer calls
// it with max_grad_norm (default 1.0) before each optimizer step; maxNorm <= 0 only measures.
GradNorm clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm);
GradNorm clipGradNorm(const std::vector<NamedParameter>& params, double maxNorm);

enum class LrScheduleKind { Constant, ConstantWithWarmup, Linear, Cosine };

// A learning-rate schedule of transformers/optimization.py as torch's LambdaLR applies it:
// learningRate(k) = baseLr * factor(k), where k counts optimizer steps already taken. The optimizer
// step number k+1 (1-based) runs with learningRate(k), so the first warm-up step has lr 0. HF's
// Trainer logs `learning_rate` as scheduler.get_last_lr()[0] after stepping, i.e. after optimizer
// step k it reports learningRate(k), the rate the *next* step will use: report that to match.
class LrSchedule {
public:
    // Throws Error for negative steps or an unknown kind.
    LrSchedule(LrScheduleKind kind, double baseLr, int64_t warmupSteps, int64_t totalSteps, double numCycles = 0.5);

    double factor(int64_t step) const;
    double learningRate(int64_t step) const { return m_baseLr * factor(step); }

    LrScheduleKind kind() const { return m_kind; }
    double baseLr() const { return m_baseLr; }
    int64_t warmupSteps() const { return m_warmupSteps; }
    int64_t totalSteps() const { return m_totalSteps; }

    // HF lr_scheduler_type names: "linear", "cosine", "constant", "constant_with_warmup".
    static LrScheduleKind parseKind(const std::string& name); // throws Error naming the value
    static std::string kindName(LrScheduleKind kind);
    // TrainingArguments.get_warmup_steps: explicit steps win when > 0, else ceil(total * ratio)
    // computed in double precision like Python (e.g. ratio 0.3 of 10 steps gives 4, not 3).
    static int64_t warmupStepsFor(int64_t totalSteps, double warmupRatio, int64_t warmupSteps = 0);

private:
    LrScheduleKind m_kind;
    double m_baseLr;
    int64_t m_warmupSteps;
    int64_t m_totalSteps;
    double m_numCycles;
};

} // namespace captioner
