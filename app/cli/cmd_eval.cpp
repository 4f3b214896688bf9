// `captioner eval`: metrics of a GIT checkpoint on a dataset's held-out split (the trainer's split).
#include "command.h"
#include "training_output.h"

#include "captioner/checkpoint.h"
#include "captioner/dataset.h"
#include "captioner/dataset_split.h"
#include "captioner/error.h"
#include "captioner/evaluation.h"
#include "captioner/training_events.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <numeric>
#include <unistd.h>

namespace {

cli::CommandRegistrar
    reg({"eval", "Evaluate a GIT checkpoint on a dataset: loss, WER, ROUGE-L, BLEU-4, CIDEr-D",
         [](cli::ArgParser& p) {
             p.addOption("model", "DIR", "GIT checkpoint folder");
             p.addOption("data", "PATH", "Dataset folder or caption file");
             p.addOption("split", "NAME", "test, train or all (test and train as `captioner train` splits them)",
                         "test");
             p.addOption("test-size", "X", "Held-out fraction of the split", "0.1");
             p.addOption("seed", "S", "Seed of the split", "42");
             p.addOption("batch-size", "N", "Images per batch", "32");
             p.addOption("max-length", "N", "Generation max_length (counts the start token)", "50");
             p.addOption("generate", "N", "Images to caption for the generated-caption metrics: -1 all, 0 none", "-1");
             p.addOption("samples", "N", "Sample captions to show", "5");
             p.addOption("device", "NAME", "auto, cpu, cuda or cuda:N", "auto");
             p.addOption("precision", "P", "fp32, bf16 or fp16 (CUDA)", "fp32");
             p.addOption("workers", "N", "Image decoding threads", "2");
             p.addFlag("json", "One JSON object: loss, wer, wer_teacher_forced, rouge_l, bleu4, cider, count, samples");
         },
         [](const cli::ArgParser& p) {
             if (!p.isSet("model")) throw cli::UsageError("--model DIR is required");
             if (!p.isSet("data")) throw cli::UsageError("--data PATH is required");
             const std::string splitName = p.value("split");
             if (splitName != "test" && splitName != "train" && splitName != "all")
                 throw cli::UsageError("--split must be test, train or all, not '" + splitName + "'");
             const int seed = p.intValue("seed");
             if (seed < 0) throw cli::UsageError("--seed must not be negative");

             captioner::CheckpointLoadOptions lo;
             lo.device = p.value("device");
             auto ck = captioner::loadCheckpoint(p.value("model"), lo);
             const auto dataset = captioner::CaptionDataset::open(p.value("data"));
             std::vector<size_t> indices;
             if (splitName == "all") {
                 indices.resize(dataset.items().size());
                 std::iota(indices.begin(), indices.end(), size_t{0});
             } else {
                 const auto split =
                     captioner::splitDataset(dataset, p.doubleValue("test-size"), static_cast<uint64_t>(seed));
                 indices = splitName == "test" ? split.test : split.train;
             }
             const auto examples = captioner::evalExamplesFor(dataset, indices);

             captioner::EvalOptions eo;
             eo.batchSize = p.intValue("batch-size");
             eo.maxLength = p.intValue("max-length");
             eo.generateLimit = p.intValue("generate");
             eo.sampleCount = p.intValue("samples");
             eo.precision = captioner::parsePrecision(p.value("precision"));
             eo.workers = p.intValue("workers");
             if (eo.batchSize < 1) throw cli::UsageError("--batch-size must be at least 1");
             if (eo.maxLength < 2) throw cli::UsageError("--max-length must be at least 2");
             const bool tty = ::isatty(2);
             if (tty)
                 eo.progress = [](int64_t done, int64_t total) {
                     std::cerr << "\revaluating " << done << "/" << total << std::flush;
                 };
             const auto r = captioner::evaluateCheckpoint(ck, examples, eo);
             if (tty) std::cerr << "\n";
             for (const auto& s : r.skipped) std::cerr << "captioner eval: skipped " << s << "\n";

             if (p.flag("json")) {
                 nlohmann::json j{{"loss", cli::jsonNumber(r.loss)},
                                  {"wer_teacher_forced", cli::jsonNumber(r.werTeacherForced.wer)},
                                  {"count", r.count},
                                  {"split", splitName},
                                  {"seconds", r.runtimeSeconds}};
                 const bool generated = r.generated.count > 0;
                 j["wer"] = generated ? cli::jsonNumber(r.generated.wer.wer) : nlohmann::json(nullptr);
                 j["rouge_l"] = generated ? cli::jsonNumber(r.generated.rougeL) : nlohmann::json(nullptr);
                 j["bleu4"] = generated ? cli::jsonNumber(r.generated.bleu4) : nlohmann::json(nullptr);
                 j["cider"] = generated ? cli::jsonNumber(r.generated.cider) : nlohmann::json(nullptr);
                 j["generated_count"] = r.generated.count;
                 j["wer_counts"] = {{"substitutions", r.generated.wer.substitutions},
                                    {"deletions", r.generated.wer.deletions},
                                    {"insertions", r.generated.wer.insertions},
                                    {"reference_words", r.generated.wer.referenceWords}};
                 j["samples"] = captioner::evalSamplesJson(r.samples);
                 j["skipped"] = r.skipped;
                 std::cout << j.dump() << std::endl;
             } else {
                 std::cout << splitName << " split: " << cli::formatEvalMetrics(r) << "\n";
                 for (const auto& s : r.samples)
                     std::cout << "  " << s.imagePath << "\n    predicted: " << s.prediction
                               << "\n    reference: " << s.reference << "\n";
             }
             return 0;
         }});

} // namespace
