#include "captioner/trainer.h"

#include "trainer_run.h"

#include "captioner/atomic_file.h"
#include "captioner/batch_loader.h"
#include "captioner/checkpoint.h"
#include "captioner/dataset.h"
#include "captioner/dataset_split.h"
#include "captioner/runtime.h"
#include "captioner/error.h"
#include "captioner/event_log.h"
#include "captioner/optimizer.h"
#include "captioner/safetensors.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>

namespace fs = std::filesystem;

namespace captioner {

namespace {

using detail::Clock;
using detail::secondsSince;

void validate(const TrainingOptions& o) {
    auto bad = [](const std::string& what, const std::string& why) { throw Error(what, why); };
    if (o.modelDir.empty()) bad("model", "no model folder given");
    if (o.dataPath.empty()) bad("data", "no dataset given");
    if (o.outputDir.empty()) bad("output", "no output folder given");
    if (o.batchSize < 1) bad("batch size", "must be at least 1");
    if (o.gradientAccumulation < 1) bad("gradient accumulation", "must be at least 1");
    if (o.maxSteps <= 0 && o.numEpochs < 1) bad("epochs", "must be at least 1 (or give max steps)");
    if (!(o.learningRate > 0)) bad("learning rate", "must be positive");
    if (!(o.testSize > 0 && o.testSize < 1)) bad("test size", "must be between 0 and 1");
    if (o.loggingSteps < 0 || o.evalSteps < 0 || o.saveSteps < 0)
        bad("steps", "logging, eval and save steps cannot be negative");
    if (o.saveTotalLimit < 0) bad("save total limit", "cannot be negative");
    if (o.generationMaxLength < 2) bad("max length", "must be at least 2 (it counts the start token)");
    if (o.maxConsecutiveNonFinite < 1) bad("non-finite limit", "must be at least 1");
    if (o.dataParallelThreads < 1) bad("data-parallel threads", "must be at least 1");
    static const std::set<std::string> metrics = {"eval_loss",    "eval_wer",   "eval_wer_teacher_forced",
                                                  "eval_rouge_l", "eval_bleu4", "eval_cider"};
    const std::string key = detail::metricKey(o.metricForBest);
    if (!metrics.count(key))
        bad("metric for best model",
            "unknown metric '" + o.metricForBest + "' (valid: loss, wer, wer_teacher_forced, rouge_l, bleu4, cider)");
    const bool generatedMetric = key != "eval_loss" && key != "eval_wer_teacher_forced";
    if (generatedMetric && o.evalGenerateLimit == 0)
        bad("metric for best model",
            "'" + o.metricForBest + "' needs generated captions at eval (eval generate limit is 0)");
    LrSchedule::parseKind(o.lrScheduler);
}

std::string describeFailure(const std::exception& e) {
    if (const auto* c = dynamic_cast<const c10::Error*>(&e)) {
        std::string msg = c->what_without_backtrace();
        if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
        if (msg.find("out of memory") != std::string::npos || msg.find("can't allocate memory") != std::string::npos ||
            msg.find("not enough memory") != std::string::npos)
            return "out of memory: " + msg + " (use a smaller batch size with more gradient accumulation)";
        return "LibTorch error: " + msg;
    }
    if (dynamic_cast<const std::bad_alloc*>(&e))
        return "out of memory (use a smaller batch size with more gradient accumulation)";
    return e.what();
}

} // namespace

void Trainer::Run::setup() {
    validate(o);
    // As HF's Trainer (set_seed): LibTorch seeds its generators differently in every process, and
    // dropout draws from them, so a run is only repeatable (and resumable) from a fixed seed.
    torch::manual_seed(o.seed);
    device = resolveDevice(o.device);
    if (o.distributed.enabled()) {
        // One process per GPU, as torchrun starts them: LOCAL_RANK picks the card.
        if (device.is_cuda())
            device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(o.distributed.localRank));
        log("joining the process group as " + o.distributed.describe() + "; waiting up to " +
            std::to_string(static_cast<int64_t>(o.distributed.timeoutSeconds)) + " s for the others");
        group = std::make_unique<detail::ProcessGroup>(o.distributed, device);
    }
    checkPrecisionSupported(o.precision, device);
    log("loading model " + o.modelDir);
    CheckpointLoadOptions lo;
    lo.device = device.str();
    ck = loadCheckpoint(o.modelDir, lo);
    if (group) {
        // As DDP's constructor: every rank starts from rank 0's weights.
        torch::NoGradGuard noGrad;
        group->broadcastFromRankZero(ck.model->parameters());
    }
    if (o.dataParallelThreads > 1) {
        if (!device.is_cpu())
            throw Error("data-parallel threads", "are for training on the CPU (this run is on " + device.str() +
                                                     "); use one process per GPU instead");
        const double dropout = std::max(
            {ck.config.hiddenDropoutProb, ck.config.attentionProbsDropoutProb, ck.config.vision.attentionDropout});
        if (dropout > 0)
            throw Error("data-parallel threads",
                        "need a model without dropout (" + o.modelDir + " has dropout " + std::to_string(dropout) +
                            "): its threads would draw from one random generator in an unrepeatable order");
        shardThreads = std::make_unique<detail::ShardThreads>(o.dataParallelThreads);
        log("data parallel over " + std::to_string(o.dataParallelThreads) + " threads: each batch of " +
            std::to_string(o.batchSize) + " in " + std::to_string(o.dataParallelThreads) + " shards");
    }
    log("reading dataset " + o.dataPath);
    const CaptionDataset dataset = CaptionDataset::open(o.dataPath);
    const DatasetSplit split = splitDataset(dataset, o.testSize, o.seed);
    std::vector<TrainingExample> train;
    for (size_t i : split.train) {
        const auto& item = dataset.items()[i];
        if (!item.captions.empty()) train.push_back({item.imagePath, item.captions});
    }
    if (train.empty()) throw Error(o.dataPath, "no captioned images to train on");
    evalExamples = evalExamplesFor(dataset, split.test);
    if (evalExamples.empty() && o.evalSteps > 0)
        log("the test split is empty: no evaluation (and the last checkpoint counts as the best)");

