#pragma once
// Shared by the trainer tests: a small demo set-up (dataset + tiny model with its own SentencePiece
// tokenizer, built once per test binary) and an observer that records events thread-safely.
#include "captioner/demo_model.h"
#include "captioner/trainer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace trainer_test {

// Events as the trainer sent them; waitFor() blocks (up to a generous limit) until one matches.
class Recorder : public captioner::TrainingObserver {
public:
    std::function<void(const captioner::TrainingEvent&)> onEach; // runs on the training thread

    void onEvent(const captioner::TrainingEvent& e) override {
        if (onEach) onEach(e);
        std::lock_guard<std::mutex> lock(m_mutex);
        m_events.push_back(e);
        m_cv.notify_all();
    }
    std::vector<captioner::TrainingEvent> events() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_events;
    }
    std::vector<captioner::TrainingEvent> of(captioner::TrainingEventType type) const {
        std::vector<captioner::TrainingEvent> out;
        for (const auto& e : events())
            if (e.type == type) out.push_back(e);
        return out;
    }
    bool waitFor(const std::function<bool(const captioner::TrainingEvent&)>& match, int seconds = 300) {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_cv.wait_for(lock, std::chrono::seconds(seconds), [&] {
            for (const auto& e : m_events)
                if (match(e)) return true;
            return false;
        });
    }
    int64_t lastStep() const {
        int64_t s = 0;
        for (const auto& e : events())
            if (e.type == captioner::TrainingEventType::Step) s = e.step;
        return s;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<captioner::TrainingEvent> m_events;
};

// Small quick options over a prepared demo folder: batch 8, accumulation 2, no eval, no save.
inline captioner::TrainingOptions quickOptions(const captioner::DemoRecipe& recipe, const std::string& out) {
    auto o = captioner::demoTrainingOptions(recipe);
    o.outputDir = out;
    o.batchSize = 8;
    o.gradientAccumulation = 2;
    o.evalBatchSize = 16;
    o.evalSteps = 0;
    o.saveSteps = 0;
    o.saveTotalLimit = 0;
    o.loggingSteps = 1;
    o.workers = 1;
    o.maxSteps = 4;
    // The files themselves, on the configured threads: these tests pin what training does with a dataset's
    // images (test_trainer's freshImagesOnOneThread covers the demo's rendered images).
    o.trainRenderer = {};
    o.computeThreads = 0;
    o.dataParallelThreads = 1;
    return o;
}

// A copy of the base model with dropout switched on, so that resuming must restore the RNG too.
inline std::string withDropout(const std::string& baseModel, const std::string& dir) {
    namespace fs = std::filesystem;
    if (fs::exists(fs::path(dir) / "config.json")) return dir;
    fs::create_directories(dir);
    for (const auto& f : fs::directory_iterator(baseModel)) fs::copy(f.path(), fs::path(dir) / f.path().filename());
    std::ifstream in(fs::path(dir) / "config.json");
    nlohmann::json c = nlohmann::json::parse(in);
    c["hidden_dropout_prob"] = 0.1;
    c["attention_probs_dropout_prob"] = 0.1;
    std::ofstream(fs::path(dir) / "config.json") << c.dump(2);
    return dir;
}

} // namespace trainer_test
