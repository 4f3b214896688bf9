#include "trainer_run.h"

#include "evaluation_parts.h"

#include "captioner/distributed.h"
#include "captioner/error.h"
#include "captioner/safetensors.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace captioner {

using detail::Clock;
using detail::secondsSince;

namespace detail {

double metricValue(const EvalResult& e, const std::string& key) {
    if (key == "eval_loss") return e.loss;
    if (key == "eval_wer_teacher_forced") return e.werTeacherForced.wer;
    if (key == "eval_wer") return e.generated.wer.wer;
    if (key == "eval_rouge_l") return e.generated.rougeL;
    if (key == "eval_bleu4") return e.generated.bleu4;
    if (key == "eval_cider") return e.generated.cider;
    throw Error("metric for best model", "unknown metric '" + key + "'");
}

} // namespace detail

void Trainer::Run::removeInterruptedSaves() {
    // A run killed while saving leaves .checkpoint-N.tmp-* (never complete) or .checkpoint-N.old-*
    // (replaced) behind; neither is ever read, so they only take space.
    std::error_code ec;
    for (fs::directory_iterator it(o.outputDir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(".checkpoint-", 0) == 0 &&
            (name.find(".tmp-") != std::string::npos || name.find(".old-") != std::string::npos)) {
            std::error_code rmErr;
            fs::remove_all(it->path(), rmErr);
            if (!rmErr) log("removed the unfinished save " + it->path().string());
        }
    }
}

void Trainer::Run::restore() {
    const auto candidates = listCheckpoints(o.outputDir);
    if (candidates.empty()) throw Error(o.outputDir, "no complete checkpoint-<step> folder to resume from");
    const nlohmann::json fingerprint = state.fingerprint;
    for (const auto& dir : candidates) {
        try {
            detail::TrainerState restored = detail::restoreTrainingCheckpoint(dir, ck.model, *optimizer, device);
            if (restored.globalStep > state.maxSteps)
                throw Error(dir, "is at step " + std::to_string(restored.globalStep) + ", beyond this run's " +
                                     std::to_string(state.maxSteps) + " steps");
            restored.maxSteps = state.maxSteps;
            restored.numEpochs = state.numEpochs;
            restored.stepsPerEpoch = stepsPerEpoch;
            if (restored.fingerprint != fingerprint) {
                std::string diff;
                for (auto it = fingerprint.begin(); it != fingerprint.end(); ++it)
                    if (!restored.fingerprint.contains(it.key()) || restored.fingerprint[it.key()] != it.value())
                        diff += (diff.empty() ? "" : ", ") + it.key();
                log("resuming with different settings (" + diff + ") than the run that wrote " + dir +
                    ": the result will differ from an uninterrupted run");
            }
            restored.fingerprint = fingerprint;
            state = std::move(restored);
            scaler.restore(state.lossScale, state.lossScaleGoodSteps);
            lastCheckpoint = dir;
            lastSaveStep = state.globalStep;
            log("resumed from " + dir + " at step " + std::to_string(state.globalStep));
            return;
        } catch (const Error& e) {
            log(std::string("skipping damaged checkpoint: ") + e.what());
        } catch (const c10::Error& e) {
            log("skipping damaged checkpoint " + dir + ": " + e.what_without_backtrace());
        }
    }
    throw Error(o.outputDir, "none of the " + std::to_string(candidates.size()) + " checkpoints could be loaded");
}

void Trainer::Run::evaluate() {
    if (evalExamples.empty()) return;
    EvalOptions eo;
    eo.batchSize = o.evalBatchSize > 0 ? o.evalBatchSize : o.batchSize;
    eo.maxLength = o.generationMaxLength;
    eo.generateLimit = o.evalGenerateLimit;
    eo.sampleCount = o.sampleCount;
    eo.precision = o.precision;
    eo.workers = std::max(1, o.workers);
    EvalResult result;
    if (!group) {
        eo.shouldCancel = [this] { return self.m_cancel.load(); };
        result = evaluateCheckpoint(ck, evalExamples, eo);
    } else {
        // Each rank evaluates its contiguous part; the parts are gathered and scored as one.
        const auto t0 = Clock::now();
        const ShardRange mine = shardRange(evalExamples.size(), group->rank(), group->size());
        const auto part = detail::evaluatePart(ck, evalExamples, mine.begin, mine.end, eo);
        std::vector<detail::EvalPart> parts;
        for (const auto& text : group->allGatherStrings(detail::serializeEvalPart(part)))
            parts.push_back(detail::deserializeEvalPart(text));
        result = detail::combineEvalParts(parts, evalExamples.size(), eo);
        result.runtimeSeconds = secondsSince(t0);
    }
    ck.model->train();
    if (result.cancelled) return;
    for (const auto& s : result.skipped) log("evaluation skipped " + s);
    nlohmann::json entry = evalMetricsJson(result);
    entry["epoch"] = detail::round2(state.epoch);
    entry["step"] = state.globalStep;
    state.logHistory.push_back(entry);
    lastEval = std::move(result);
    lastEvalStep = state.globalStep;
    TrainingEvent e = event(TrainingEventType::Evaluated);
    e.eval = *lastEval;
    self.notify(e);
}

