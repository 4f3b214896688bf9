#include "captioner/training_events.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace captioner {

namespace {

// JSON has no NaN or Inf: a non-finite number is written as null.
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

} // namespace

std::string eventTypeName(TrainingEventType type) {
    switch (type) {
    case TrainingEventType::Started: return "started";
    case TrainingEventType::Step: return "step";
    case TrainingEventType::Epoch: return "epoch";
    case TrainingEventType::Evaluated: return "eval";
    case TrainingEventType::CheckpointSaved: return "checkpoint";
    case TrainingEventType::NonFiniteLoss: return "nonfinite";
    case TrainingEventType::Paused: return "paused";
    case TrainingEventType::Resumed: return "resumed";
    case TrainingEventType::Log: return "log";
    case TrainingEventType::Finished: return "finished";
    case TrainingEventType::Failed: return "failed";
    }
    return "log";
}

nlohmann::json evalMetricsJson(const EvalResult& e) {
    nlohmann::json j;
    j["eval_loss"] = number(e.loss);
    j["eval_wer_teacher_forced"] = number(e.werTeacherForced.wer);
    if (e.generated.count > 0) {
        j["eval_wer"] = number(e.generated.wer.wer);
        j["eval_rouge_l"] = number(e.generated.rougeL);
        j["eval_bleu4"] = number(e.generated.bleu4);
        j["eval_cider"] = number(e.generated.cider);
    }
    j["eval_runtime"] = number(e.runtimeSeconds);
    j["eval_samples_per_second"] = number(e.runtimeSeconds > 0 ? static_cast<double>(e.count) / e.runtimeSeconds : 0.0);
    j["eval_count"] = e.count;
    return j;
}

nlohmann::json evalSamplesJson(const std::vector<EvalSample>& samples) {
    auto out = nlohmann::json::array();
    for (const auto& s : samples)
        out.push_back({{"image", s.imagePath}, {"prediction", s.prediction}, {"reference", s.reference}});
    return out;
}

nlohmann::json TrainingEvent::toJson() const {
    nlohmann::json j;
    j["event"] = eventTypeName(type);
    j["step"] = step;
    j["epoch"] = number(epoch);
    switch (type) {
    case TrainingEventType::Started:
        j["max_steps"] = maxSteps;
        j["steps_per_epoch"] = stepsPerEpoch;
        j["num_epochs"] = numEpochs;
        j["train_count"] = trainCount;
        j["test_count"] = testCount;
        j["resumed_from_step"] = resumedFromStep;
        j["device"] = device;
        j["precision"] = precision;
        break;
    case TrainingEventType::Step:
        j["max_steps"] = maxSteps;
        j["loss"] = number(loss);
        j["learning_rate"] = number(learningRate);
        j["grad_norm"] = number(gradNorm);
        j["samples_per_second"] = number(samplesPerSecond);
        j["eta_seconds"] = number(etaSeconds);
        if (lossScale != 1) j["loss_scale"] = lossScale;
        break;
    case TrainingEventType::Evaluated: {
        j["metrics"] = evalMetricsJson(eval);
        j["samples"] = evalSamplesJson(eval.samples);
        break;
    }
    case TrainingEventType::CheckpointSaved:
        j["path"] = path;
        j["is_best"] = isBest;
        break;
    case TrainingEventType::Finished:
        j["status"] = status;
        j["output_dir"] = path;
        j["best_checkpoint"] = bestCheckpoint;
        j["best_metric"] = number(bestMetric);
        j["metric_for_best_model"] = metricForBest;
        break;
    case TrainingEventType::Failed:
        j["message"] = message;
        j["last_checkpoint"] = lastCheckpoint;
        break;
    case TrainingEventType::NonFiniteLoss:
    case TrainingEventType::Log:
        j["message"] = message;
        break;
    case TrainingEventType::Epoch:
    case TrainingEventType::Paused:
    case TrainingEventType::Resumed:
        break;
    }
    return j;
}

} // namespace captioner
