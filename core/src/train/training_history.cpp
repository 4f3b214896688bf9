// Reading a training output folder back: trainer_state.json's log_history and the checkpoint list.
#include "captioner/training_history.h"

#include "captioner/error.h"
#include "captioner/trainer.h"

#include "../util/json_file.h"
#include "checkpoint_folders.h"
#include "trainer_state.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace captioner {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStateFile = "trainer_state.json";

int64_t globalStepOf(const nlohmann::json& state) {
    const auto it = state.find("global_step");
    return it != state.end() && it->is_number_integer() ? it->get<int64_t>() : -1;
}

std::string bestCheckpointOf(const nlohmann::json& state) {
    const auto it = state.find("best_model_checkpoint");
    return it != state.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The state of a folder, or an empty object when it has none (a parse error still throws).
nlohmann::json stateOf(const fs::path& folder) {
    const fs::path file = folder / kStateFile;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return nlohmann::json::object();
    nlohmann::json state = detail::readJsonFile(file.string());
    if (!state.is_object()) throw Error(file.string(), "is not a JSON object");
    return state;
}

const nlohmann::json& logHistoryOf(const nlohmann::json& state, const fs::path& file) {
    static const nlohmann::json empty = nlohmann::json::array();
    const auto it = state.find("log_history");
    if (it == state.end()) return empty;
    if (!it->is_array()) throw Error(file.string(), "log_history is not a list");
    return *it;
}

} // namespace

std::optional<TrainingOptions> readTrainingArgs(const std::string& outputDir) {
    for (const std::string& checkpoint : listCheckpoints(outputDir)) {
        const fs::path file = fs::path(checkpoint) / "training_args.json";
        std::error_code ec;
        if (!fs::is_regular_file(file, ec)) continue; // a checkpoint of another tool: look further back
        return detail::trainingOptionsFromArgsJson(detail::readJsonFile(file.string()), file.string());
    }
    return std::nullopt;
}

std::vector<CheckpointRecord> listCheckpointRecords(const std::string& outputDir) {
    std::vector<CheckpointRecord> records;
    std::string best;
    for (const std::string& path : listCheckpoints(outputDir)) {
        CheckpointRecord record;
        const fs::path folder = fs::absolute(path).lexically_normal();
        record.path = folder.string();
        record.step = detail::checkpointStep(folder.filename().string());
        try {
            const nlohmann::json state = stateOf(folder);
            if (best.empty()) best = bestCheckpointOf(state); // the newest knows best
            for (const auto& entry : logHistoryOf(state, folder / kStateFile)) {
                const TrainingEvent e = TrainingEvent::fromLogHistory(entry);
                if (e.type != TrainingEventType::Evaluated || e.step != record.step) continue;
                record.evalLoss = e.eval.loss;
                record.evalWerTeacherForced = e.eval.werTeacherForced.wer;
                if (e.eval.generated.count > 0) record.evalWer = e.eval.generated.wer.wer;
            }
        } catch (const Error&) {
            // Listed without metrics: the folder is complete (listCheckpoints checked), its log is not ours to fix.
        }
        records.push_back(std::move(record));
    }
    if (!best.empty()) {
        // Stored as the trainer was given the output folder (maybe relative): compare folder names.
        const std::string bestName = fs::path(best).lexically_normal().filename().string();
        for (CheckpointRecord& r : records) r.isBest = fs::path(r.path).filename().string() == bestName;
    }
    return records;
}

TrainingHistory readTrainingHistory(const std::string& outputDir) {
    // The root holds the state written at the end; a checkpoint may be newer when the run was interrupted.
    fs::path source = fs::path(outputDir) / kStateFile;
    nlohmann::json state = stateOf(outputDir);
    const std::vector<std::string> checkpoints = listCheckpoints(outputDir);
    if (!checkpoints.empty()) {
        nlohmann::json newest = stateOf(checkpoints.front());
        if (state.empty() || globalStepOf(newest) > globalStepOf(state)) {
            state = std::move(newest);
            source = fs::path(checkpoints.front()) / kStateFile;
        }
    }
    if (state.empty()) throw Error(outputDir, "no trainer_state.json here or in a checkpoint-<step> folder");
    TrainingHistory history;
    history.globalStep = std::max<int64_t>(0, globalStepOf(state));
    const auto maxSteps = state.find("max_steps");
    history.maxSteps = maxSteps != state.end() && maxSteps->is_number_integer() ? maxSteps->get<int64_t>() : 0;
    history.bestCheckpoint = bestCheckpointOf(state);
    for (const auto& entry : logHistoryOf(state, source)) {
        TrainingEvent e;
        try {
            e = TrainingEvent::fromLogHistory(entry);
        } catch (const Error& error) {
            throw Error(source.string(), std::string("log_history: ") + error.what());
        }
        if (e.type == TrainingEventType::Log) continue; // the final train summary
        e.maxSteps = history.maxSteps;
        history.entries.push_back(std::move(e));
    }
    history.checkpoints = listCheckpointRecords(outputDir);
    return history;
}

} // namespace captioner
