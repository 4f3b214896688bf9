#include "trainer_state.h"

#include "util/json_file.h"

#include "captioner/atomic_file.h"
#include "captioner/error.h"
#include "captioner/safetensors.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace captioner::detail {

nlohmann::json trainingArgsJson(const TrainingOptions& o) {
    return {{"model", o.modelDir},
            {"data", o.dataPath},
            {"output_dir", o.outputDir},
            {"device", o.device},
            {"precision", precisionName(o.precision)},
            {"learning_rate", o.learningRate},
            {"adam_beta1", o.adamBeta1},
            {"adam_beta2", o.adamBeta2},
            {"adam_epsilon", o.adamEpsilon},
            {"weight_decay", o.weightDecay},
            {"lr_scheduler_type", o.lrScheduler},
            {"warmup_ratio", o.warmupRatio},
            {"warmup_steps", o.warmupSteps},
            {"max_grad_norm", o.maxGradNorm},
            {"num_train_epochs", o.numEpochs},
            {"per_device_train_batch_size", o.batchSize},
            {"per_device_eval_batch_size", o.evalBatchSize > 0 ? o.evalBatchSize : o.batchSize},
            {"gradient_accumulation_steps", o.gradientAccumulation},
            {"max_steps", o.maxSteps},
            {"logging_steps", o.loggingSteps},
            {"eval_steps", o.evalSteps},
            {"save_steps", o.saveSteps},
            {"save_total_limit", o.saveTotalLimit},
            {"load_best_model_at_end", o.loadBestModelAtEnd},
            {"metric_for_best_model", o.metricForBest},
            {"greater_is_better", greaterIsBetter(o.metricForBest)},
            {"test_size", o.testSize},
            {"seed", o.seed},
            {"generation_max_length", o.generationMaxLength},
            {"eval_generate_limit", o.evalGenerateLimit}};
}

TrainingOptions trainingOptionsFromArgsJson(const nlohmann::json& j, const std::string& path) {
    if (!j.is_object()) throw Error(path, "is not a JSON object");
    TrainingOptions o;
    try {
        o.modelDir = j.value("model", o.modelDir);
        o.dataPath = j.value("data", o.dataPath);
        o.outputDir = j.value("output_dir", o.outputDir);
        o.device = j.value("device", o.device);
        o.precision = parsePrecision(j.value("precision", precisionName(o.precision)));
        o.learningRate = j.value("learning_rate", o.learningRate);
        o.adamBeta1 = j.value("adam_beta1", o.adamBeta1);
        o.adamBeta2 = j.value("adam_beta2", o.adamBeta2);
        o.adamEpsilon = j.value("adam_epsilon", o.adamEpsilon);
        o.weightDecay = j.value("weight_decay", o.weightDecay);
        o.lrScheduler = j.value("lr_scheduler_type", o.lrScheduler);
        o.warmupRatio = j.value("warmup_ratio", o.warmupRatio);
        o.warmupSteps = j.value("warmup_steps", o.warmupSteps);
        o.maxGradNorm = j.value("max_grad_norm", o.maxGradNorm);
        o.numEpochs = j.value("num_train_epochs", o.numEpochs);
        o.batchSize = j.value("per_device_train_batch_size", o.batchSize);
        o.evalBatchSize = j.value("per_device_eval_batch_size", o.evalBatchSize);
        if (o.evalBatchSize == o.batchSize) o.evalBatchSize = 0; // written as the batch size when unset
        o.gradientAccumulation = j.value("gradient_accumulation_steps", o.gradientAccumulation);
        o.maxSteps = j.value("max_steps", o.maxSteps);
        o.loggingSteps = j.value("logging_steps", o.loggingSteps);
        o.evalSteps = j.value("eval_steps", o.evalSteps);
        o.saveSteps = j.value("save_steps", o.saveSteps);
        o.saveTotalLimit = j.value("save_total_limit", o.saveTotalLimit);
        o.loadBestModelAtEnd = j.value("load_best_model_at_end", o.loadBestModelAtEnd);
        o.metricForBest = j.value("metric_for_best_model", o.metricForBest);
        o.testSize = j.value("test_size", o.testSize);
        o.seed = j.value("seed", o.seed);
        o.generationMaxLength = j.value("generation_max_length", o.generationMaxLength);
        o.evalGenerateLimit = j.value("eval_generate_limit", o.evalGenerateLimit);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("unexpected training arguments: ") + e.what());
    }
    return o;
}

namespace {

std::vector<torch::Generator> generators(const torch::Device& device) {
    std::vector<torch::Generator> g{at::detail::getDefaultCPUGenerator()};
    if (device.is_cuda()) g.push_back(at::globalContext().defaultGenerator(device));
    return g;
}

} // namespace

void writeJson(const std::string& path, const nlohmann::json& j) { writeFileAtomically(path, j.dump(2) + "\n"); }

std::string metricKey(const std::string& m) { return m.rfind("eval_", 0) == 0 ? m : "eval_" + m; }

bool greaterIsBetter(const std::string& m) {
    const std::string k = metricKey(m);
    return k == "eval_rouge_l" || k == "eval_bleu4" || k == "eval_cider";
}