void Trainer::Run::save() {
    const std::string dir = (fs::path(o.outputDir) / ("checkpoint-" + std::to_string(state.globalStep))).string();
    const std::string key = detail::metricKey(o.metricForBest);
    const auto previousBest = state.bestMetric;
    const auto previousBestDir = state.bestCheckpoint;
    bool isBest = false;
    if (!isMain()) {
        // Rank 0 alone writes; the weights are the same on every rank.
        lastSaveStep = state.globalStep;
        lastCheckpoint = dir;
        return;
    }
    if (lastEval && lastEvalStep == state.globalStep) {
        const double m = detail::metricValue(*lastEval, key);
        const bool better =
            !state.bestMetric || (detail::greaterIsBetter(key) ? m > *state.bestMetric : m < *state.bestMetric);
        if (std::isfinite(m) && better) {
            state.bestMetric = m;
            state.bestCheckpoint = dir;
            isBest = true;
        }
    }
    try {
        saveCheckpointFolder(ck, dir, [&](const std::string& folder) {
            detail::writeTrainingFiles(folder, state, o, *optimizer, *schedule, device);
        });
    } catch (...) {
        state.bestMetric = previousBest;
        state.bestCheckpoint = previousBestDir;
        throw;
    }
    lastSaveStep = state.globalStep;
    lastCheckpoint = dir;
    TrainingEvent e = event(TrainingEventType::CheckpointSaved);
    e.path = dir;
    e.isBest = isBest;
    self.notify(e);
    for (const auto& removed : detail::rotateCheckpoints(o.outputDir, o.saveTotalLimit, state.bestCheckpoint))
        log("deleted old checkpoint " + removed + " (keeping " + std::to_string(o.saveTotalLimit) + ")");
}

void Trainer::Run::finish(TrainingSummary& summary) {
    if (o.evalSteps > 0 && lastEvalStep != state.globalStep) evaluate();
    if (lastSaveStep != state.globalStep) save();
    if (!isMain()) {
        summary.trainLoss = goodStepsRun > 0 ? lossSumRun / static_cast<double>(goodStepsRun) : 0.0;
        return;
    }
    const std::string key = detail::metricKey(o.metricForBest);
    if (o.loadBestModelAtEnd && !state.bestCheckpoint.empty() && state.bestCheckpoint != lastCheckpoint) {
        const std::string weights = (fs::path(state.bestCheckpoint) / "model.safetensors").string();
        ck.model->loadStateDict(loadSafetensors(weights), weights);
        std::ostringstream m;
        m << "loaded the best model from " << state.bestCheckpoint << " (" << key << " " << *state.bestMetric << ")";
        log(m.str());
    }
    const double runtime = secondsSince(loopStart) - pausedSeconds;
    const double trainLoss = goodStepsRun > 0 ? lossSumRun / static_cast<double>(goodStepsRun) : 0.0;
    state.logHistory.push_back({{"train_runtime", detail::round4(runtime)},
                                {"train_samples_per_second", detail::round4(runtime > 0 ? samplesRun / runtime : 0.0)},
                                {"train_steps_per_second", detail::round4(runtime > 0 ? stepsRun / runtime : 0.0)},
                                {"total_flos", state.totalFlos},
                                {"train_loss", trainLoss},
                                {"epoch", detail::round2(state.epoch)},
                                {"step", state.globalStep}});
    ck.model->eval();
    saveCheckpoint(ck, o.outputDir);
    detail::writeJson((fs::path(o.outputDir) / "trainer_state.json").string(), detail::trainerStateJson(state, o));
    summary.trainLoss = trainLoss;
}

} // namespace captioner
