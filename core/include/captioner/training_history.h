#pragma once
// What a training output folder says about its run, read back without LibTorch: the loss and eval
// curves of trainer_state.json's log_history (as the Step and Evaluated events that wrote them) and
// its checkpoints with their metrics. The GUI's Train page rebuilds its charts and checkpoint list
// from it when it opens a finished run or resumes one; `captioner train --watch` and the GUI's watch
// mode follow events.jsonl instead (captioner/event_log.h).
#include "captioner/trainer.h"
#include "captioner/training_events.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace captioner {

// One complete checkpoint-<step> folder and the eval metrics logged at its step (NaN: not logged).
struct CheckpointRecord {
    std::string path; // absolute
    int64_t step = 0;
    double evalLoss = std::numeric_limits<double>::quiet_NaN();
    double evalWer = std::numeric_limits<double>::quiet_NaN(); // generated captions' WER
    double evalWerTeacherForced = std::numeric_limits<double>::quiet_NaN();
    bool isBest = false; // the run's best_model_checkpoint
};

struct TrainingHistory {
    std::vector<TrainingEvent> entries;        // Step and Evaluated events, in log order
    std::vector<CheckpointRecord> checkpoints; // newest first
    std::string bestCheckpoint;                // as trainer_state.json names it ("" when none)
    int64_t globalStep = 0, maxSteps = 0;
};

// Reads the newest trainer_state.json of outputDir: its own (written at the end) or its newest
// checkpoint's, whichever has the higher global_step (an interrupted run's root state is older).
// Throws Error naming the folder when neither holds one, or naming the file that cannot be parsed.
TrainingHistory readTrainingHistory(const std::string& outputDir);

// The options the run in outputDir was started with, as its newest checkpoint's training_args.json
// records them (what the file leaves out stays at TrainingOptions' defaults); nullopt while no
// checkpoint exists yet. Throws Error naming a damaged file.
std::optional<TrainingOptions> readTrainingArgs(const std::string& outputDir);

// The complete checkpoint-<step> folders of outputDir (listCheckpoints), newest first, with the
// metrics their own trainer_state.json logged at their step and the best one marked. A checkpoint
// whose state cannot be read is listed without metrics.
std::vector<CheckpointRecord> listCheckpointRecords(const std::string& outputDir);

} // namespace captioner
