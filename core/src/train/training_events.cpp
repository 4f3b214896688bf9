#include "captioner/training_events.h"

#include "captioner/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace captioner {

namespace {

// JSON has no NaN or Inf: a non-finite number is written as null.
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

} // namespace

bool parseEventTypeName(const std::string& name, TrainingEventType* type) {
    for (int i = 0; i <= static_cast<int>(TrainingEventType::Failed); ++i) {
        const auto t = static_cast<TrainingEventType>(i);
        if (eventTypeName(t) == name) {
            if (type) *type = t;
            return true;
        }
    }
    return false;
}

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
    case TrainingEventType::Log: j["message"] = message; break;
    case TrainingEventType::Epoch:
    case TrainingEventType::Paused:
    case TrainingEventType::Resumed: break;
    }
    return j;
}

namespace {

// Readers of one JSON object that name the key when its value has the wrong type.
struct Fields {
    const nlohmann::json& j;

    const nlohmann::json* find(const char* key) const {
        auto it = j.find(key);
        return it == j.end() ? nullptr : &*it;
    }
    double real(const char* key, double fallback = 0) const {
        const auto* v = find(key);
        if (!v) return fallback;
        if (v->is_null()) return std::numeric_limits<double>::quiet_NaN(); // toJson's non-finite
        if (!v->is_number()) throw Error("training event", std::string("'") + key + "' is not a number");
        return v->get<double>();
    }
    int64_t integer(const char* key) const {
        const auto* v = find(key);
        if (!v) return 0;
        if (!v->is_number_integer()) throw Error("training event", std::string("'") + key + "' is not an integer");
        return v->get<int64_t>();
    }
    std::string text(const char* key) const {
        const auto* v = find(key);
        if (!v) return {};
        if (!v->is_string()) throw Error("training event", std::string("'") + key + "' is not a string");
        return v->get<std::string>();
    }
    bool flag(const char* key) const {
        const auto* v = find(key);
        if (!v) return false;
        if (!v->is_boolean()) throw Error("training event", std::string("'") + key + "' is not true or false");
        return v->get<bool>();
    }
};

EvalResult evalFromJson(const nlohmann::json& metrics, const nlohmann::json* samples) {
    if (!metrics.is_object()) throw Error("training event", "'metrics' is not an object");
    const Fields m{metrics};
    EvalResult e;
    e.loss = m.real("eval_loss");
    e.werTeacherForced.wer = m.real("eval_wer_teacher_forced");
    e.count = m.integer("eval_count");
    e.runtimeSeconds = m.real("eval_runtime");
    if (m.find("eval_wer")) {
        // The line does not say how many images were captioned, only that some were.
        e.generated.count = e.count > 0 ? e.count : 1;
        e.generated.wer.wer = m.real("eval_wer");
        e.generated.rougeL = m.real("eval_rouge_l");
        e.generated.bleu4 = m.real("eval_bleu4");
        e.generated.cider = m.real("eval_cider");
    }
    if (samples) {
        if (!samples->is_array()) throw Error("training event", "'samples' is not a list");
        for (const auto& s : *samples) {
            if (!s.is_object()) throw Error("training event", "a sample is not an object");
            const Fields f{s};
            e.samples.push_back({f.text("image"), f.text("prediction"), f.text("reference")});
        }
    }
    return e;
}

} // namespace

TrainingEvent TrainingEvent::fromJson(const nlohmann::json& j) {
    if (!j.is_object()) throw Error("training event", "not a JSON object");
    const Fields f{j};
    TrainingEvent e;
    const std::string name = f.text("event");
    if (name.empty()) throw Error("training event", "no 'event' key");
    if (!parseEventTypeName(name, &e.type)) throw Error("training event", "unknown event '" + name + "'");
    e.step = f.integer("step");
    e.epoch = f.real("epoch");
    switch (e.type) {
    case TrainingEventType::Started:
        e.maxSteps = f.integer("max_steps");
        e.stepsPerEpoch = f.integer("steps_per_epoch");
        e.numEpochs = f.integer("num_epochs");
        e.trainCount = f.integer("train_count");
        e.testCount = f.integer("test_count");
        e.resumedFromStep = f.integer("resumed_from_step");
        e.device = f.text("device");
        e.precision = f.text("precision");
        break;
    case TrainingEventType::Step:
        e.maxSteps = f.integer("max_steps");
        e.loss = f.real("loss");
        e.learningRate = f.real("learning_rate");
        e.gradNorm = f.real("grad_norm");
        e.samplesPerSecond = f.real("samples_per_second");
        e.etaSeconds = f.real("eta_seconds");
        e.lossScale = f.real("loss_scale", 1);
        break;
    case TrainingEventType::Evaluated: {
        const auto* metrics = f.find("metrics");
        if (!metrics) throw Error("training event", "an eval event without 'metrics'");
        e.eval = evalFromJson(*metrics, f.find("samples"));
        break;
    }
    case TrainingEventType::CheckpointSaved:
        e.path = f.text("path");
        e.isBest = f.flag("is_best");
        break;
    case TrainingEventType::Finished:
        e.status = f.text("status");
        e.path = f.text("output_dir");
        e.bestCheckpoint = f.text("best_checkpoint");
        e.bestMetric = f.real("best_metric");
        e.metricForBest = f.text("metric_for_best_model");
        break;
    case TrainingEventType::Failed:
        e.message = f.text("message");
        e.lastCheckpoint = f.text("last_checkpoint");
        break;
    case TrainingEventType::NonFiniteLoss:
    case TrainingEventType::Log: e.message = f.text("message"); break;
    case TrainingEventType::Epoch:
    case TrainingEventType::Paused:
    case TrainingEventType::Resumed: break;
    }
    return e;
}

TrainingEvent TrainingEvent::fromLogHistory(const nlohmann::json& entry) {
    if (!entry.is_object()) throw Error("training log entry", "not a JSON object");
    const Fields f{entry};
    TrainingEvent e;
    e.step = f.integer("step");
    e.epoch = f.real("epoch");
    if (f.find("eval_loss")) {
        e.type = TrainingEventType::Evaluated;
        e.eval = evalFromJson(entry, nullptr);
    } else if (f.find("loss")) {
        e.type = TrainingEventType::Step;
        e.loss = f.real("loss");
        e.learningRate = f.real("learning_rate");
        e.gradNorm = f.real("grad_norm");
    } else {
        e.type = TrainingEventType::Log;
    }
    return e;
}

} // namespace captioner