    BatchLoaderOptions bo;
    bo.batchSize = o.batchSize;
    bo.shardIndex = group ? group->rank() : 0;
    bo.shardCount = group ? group->size() : 1;
    bo.shuffle = true;
    bo.seed = o.seed;
    bo.workers = std::max(1, o.workers);
    bo.prefetchBatches = std::max(2 * o.gradientAccumulation, bo.workers);
    bo.renderer = o.trainRenderer;
    if (bo.renderer) log("training images are rendered afresh for every example of every epoch");
    bo.maxTextLength = o.maxTextLength > 0 ? o.maxTextLength : static_cast<int>(ck.config.maxPositionEmbeddings);
    const int64_t trainCount = static_cast<int64_t>(train.size());
    loader = std::make_unique<BatchLoader>(std::move(train), ck.processor, ck.tokenizer, bo);
    batchesPerEpoch = loader->batchesPerEpoch();
    stepsPerEpoch = (batchesPerEpoch + o.gradientAccumulation - 1) / o.gradientAccumulation;
    state.stepsPerEpoch = stepsPerEpoch;
    state.maxSteps = o.maxSteps > 0 ? o.maxSteps : o.numEpochs * stepsPerEpoch;
    state.numEpochs = (state.maxSteps + stepsPerEpoch - 1) / stepsPerEpoch;

    AdamWOptions ao;
    ao.lr = o.learningRate;
    ao.beta1 = o.adamBeta1;
    ao.beta2 = o.adamBeta2;
    ao.eps = o.adamEpsilon;
    ao.weightDecay = o.weightDecay;
    optimizer.emplace(AdamW::forModule(*ck.model, ao));
    schedule.emplace(LrSchedule::parseKind(o.lrScheduler), o.learningRate,
                     LrSchedule::warmupStepsFor(state.maxSteps, o.warmupRatio, o.warmupSteps), state.maxSteps);
    scaler = LossScaler(o.precision == Precision::Fp16);
    state.fingerprint = {
        {"data", fs::absolute(o.dataPath).lexically_normal().string()},
        {"train_count", trainCount},
        {"test_count", static_cast<int64_t>(evalExamples.size())},
        {"seed", o.seed},
        {"test_size", o.testSize},
        {"batch_size", o.batchSize * bo.shardCount}, // global: any process count that splits it alike resumes
        {"gradient_accumulation", o.gradientAccumulation},
        {"max_steps", state.maxSteps},
        {"learning_rate", o.learningRate},
        {"lr_scheduler", o.lrScheduler},
        {"warmup_steps", schedule->warmupSteps()},
        {"precision", precisionName(o.precision)}};
    std::error_code ec;
    fs::create_directories(o.outputDir, ec);
    if (ec) throw Error(o.outputDir, "cannot create the output folder: " + ec.message());
    if (isMain()) removeInterruptedSaves(); // rank 0 alone writes there
    if (o.resume) restore();
    if (group)
        log("data parallel over " + std::to_string(group->size()) + " processes (" + group->backendName() +
            "): global batch " + std::to_string(o.batchSize * group->size() * o.gradientAccumulation) + " = " +
            std::to_string(o.batchSize) + " per process x " + std::to_string(group->size()) + " processes x " +
            std::to_string(o.gradientAccumulation) + " accumulation");

