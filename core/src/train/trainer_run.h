#pragma once
// One training run's working state, shared by trainer.cpp (set-up and the step loop) and
// trainer_checkpoints.cpp (evaluation, saving, resuming, finishing). Internal to the trainer.
#include "captioner/batch_loader.h"
#include "captioner/checkpoint.h"
#include "captioner/mixed_precision.h"
#include "captioner/optimizer.h"
#include "captioner/trainer.h"

#include "process_group.h"
#include "shard_threads.h"
#include "trainer_state.h"

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace captioner {

namespace detail {
using Clock = std::chrono::steady_clock;
inline double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
double metricValue(const EvalResult& eval, const std::string& key); // throws Error for an unknown key
// The label tokens a batch's loss counts (its mean is over them): every real token after the first.
inline int64_t labelTokens(const torch::Tensor& attentionMask) {
    return attentionMask.narrow(1, 1, attentionMask.size(1) - 1).sum().item<int64_t>();
}
} // namespace detail

struct Trainer::Run {
    Run(Trainer& trainer, const TrainingOptions& options) : self(trainer), o(options) {}

    Trainer& self;
    const TrainingOptions& o;
    torch::Device device{torch::kCPU};
    GitCheckpoint ck;
    std::unique_ptr<BatchLoader> loader;
    std::vector<EvalExample> evalExamples;
    std::optional<AdamW> optimizer;
    std::optional<LrSchedule> schedule;
    LossScaler scaler{false};
    std::unique_ptr<detail::ProcessGroup> group;        // data parallel only
    std::unique_ptr<detail::ShardThreads> shardThreads; // dataParallelThreads > 1 only
    bool isMain() const { return !group || group->rank() == 0; }
    detail::TrainerState state;
    int64_t batchesPerEpoch = 0, stepsPerEpoch = 0;
    int64_t loaderEpoch = -1, loaderNextStep = -1;

    double lossSinceLog = 0, lastGradNorm = 0, lossSumRun = 0;
    int64_t stepsSinceLog = 0, goodStepsRun = 0, stepsRun = 0, samplesRun = 0;
    double trainSeconds = 0, pausedSeconds = 0;
    detail::Clock::time_point loopStart = detail::Clock::now();
    int consecutiveNonFinite = 0;
    int64_t firstNonFiniteStep = -1;
    std::optional<EvalResult> lastEval;
    int64_t lastEvalStep = -1, lastSaveStep = -1;
    std::set<size_t> reportedSkips;
    std::string lastCheckpoint;

    void log(const std::string& message) {
        TrainingEvent e = event(TrainingEventType::Log);
        e.message = message;
        self.notify(e);
    }
    TrainingEvent event(TrainingEventType type) const {
        TrainingEvent e;
        e.type = type;
        e.step = state.globalStep;
        e.maxSteps = state.maxSteps;
        e.epoch = state.epoch;
        return e;
    }

    void setup();
    void restore();
    void removeInterruptedSaves();
    void step();
    // Data parallel: this rank's micro-batch loss weighted by its share of the global micro-batch's
    // tokens, so that summing gradients over ranks gives the gradient of the global batch's mean loss.
    struct MicroStats {
        double loss = 0;        // the global micro-batch's mean loss (NaN when any rank's is not finite)
        double weight = 1;      // this rank's tokens / global tokens
        int64_t rows = 0;       // rows of the global micro-batch
        bool nonFinite = false; // on any rank
    };
    MicroStats shareMicroBatch(double localLoss, int64_t localTokens, int64_t localRows, bool localNonFinite);
    void sumGradients();
    // TrainingOptions::dataParallelThreads: the micro-batch's loss (the mean over its label tokens, as
    // one forward would give) and every trained parameter's gradient of it (undefined where it has none),
    // shard by shard on threads, summed in shard order.
    struct ShardedPass {
        double loss = 0;
        std::vector<torch::Tensor> grads; // one per optimizer parameter
    };
    ShardedPass shardedPass(const torch::Tensor& pixels, const torch::Tensor& ids, const torch::Tensor& mask);
    void addGradients(std::vector<torch::Tensor>& grads, double factor); // may take the tensors
    bool anyRankCancelled(bool local);
    void verifyIdenticalWeights();
    void evaluate();
    void save();
    void finish(TrainingSummary& summary);
    bool waitIfPaused();
};

} // namespace captioner
