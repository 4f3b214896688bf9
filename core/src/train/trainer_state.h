#pragma once
// The resumable state of a training run and its files in a checkpoint folder (internal to the trainer).
#include "captioner/checkpoint.h"
#include "captioner/optimizer.h"
#include "captioner/trainer.h"

#include "checkpoint_folders.h" // checkpointStep, rotateCheckpoints (the trainer rotates after each save)

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace captioner::detail {

struct TrainerState {
    int64_t globalStep = 0;
    double epoch = 0;
    int64_t maxSteps = 0, numEpochs = 0, stepsPerEpoch = 0;
    nlohmann::json logHistory = nlohmann::json::array();
    std::string bestCheckpoint; // folder path as written (HF: best_model_checkpoint)
    std::optional<double> bestMetric;
    double lossScale = 65536.0;
    int64_t lossScaleGoodSteps = 0;
    double totalFlos = 0;
    nlohmann::json fingerprint; // what must match for a resume to reproduce the uninterrupted run
};

// training_args.json: the options a checkpoint was trained with (HF's names where HF has one), and back.
// The reader takes what the file has over the defaults and throws Error(path, …) for a wrong type.
nlohmann::json trainingArgsJson(const TrainingOptions& options);
TrainingOptions trainingOptionsFromArgsJson(const nlohmann::json& j, const std::string& path);

// Pretty-printed JSON written atomically (trainer_state.json, scheduler.json, training_args.json).
void writeJson(const std::string& path, const nlohmann::json& j);

// HF's trainer_state.json plus a "captioner" block (loss scale, fingerprint).
nlohmann::json trainerStateJson(const TrainerState& state, const TrainingOptions& options);
TrainerState trainerStateFromJson(const nlohmann::json& j, const std::string& path);

// Writes optimizer.safetensors, scheduler.json, rng_state.safetensors, training_args.json and
// trainer_state.json into folder (a checkpoint being built).
void writeTrainingFiles(const std::string& folder, const TrainerState& state, const TrainingOptions& options,
                        const AdamW& optimizer, const LrSchedule& schedule, const torch::Device& device);

// Reads a checkpoint-N folder back into model, optimizer and RNG; throws Error naming the file that
// is missing or damaged. The model is only changed when the weights loaded completely.
TrainerState restoreTrainingCheckpoint(const std::string& folder, GitForCausalLM& model, AdamW& optimizer,
                                       const torch::Device& device);

// HF rounds logged numbers: loss to 4 digits, epoch to 2.
inline double round4(double v) { return std::round(v * 1e4) / 1e4; }
inline double round2(double v) { return std::round(v * 1e2) / 1e2; }

std::string metricKey(const std::string& metricForBest); // "loss" -> "eval_loss"
bool greaterIsBetter(const std::string& metricForBest);

} // namespace captioner::detail