    TrainingEvent e = event(TrainingEventType::Started);
    e.stepsPerEpoch = stepsPerEpoch;
    e.numEpochs = state.numEpochs;
    e.trainCount = trainCount;
    e.testCount = static_cast<int64_t>(evalExamples.size());
    e.resumedFromStep = state.globalStep;
    e.device = device.str();
    e.precision = precisionName(o.precision);
    self.notify(e);
}

bool Trainer::Run::waitIfPaused() {
    if (!self.m_paused.load()) return !self.m_cancel.load();
    const auto t0 = Clock::now();
    self.notify(event(TrainingEventType::Paused));
    {
        std::unique_lock<std::mutex> lock(self.m_pauseMutex);
        self.m_pauseCv.wait(lock, [&] { return !self.m_paused.load() || self.m_cancel.load(); });
    }
    pausedSeconds += secondsSince(t0);
    if (self.m_cancel.load()) return false;
    self.notify(event(TrainingEventType::Resumed));
    return true;
}

void Trainer::Run::step() {
    const auto t0 = Clock::now();
    const int64_t epochIndex = state.globalStep / stepsPerEpoch;
    const int64_t stepInEpoch = state.globalStep % stepsPerEpoch;
    const int64_t firstBatch = stepInEpoch * o.gradientAccumulation;
    if (loaderEpoch != epochIndex || loaderNextStep != stepInEpoch)
        loader->startEpoch(static_cast<int>(epochIndex), firstBatch);
    loaderEpoch = epochIndex;
    loaderNextStep = stepInEpoch + 1;
    const int64_t micro = std::min<int64_t>(o.gradientAccumulation, batchesPerEpoch - firstBatch);

    ck.model->train();
    double lossSum = 0;
    int64_t lossCount = 0, samples = 0;
    std::string nonFinite;
    if (group) group->markProgress(state.globalStep);
    for (int64_t k = 0; k < micro; ++k) {
        auto batch = loader->next();
        if (!batch) throw Error("training data", "the batch loader ended before the epoch did");
        for (const auto& s : batch->skipped)
            if (reportedSkips.insert(s.index).second) log("skipping unreadable image " + s.imagePath + ": " + s.reason);
        const int64_t rows = batch->inputIds.size(0);
        // Alone, an empty batch or a step already spoiled is skipped; in a group every rank still
        // takes part in each micro-batch's exchange.
        if (!group && (!nonFinite.empty() || rows == 0)) continue;
        torch::Tensor loss;
        std::optional<ShardedPass> sharded;
        double value = 0;
        int64_t tokens = 0;
        std::string bad;
        if (nonFinite.empty() && rows > 0) {
            if (shardThreads) {
                sharded = shardedPass(batch->pixelValues, batch->inputIds, batch->attentionMask);
                value = sharded->loss;
            } else {
                auto pixels = batch->pixelValues.to(device);
                auto ids = batch->inputIds.to(device);
                auto mask = batch->attentionMask.to(device);
                {
                    AutocastGuard autocast(device, o.precision);
                    loss = ck.model->forward(pixels, ids, mask, labelsFor(ids, mask)).loss;
                }
                loss = loss.to(torch::kFloat);
                value = loss.item<double>();
            }
            if (o.lossHook) value = o.lossHook(state.globalStep, value);
            if (!std::isfinite(value)) bad = "the loss is " + std::string(std::isnan(value) ? "NaN" : "infinite");
            if (group) tokens = detail::labelTokens(batch->attentionMask);
        }
        double weight = 1;
        int64_t globalRows = rows;
        if (group) {
            const MicroStats shared = shareMicroBatch(value, tokens, rows, !bad.empty() || !nonFinite.empty());
            if (shared.nonFinite) {
                if (nonFinite.empty()) nonFinite = bad.empty() ? "the loss is not finite on another rank" : bad;
                continue;
            }
            if (shared.rows == 0) continue;
            value = shared.loss;
            weight = shared.weight;
            globalRows = shared.rows;
        } else if (!bad.empty()) {
            nonFinite = bad;
            continue;
        }
        const double factor = weight * scaler.scale() / static_cast<double>(micro);
        if (sharded) addGradients(sharded->grads, factor);
        else if (rows > 0) (loss * factor).backward();
        lossSum += value;
        ++lossCount;
        samples += globalRows;
    }
    if (group && nonFinite.empty() && lossCount > 0) sumGradients();

    bool overflow = false;
    GradNorm norm;
    if (nonFinite.empty() && lossCount > 0) {
        if (scaler.enabled()) {
            torch::NoGradGuard noGrad;
            for (const auto& p : optimizer->parameters())
                if (p.tensor.grad().defined()) p.tensor.grad().mul_(1.0 / scaler.scale());
        }
        norm = clipGradNorm(optimizer->parameters(), o.maxGradNorm);
        if (!norm.finite) {
            if (scaler.enabled()) overflow = true;
            else nonFinite = "the gradient norm is not finite";
        }
    }
    if (!nonFinite.empty()) {
        ++consecutiveNonFinite;
        if (firstNonFiniteStep < 0) firstNonFiniteStep = state.globalStep;
    } else if (overflow) {
        scaler.update(false);
        log("step " + std::to_string(state.globalStep + 1) +
            ": fp16 gradients overflowed, step skipped, loss scale now " +
            std::to_string(static_cast<int64_t>(scaler.scale())));
    } else if (lossCount > 0) {
        optimizer->setLearningRate(schedule->learningRate(state.globalStep));
        optimizer->step();
        scaler.update(true);
        consecutiveNonFinite = 0;
        firstNonFiniteStep = -1;
    }
    optimizer->zeroGrad();
    ++state.globalStep;
    ++stepsRun;
    state.epoch = static_cast<double>(state.globalStep) / static_cast<double>(stepsPerEpoch);
    state.lossScale = scaler.scale();
    state.lossScaleGoodSteps = scaler.goodSteps();
    trainSeconds += secondsSince(t0);
    samplesRun += samples;

    const double stepLoss = lossCount > 0 && nonFinite.empty() ? lossSum / static_cast<double>(lossCount)
                                                               : std::numeric_limits<double>::quiet_NaN();
    if (nonFinite.empty() && lossCount > 0) {
        lossSinceLog += stepLoss;
        ++stepsSinceLog;
        lossSumRun += stepLoss;
        ++goodStepsRun;
        lastGradNorm = norm.norm;
    }
    if (!nonFinite.empty()) {
        TrainingEvent e = event(TrainingEventType::NonFiniteLoss);
        e.message = "step " + std::to_string(state.globalStep) + ": " + nonFinite +
                    "; the step was skipped (weights unchanged)";
        self.notify(e);
        if (consecutiveNonFinite >= o.maxConsecutiveNonFinite)
            throw Error("training",
                        "the loss or gradients were NaN/Inf in " + std::to_string(consecutiveNonFinite) +
                            " steps in a row (steps " + std::to_string(firstNonFiniteStep + 1) + " to " +
                            std::to_string(state.globalStep) + "); stopped. " +
                            (lastCheckpoint.empty() ? std::string("No checkpoint was saved yet.")
                                                    : "The last good checkpoint is " + lastCheckpoint + ".") +
                            " Try a lower learning rate, fp32, or check the data.");
    }

    TrainingEvent e = event(TrainingEventType::Step);
    e.loss = stepLoss;
    e.learningRate = schedule->learningRate(state.globalStep);
    e.gradNorm = norm.norm;
    e.samplesPerSecond = trainSeconds > 0 ? static_cast<double>(samplesRun) / trainSeconds : 0;
    const double active = secondsSince(loopStart) - pausedSeconds;
    e.etaSeconds = active / static_cast<double>(stepsRun) * static_cast<double>(state.maxSteps - state.globalStep);
    e.lossScale = scaler.scale();
    self.notify(e);

    if (o.loggingSteps > 0 && state.globalStep % o.loggingSteps == 0 && stepsSinceLog > 0) {
        state.logHistory.push_back({{"loss", detail::round4(lossSinceLog / static_cast<double>(stepsSinceLog))},
                                    {"grad_norm", lastGradNorm},
                                    {"learning_rate", e.learningRate},
                                    {"epoch", detail::round2(state.epoch)},
                                    {"step", state.globalStep}});
        lossSinceLog = 0;
        stepsSinceLog = 0;
    }
    if (stepInEpoch + 1 == stepsPerEpoch) {
        TrainingEvent ep = event(TrainingEventType::Epoch);
        ep.epoch = static_cast<double>(epochIndex + 1);
        self.notify(ep);
    }
    if (o.evalSteps > 0 && state.globalStep % o.evalSteps == 0) evaluate();
    if (o.saveSteps > 0 && state.globalStep % o.saveSteps == 0) save();
}