nlohmann::json trainerStateJson(const TrainerState& s, const TrainingOptions& o) {
    nlohmann::json j;
    j["best_metric"] = s.bestMetric ? nlohmann::json(*s.bestMetric) : nlohmann::json(nullptr);
    j["best_model_checkpoint"] = s.bestCheckpoint.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.bestCheckpoint);
    j["epoch"] = s.epoch;
    j["eval_steps"] = o.evalSteps;
    j["global_step"] = s.globalStep;
    j["is_hyper_param_search"] = false;
    j["is_local_process_zero"] = true;
    j["is_world_process_zero"] = true;
    j["log_history"] = s.logHistory;
    j["logging_steps"] = o.loggingSteps;
    j["max_steps"] = s.maxSteps;
    j["num_input_tokens_seen"] = 0;
    j["num_train_epochs"] = s.numEpochs;
    j["save_steps"] = o.saveSteps;
    j["total_flos"] = s.totalFlos;
    j["train_batch_size"] = o.batchSize;
    j["trial_name"] = nullptr;
    j["trial_params"] = nullptr;
    j["captioner"] = {{"steps_per_epoch", s.stepsPerEpoch},
                      {"loss_scale", s.lossScale},
                      {"loss_scale_good_steps", s.lossScaleGoodSteps},
                      {"metric_for_best_model", metricKey(o.metricForBest)},
                      {"fingerprint", s.fingerprint}};
    return j;
}

TrainerState trainerStateFromJson(const nlohmann::json& j, const std::string& path) {
    TrainerState s;
    try {
        s.globalStep = j.at("global_step").get<int64_t>();
        s.epoch = j.value("epoch", 0.0);
        s.maxSteps = j.value("max_steps", int64_t{0});
        s.numEpochs = j.value("num_train_epochs", int64_t{0});
        s.logHistory = j.value("log_history", nlohmann::json::array());
        if (!s.logHistory.is_array()) throw Error(path, "log_history is not a list");
        if (j.contains("best_model_checkpoint") && j["best_model_checkpoint"].is_string())
            s.bestCheckpoint = j["best_model_checkpoint"].get<std::string>();
        if (j.contains("best_metric") && j["best_metric"].is_number()) s.bestMetric = j["best_metric"].get<double>();
        s.totalFlos = j.value("total_flos", 0.0);
        if (j.contains("captioner")) {
            const auto& c = j["captioner"];
            s.stepsPerEpoch = c.value("steps_per_epoch", int64_t{0});
            s.lossScale = c.value("loss_scale", 65536.0);
            s.lossScaleGoodSteps = c.value("loss_scale_good_steps", int64_t{0});
            s.fingerprint = c.value("fingerprint", nlohmann::json::object());
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("unexpected trainer state: ") + e.what());
    }
    if (s.globalStep < 0) throw Error(path, "negative global_step");
    return s;
}

void writeTrainingFiles(const std::string& folder, const TrainerState& state, const TrainingOptions& options,
                        const AdamW& optimizer, const LrSchedule& schedule, const torch::Device& device) {
    const fs::path dir(folder);
    optimizer.saveState((dir / "optimizer.safetensors").string());
    writeJson((dir / "scheduler.json").string(), {{"lr_scheduler_type", LrSchedule::kindName(schedule.kind())},
                                                  {"base_lr", schedule.baseLr()},
                                                  {"warmup_steps", schedule.warmupSteps()},
                                                  {"total_steps", schedule.totalSteps()},
                                                  {"last_step", state.globalStep},
                                                  {"last_lr", schedule.learningRate(state.globalStep)}});
    std::vector<std::pair<std::string, torch::Tensor>> rng;
    const auto gens = generators(device);
    for (size_t i = 0; i < gens.size(); ++i) {
        auto g = gens[i];
        std::lock_guard<std::mutex> lock(g.mutex());
        rng.emplace_back(i == 0 ? "cpu" : "cuda", g.get_state().clone());
    }
    saveSafetensors((dir / "rng_state.safetensors").string(), rng, {{"format", "captioner"}});
    writeJson((dir / "training_args.json").string(), trainingArgsJson(options));
    // Written last: a folder with a readable trainer_state.json has all its other files.
    writeJson((dir / "trainer_state.json").string(), trainerStateJson(state, options));
}

TrainerState restoreTrainingCheckpoint(const std::string& folder, GitForCausalLM& model, AdamW& optimizer,
                                       const torch::Device& device) {
    const fs::path dir(folder);
    const std::string statePath = (dir / "trainer_state.json").string();
    TrainerState state = trainerStateFromJson(readJsonFile(statePath), statePath);
    const int64_t named = checkpointStep(dir.filename().string());
    if (named >= 0 && named != state.globalStep)
        throw Error(statePath, "global_step " + std::to_string(state.globalStep) + " does not match the folder name");

    // Validate everything before touching the live model and optimizer.
    const std::string weightsPath = (dir / "model.safetensors").string();
    auto weights = loadSafetensors(weightsPath);
    const std::string rngPath = (dir / "rng_state.safetensors").string();
    auto rngFile = SafetensorsFile::open(rngPath);
    if (!rngFile->contains("cpu")) throw Error(rngPath, "no CPU generator state");
    model->loadStateDict(weights, weightsPath);
    optimizer.loadState((dir / "optimizer.safetensors").string());
    const auto gens = generators(device);
    for (size_t i = 0; i < gens.size(); ++i) {
        const std::string name = i == 0 ? "cpu" : "cuda";
        if (!rngFile->contains(name)) continue; // a CPU run resumed on CUDA starts the CUDA stream fresh
        auto g = gens[i];
        std::lock_guard<std::mutex> lock(g.mutex());
        try {
            g.set_state(rngFile->tensor(name).clone());
        } catch (const c10::Error& e) {
            throw Error(rngPath,
                        "generator state '" + name + "' does not fit this LibTorch: " + e.what_without_backtrace());
        }
    }
    return state;
}

} // namespace captioner::detail
