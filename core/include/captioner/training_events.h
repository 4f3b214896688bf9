#pragma once
// What the trainer tells the outside world while it runs. Every event is one TrainingEvent; the
// observer receives them on the training thread, in order, and must return quickly (the GUI re-emits
// them as queued signals, the CLI prints them). toJson() is the `captioner train --json` line format.
#include "captioner/evaluation.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace captioner {

enum class TrainingEventType {
    Started,         // plan known: maxSteps, stepsPerEpoch, numEpochs, trainCount, testCount, device, resumed step
    Step,            // one optimizer step done: loss, learningRate, gradNorm, samplesPerSecond, etaSeconds
    Epoch,           // an epoch finished: epoch (1-based count of finished epochs)
    Evaluated,       // eval metrics at step (eval) and sample captions (samples)
    CheckpointSaved, // path, isBest
    NonFiniteLoss,   // a NaN/Inf loss or gradient: the step was skipped (message says which)
    Paused,
    Resumed,
    Log,      // free text worth showing (resume source, skipped images, scale changes)
    Finished, // status "completed" or "cancelled"; bestCheckpoint, bestMetric, outputDir
    Failed,   // message: why the run stopped; lastCheckpoint: the newest complete checkpoint
};

std::string eventTypeName(TrainingEventType type); // "started", "step", ... as in the JSON "event" key
bool parseEventTypeName(const std::string& name, TrainingEventType* type); // false for an unknown name

struct TrainingEvent {
    TrainingEventType type = TrainingEventType::Log;
    int64_t step = 0; // optimizer steps done so far (global_step)
    int64_t maxSteps = 0;
    double epoch = 0; // fractional epoch, step / stepsPerEpoch (finished epochs for Epoch)

    // Step
    double loss = 0;             // mean loss of the step's micro-batches
    double learningRate = 0;     // the rate the next step will use (what HF logs)
    double gradNorm = 0;         // before clipping
    double samplesPerSecond = 0; // training throughput over the run so far (evals excluded)
    double etaSeconds = 0;       // remaining time at the recent pace (evals and saves included)
    double lossScale = 1;        // fp16 dynamic loss scale (1 otherwise)

    // Evaluated
    EvalResult eval;

    // CheckpointSaved / Finished / Failed
    std::string path; // checkpoint folder saved; output folder when finished
    bool isBest = false;
    std::string bestCheckpoint;
    double bestMetric = 0;
    std::string metricForBest;  // e.g. "eval_loss"
    std::string status;         // Finished: "completed" or "cancelled"
    std::string message;        // Log / NonFiniteLoss / Failed text
    std::string lastCheckpoint; // Failed: newest complete checkpoint ("" if none)

    // Started
    int64_t stepsPerEpoch = 0, numEpochs = 0, trainCount = 0, testCount = 0, resumedFromStep = 0;
    std::string device, precision;

    nlohmann::json toJson() const;
    // The inverse of toJson() (events.jsonl, `captioner train --json` lines): toJson(fromJson(j)) == j
    // for every line toJson writes; null numbers (non-finite) come back as NaN. What toJson leaves out
    // stays default: WER's edit counts, EvalResult::skipped; generated.count is eval_count when the
    // line has generated metrics. Throws Error naming the problem for a line that is not an event.
    static TrainingEvent fromJson(const nlohmann::json& json);
    // An entry of trainer_state.json's log_history as the event that logged it: Evaluated when it has
    // eval_loss (eval.generated.count > 0 when it has eval_wer), Step when it has loss (loss,
    // learningRate, gradNorm), Log for anything else (the final summary). Throws Error as fromJson.
    static TrainingEvent fromLogHistory(const nlohmann::json& entry);
};

class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void onEvent(const TrainingEvent& event) = 0;
};

// The eval metrics as Trainer logs them: eval_loss, eval_wer, eval_wer_teacher_forced, eval_rouge_l,
// eval_bleu4, eval_cider, eval_runtime, eval_samples_per_second, eval_count (generated metrics only
// when captions were generated).
nlohmann::json evalMetricsJson(const EvalResult& eval);

// Sample captions as a JSON list of {"image", "prediction", "reference"} (events, `captioner eval`, `demo`).
nlohmann::json evalSamplesJson(const std::vector<EvalSample>& samples);

} // namespace captioner
