#pragma once
// Trainer fine-tunes a GIT checkpoint on a caption dataset with the recipe of Hugging Face's image
// captioning guide (Trainer + TrainingArguments), from C++:
//   AdamW lr 5e-5, linear decay (optional warm-up), 50 epochs, batch 32, gradient accumulation 2,
//   gradient clipping at 1.0, eval and save every 50 steps, keep 3 checkpoints, load the best (lowest
//   eval loss) at the end, 90/10 seeded split (datasets' train_test_split), seed 42.
// Steps: an optimizer step takes gradientAccumulation batches; the last step of an epoch may take
// fewer (its loss is their mean). stepsPerEpoch = ceil(batches / accumulation), maxSteps = epochs *
// stepsPerEpoch unless capped. The data order is a function of (seed, epoch) only, so a run resumed
// from checkpoint-N continues with exactly the batches, dropout draws and updates of an uninterrupted
// run. Pad positions are left out of the loss (the guide pads to 512 and trains on the pads).
// Checkpoints: <out>/checkpoint-<step>/ holds the HF model folder (config.json, model.safetensors,
// tokenizer, preprocessor_config.json) plus optimizer.safetensors, scheduler.json, rng_state.safetensors,
// training_args.json and trainer_state.json (HF's schema, log_history included), built under a temporary
// name and renamed into place, so every checkpoint-N folder that exists is complete. At the end the
// best model is written to <out>/ itself.
// Thread-safety: run() on one thread; pause(), resume(), cancel() and isPaused() from any thread.
//
// Usage (#include "captioner/captioner.h"):
//
//   struct Printer : captioner::TrainingObserver {         // called on the training thread, in order
//       void onEvent(const captioner::TrainingEvent& e) override { std::puts(e.toJson().dump().c_str()); }
//   } printer;                                               // (toJson() needs <nlohmann/json.hpp>)
//   captioner::TrainingOptions options;
//   options.modelDir = "models/git-base";  options.dataPath = "photos";  options.outputDir = "runs/a";
//   options.numEpochs = 3;
//   captioner::Trainer trainer(options, &printer);            // trainer.cancel() from another thread stops it
//   captioner::TrainingSummary summary = trainer.run();       // never throws: status "failed" + message
#include "captioner/distributed.h"
#include "captioner/example_renderer.h"
#include "captioner/precision.h"
#include "captioner/training_events.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace captioner {

class EventLogWriter;

struct TrainingOptions {
    std::string modelDir;  // HF GIT checkpoint folder to start from
    std::string dataPath;  // any layout CaptionDataset::open reads
    std::string outputDir; // created if needed

    std::string device = "auto"; // "auto" picks CUDA when LibTorch has it
    Precision precision = Precision::Fp32;

    double learningRate = 5e-5;
    double adamBeta1 = 0.9, adamBeta2 = 0.999, adamEpsilon = 1e-8;
    double weightDecay = 0.0;
    std::string lrScheduler = "linear"; // linear, cosine, constant, constant_with_warmup
    double warmupRatio = 0.0;
    int64_t warmupSteps = 0;  // wins over warmupRatio when > 0
    double maxGradNorm = 1.0; // <= 0: no clipping

    int64_t numEpochs = 50;
    int batchSize = 32;
    int gradientAccumulation = 2;
    int64_t maxSteps = -1; // > 0 caps the run (and sets the schedule's length)
    int maxTextLength = 0; // tokens per caption incl. [CLS]/[SEP]; 0: the model's max positions

    int64_t loggingSteps = 50; // log_history entries of the training loss
    int64_t evalSteps = 50;    // 0: never evaluate
    int64_t saveSteps = 50;    // 0: only at the end
    int saveTotalLimit = 3;    // 0: keep all
    bool loadBestModelAtEnd = true;
    std::string metricForBest = "loss"; // loss, wer, wer_teacher_forced, rouge_l, bleu4, cider

    double testSize = 0.1;
    uint64_t seed = 42;

    int evalBatchSize = 0; // 0: batchSize
    int generationMaxLength = 50;
    int evalGenerateLimit = -1; // images captioned at each eval: -1 all, 0 none
    int sampleCount = 4;
    int workers = 2; // image decoding threads
    // Compute threads for this run: LibTorch's and OpenBLAS's pools, which are process-wide, set when
    // run() starts and restored when it returns; 0 leaves them as configured. Small models train faster
    // on one thread with the other cores making batches (the demo: see demo_model.h).
    int computeThreads = 0;
    // Data-parallel threads inside this process (CPU only): every micro-batch's rows are split into this
    // many contiguous shards, each shard's forward and backward runs on its own thread (each with
    // computeThreads, or LibTorch's count, for its operations), and the shards' gradients are summed in
    // shard order, so a run gives the same weights every time and resumes exactly; they differ from one
    // thread's in the last bits (the batch's sums are taken in another order). For small models, whose
    // operations are too small to share between cores (the demo). Needs a model without dropout: the
    // threads would draw from LibTorch's one generator in an unrepeatable order. 1: off.
    int dataParallelThreads = 1;
    // When set, the training split's images and captions are made by trainRenderer(epoch, index) rather
    // than read (the dataset still gives the split, the epoch length and the evaluation images).
    ExampleRenderer trainRenderer;
    int maxConsecutiveNonFinite = 3; // this many NaN/Inf steps in a row stop the run
    bool resume = false;             // continue from the newest complete checkpoint in outputDir
    // Data parallel (torch.distributed semantics, as HF Trainer + DDP): batchSize is per process, the
    // global batch batchSize x processes x accumulation; each rank reads its part of every global
    // batch of the one seeded order, gradients are summed so that every rank applies the update one
    // process would, rank 0 alone writes checkpoints and events. worldSize 1: alone.
    DistributedConfig distributed;
    bool writeEventLog = true; // append every event to outputDir/events.jsonl (captioner/event_log.h)

    // Fault injection for tests: maps the loss value of a micro-batch of optimizer step `step` (0-based)
    // to the value the trainer acts on (a non-finite one makes the step skip, as a real NaN loss does).
    std::function<double(int64_t step, double loss)> lossHook;
};

struct TrainingSummary {
    std::string status;  // "completed", "cancelled" or "failed"
    std::string message; // why it failed
    int64_t globalStep = 0;
    std::string bestCheckpoint;
    double bestMetric = 0;
    std::string lastCheckpoint;
    double trainLoss = 0; // mean training loss of the steps run in this call
    double runtimeSeconds = 0;
};

class Trainer {
public:
    explicit Trainer(TrainingOptions options, TrainingObserver* observer = nullptr);
    // Runs to the end, cancellation or failure; never throws: a failure is a Failed event and the
    // summary's status "failed" (bad options and unreadable inputs included).
    TrainingSummary run();

    void pause();
    void resume();
    void cancel(); // finishes the current step, saves a checkpoint, ends with "cancelled"
    bool isPaused() const { return m_paused.load(); }

    const TrainingOptions& options() const { return m_options; }

private:
    struct Run;
    void notify(const TrainingEvent& event);
    bool waitWhilePaused(); // false when cancelled while paused

    TrainingOptions m_options;
    TrainingObserver* m_observer;
    std::shared_ptr<EventLogWriter> m_eventLog; // opened by the first event (shared_ptr: incomplete type)
    std::atomic<bool> m_paused{false}, m_cancel{false};
    std::mutex m_pauseMutex;
    std::condition_variable m_pauseCv;
};

// Names of the complete checkpoint-<step> folders of a training output folder, newest first.
std::vector<std::string> listCheckpoints(const std::string& outputDir);

} // namespace captioner
