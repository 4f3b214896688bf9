// `captioner train`: fine-tune a GIT checkpoint on a caption dataset (the guide's recipe by default).
#include "command.h"
#include "training_output.h"
#include "training_watch.h"

#include "captioner/distributed.h"
#include "captioner/error.h"
#include "captioner/trainer.h"

#include <cstdlib>
#include <string>

namespace cli {

void defineTrainingOptions(ArgParser& p) {
    const captioner::TrainingOptions d;
    auto num = [](double v) {
        std::string s = std::to_string(v);
        s.erase(s.find_last_not_of('0') + 1);
        if (!s.empty() && s.back() == '.') s.pop_back();
        return s;
    };
    p.addOption("device", "NAME", "auto, cpu, cuda or cuda:N (auto picks CUDA when available)", d.device);
    p.addOption("precision", "P", "fp32, bf16 (autocast, CPU and CUDA) or fp16 (autocast + loss scaling, CUDA)",
                "fp32");
    p.addOption("learning-rate", "X", "AdamW peak learning rate", "5e-5");
    p.addOption("weight-decay", "X", "AdamW weight decay (not on biases and LayerNorms)", num(d.weightDecay));
    p.addOption("adam-beta1", "X", "AdamW beta1", num(d.adamBeta1));
    p.addOption("adam-beta2", "X", "AdamW beta2", num(d.adamBeta2));
    p.addOption("adam-epsilon", "X", "AdamW epsilon", "1e-8");
    p.addOption("lr-scheduler", "KIND", "linear, cosine, constant or constant_with_warmup", d.lrScheduler);
    p.addOption("warmup-ratio", "X", "Warm-up as a fraction of all steps", num(d.warmupRatio));
    p.addOption("warmup-steps", "N", "Warm-up steps (wins over --warmup-ratio when > 0)",
                std::to_string(d.warmupSteps));
    p.addOption("max-grad-norm", "X", "Gradient clipping norm; 0 = off", num(d.maxGradNorm));
    p.addOption("epochs", "N", "Training epochs", std::to_string(d.numEpochs));
    p.addOption("batch-size", "N", "Images per batch", std::to_string(d.batchSize));
    p.addOption("gradient-accumulation", "N", "Batches per optimizer step", std::to_string(d.gradientAccumulation));
    p.addOption("max-steps", "N", "Stop after N optimizer steps (also the schedule's length); -1 = epochs decide",
                "-1");
    p.addOption("logging-steps", "N", "Training-loss entries in trainer_state.json every N steps",
                std::to_string(d.loggingSteps));
    p.addOption("eval-steps", "N", "Evaluate every N steps; 0 = never", std::to_string(d.evalSteps));
    p.addOption("save-steps", "N", "Save checkpoint-N every N steps; 0 = only at the end", std::to_string(d.saveSteps));
    p.addOption("save-total-limit", "N", "Checkpoints to keep (the best is always kept); 0 = all",
                std::to_string(d.saveTotalLimit));
    p.addOption("metric-for-best", "M", "loss, wer, wer_teacher_forced, rouge_l, bleu4 or cider", d.metricForBest);
    p.addFlag("no-load-best", "Keep the last weights at the end instead of the best checkpoint's");
    p.addOption("test-size", "X", "Held-out fraction (datasets' train_test_split)", num(d.testSize));
    p.addOption("seed", "S", "Seed of the split, data order and dropout", std::to_string(d.seed));
    p.addOption("eval-batch-size", "N", "Images per eval batch; 0 = --batch-size", "0");
    p.addOption("max-length", "N", "Generation max_length at eval (counts the start token)",
                std::to_string(d.generationMaxLength));
    p.addOption("eval-generate", "N", "Held-out images captioned at each eval: -1 all, 0 none",
                std::to_string(d.evalGenerateLimit));
    p.addOption("samples", "N", "Sample captions shown at each eval", std::to_string(d.sampleCount));
    p.addOption("max-text-length", "N", "Tokens per caption incl. [CLS]/[SEP]; 0 = the model's limit", "0");
    p.addOption("workers", "N", "Image decoding threads", std::to_string(d.workers));
    p.addOption("data-parallel-threads", "N",
                "Split every batch over N threads of this process (CPU, models without dropout: small models)",
                std::to_string(d.dataParallelThreads));
    p.addOption("max-nonfinite", "N", "Stop after N NaN/Inf steps in a row", std::to_string(d.maxConsecutiveNonFinite));
}

captioner::TrainingOptions trainingOptionsFrom(const ArgParser& p) {
    captioner::TrainingOptions o;
    o.device = p.value("device");
    o.precision = captioner::parsePrecision(p.value("precision"));
    o.learningRate = p.doubleValue("learning-rate");
    o.weightDecay = p.doubleValue("weight-decay");
    o.adamBeta1 = p.doubleValue("adam-beta1");
    o.adamBeta2 = p.doubleValue("adam-beta2");
    o.adamEpsilon = p.doubleValue("adam-epsilon");
    o.lrScheduler = p.value("lr-scheduler");
    o.warmupRatio = p.doubleValue("warmup-ratio");
    o.warmupSteps = p.intValue("warmup-steps");
    o.maxGradNorm = p.doubleValue("max-grad-norm");
    o.numEpochs = p.intValue("epochs");
    o.batchSize = p.intValue("batch-size");
    o.gradientAccumulation = p.intValue("gradient-accumulation");
    o.maxSteps = p.intValue("max-steps");
    o.loggingSteps = p.intValue("logging-steps");
    o.evalSteps = p.intValue("eval-steps");
    o.saveSteps = p.intValue("save-steps");
    o.saveTotalLimit = p.intValue("save-total-limit");
    o.metricForBest = p.value("metric-for-best");
    o.loadBestModelAtEnd = !p.flag("no-load-best");
    o.testSize = p.doubleValue("test-size");
    const int seed = p.intValue("seed");
    if (seed < 0) throw UsageError("--seed must not be negative");
    o.seed = static_cast<uint64_t>(seed);
    o.evalBatchSize = p.intValue("eval-batch-size");
    o.generationMaxLength = p.intValue("max-length");
    o.evalGenerateLimit = p.intValue("eval-generate");
    o.sampleCount = p.intValue("samples");
    o.maxTextLength = p.intValue("max-text-length");
    o.workers = p.intValue("workers");
    o.dataParallelThreads = p.intValue("data-parallel-threads");
    o.maxConsecutiveNonFinite = p.intValue("max-nonfinite");
    return o;
}

int runTraining(captioner::TrainingOptions options, bool json) {
    TrainingPrinter printer(json, options.loggingSteps);
    captioner::Trainer trainer(std::move(options), &printer);
    InterruptToCancel interrupt(trainer);
    const auto summary = trainer.run();
    if (summary.status == "failed") return 1;
    return summary.status == "cancelled" ? 130 : 0;
}

namespace {

CommandRegistrar
    reg({"train", "Fine-tune a GIT checkpoint on a caption dataset (Hugging Face guide's recipe)",
         [](ArgParser& p) {
             p.addOption("model", "DIR", "GIT checkpoint folder to start from");
             p.addOption("data", "PATH",
                         "Dataset folder or caption file (imagefolder, sidecar, Flickr, COCO, Parquet)");
             p.addOption("out", "DIR", "Output folder: checkpoint-N/ folders and, at the end, the best model");
             p.addFlag("resume", "Continue from the newest complete checkpoint in --out");
             p.addFlag("json", "Print every event as a JSON line on stdout");
             p.addOption("watch", "DIR",
                         "Follow the run writing DIR/events.jsonl (started anywhere) and print its progress; "
                         "ends with the run (exit 0 completed, 1 failed, 130 cancelled)");
             defineTrainingOptions(p);
             p.addOption("ddp-backend", "NAME",
                         "Data parallel under torchrun/Slurm/PyTorchJob (WORLD_SIZE, RANK, MASTER_ADDR ... or "
                         "SLURM_PROCID, SLURM_NTASKS): auto (NCCL on CUDA, else Gloo), gloo, nccl, or off (run alone)",
                         "auto");
             p.addOption("ddp-timeout", "SECONDS", "A rank silent this long (dead or hung) stops the others, naming it",
                         "300");
         },
         [](const ArgParser& p) {
             if (p.isSet("watch")) {
                 for (const char* other : {"model", "data", "out", "resume"})
                     if (p.isSet(other)) throw UsageError(std::string("--watch follows a run; it takes no --") + other);
                 return watchTraining(p.value("watch"), p.flag("json"), p.intValue("logging-steps"));
             }
             for (const char* required : {"model", "data", "out"})
                 if (!p.isSet(required)) throw UsageError(std::string("--") + required + " is required");
             auto o = trainingOptionsFrom(p);
             o.modelDir = p.value("model");
             o.dataPath = p.value("data");
             o.outputDir = p.value("out");
             o.resume = p.flag("resume");
             const std::string backend = p.value("ddp-backend");
             if (backend != "auto" && backend != "gloo" && backend != "nccl" && backend != "off")
                 throw UsageError("--ddp-backend must be auto, gloo, nccl or off (got '" + backend + "')");
             if (backend != "off") {
                 o.distributed = captioner::distributedConfigFromEnvironment();
                 o.distributed.backend = backend;
             }
             o.distributed.timeoutSeconds = p.doubleValue("ddp-timeout");
             if (!(o.distributed.timeoutSeconds > 0)) throw UsageError("--ddp-timeout must be positive");
             return runTraining(std::move(o), p.flag("json"));
         }});

} // namespace
} // namespace cli