Trainer::Trainer(TrainingOptions options, TrainingObserver* observer)
    : m_options(std::move(options)), m_observer(observer) {}

void Trainer::notify(const TrainingEvent& event) {
    // Data parallel: rank 0 speaks for the run (observer and event log); another rank only reports
    // its own failure.
    if (m_options.distributed.rank != 0) {
        if (m_observer && event.type == TrainingEventType::Failed) m_observer->onEvent(event);
        return;
    }
    // The event log first: a watcher of the output folder sees what the observer sees. Opening or
    // writing it may fail (a read-only or full disk): that is said once, and the run goes on.
    if (m_options.writeEventLog && !m_options.outputDir.empty()) {
        if (!m_eventLog) m_eventLog = std::make_shared<EventLogWriter>(eventLogPath(m_options.outputDir));
        const bool hadError = !m_eventLog->error().empty();
        if (!m_eventLog->append(event) && !hadError && m_observer) {
            TrainingEvent warning = event;
            warning.type = TrainingEventType::Log;
            warning.message = m_eventLog->error() + " (training goes on without the event log)";
            m_observer->onEvent(warning);
        }
    }
    if (m_observer) m_observer->onEvent(event);
}

void Trainer::pause() { m_paused = true; }

void Trainer::resume() {
    {
        std::lock_guard<std::mutex> lock(m_pauseMutex);
        m_paused = false;
    }
    m_pauseCv.notify_all();
}

void Trainer::cancel() {
    {
        std::lock_guard<std::mutex> lock(m_pauseMutex);
        m_cancel = true;
    }
    m_pauseCv.notify_all();
}

namespace {
// TrainingOptions::computeThreads for the length of a run.
class ComputeThreadsScope {
public:
    // configureThreads even when LibTorch already has that count: OpenBLAS's pool may not (a program
    // that never configured threads), and the run's numbers must not depend on it.
    explicit ComputeThreadsScope(int threads) {
        if (threads <= 0) return;
        m_previous = currentThreads();
        configureThreads(threads);
    }
    ~ComputeThreadsScope() {
        if (m_previous > 0) configureThreads(m_previous);
    }
    ComputeThreadsScope(const ComputeThreadsScope&) = delete;
    ComputeThreadsScope& operator=(const ComputeThreadsScope&) = delete;

private:
    int m_previous = 0;
};
} // namespace

TrainingSummary Trainer::run() {
    TrainingSummary summary;
    const auto t0 = Clock::now();
    const ComputeThreadsScope threads(m_options.computeThreads);
    Run r{*this, m_options};
    try {
        r.setup();
        r.loopStart = Clock::now();
        bool cancelled = false;
        while (r.state.globalStep < r.state.maxSteps) {
            const bool stop = !r.waitIfPaused();
            if (r.group ? r.anyRankCancelled(stop) : stop) {
                cancelled = true;
                break;
            }
            r.step();
        }
        if (r.group) r.verifyIdenticalWeights();
        if (cancelled || (!r.group && m_cancel.load())) {
            if (r.lastSaveStep != r.state.globalStep) r.save();
            summary.status = "cancelled";
        } else {
            r.finish(summary);
            summary.status = "completed";
        }
        // Nobody leaves before rank 0 has written the final model (and, where rank 0 serves the
        // store, before the others are done with it).
        if (r.group) r.group->barrier();
        summary.globalStep = r.state.globalStep;
        summary.bestCheckpoint = r.state.bestCheckpoint;
        summary.bestMetric = r.state.bestMetric.value_or(0.0);
        summary.lastCheckpoint = r.lastCheckpoint;
        summary.runtimeSeconds = secondsSince(t0);
        TrainingEvent e = r.event(TrainingEventType::Finished);
        e.status = summary.status;
        e.path = m_options.outputDir;
        e.bestCheckpoint = summary.bestCheckpoint;
        e.bestMetric = summary.bestMetric;
        e.metricForBest = detail::metricKey(m_options.metricForBest);
        notify(e);
        return summary;
    } catch (const std::exception& ex) {
        summary.status = "failed";
        summary.message = describeFailure(ex);
    } catch (...) {
        summary.status = "failed";
        summary.message = "unknown failure";
    }
    if (r.group) r.group->abandon(); // the others learn of it from their next collective
    summary.globalStep = r.state.globalStep;
    summary.runtimeSeconds = secondsSince(t0);
    const auto complete = listCheckpoints(m_options.outputDir);
    summary.lastCheckpoint = complete.empty() ? std::string() : complete.front();
    TrainingEvent e = r.event(TrainingEventType::Failed);
    e.message = summary.message;
    e.lastCheckpoint = summary.lastCheckpoint;
    notify(e);
    return summary;
}

} // namespace captioner
