// `captioner demo`: the headless end-to-end demo. Demo data, a tiny model with its own SentencePiece
// tokenizer, a few CPU minutes of training, and metrics before and after on held-out images.
#include "command.h"
#include "training_output.h"

#include "captioner/demo_model.h"
#include "captioner/error.h"
#include "captioner/evaluation.h"
#include "captioner/training_events.h"
#include "captioner/trainer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using Measured = captioner::DemoEvaluation;

Measured measure(const std::string& modelDir, const captioner::DemoRecipe& recipe, int samples) {
    Measured m = captioner::evaluateDemoModel(modelDir, recipe);
    m.eval.samples.resize(std::min<size_t>(m.eval.samples.size(), static_cast<size_t>(samples)));
    return m;
}

nlohmann::json toJson(const Measured& m) {
    const auto& e = m.eval;
    const auto& a = m.accuracy;
    return {{"loss", e.loss},
            {"wer", e.generated.wer.wer},
            {"wer_teacher_forced", e.werTeacherForced.wer},
            {"rouge_l", e.generated.rougeL},
            {"bleu4", e.generated.bleu4},
            {"cider", e.generated.cider},
            {"count", e.count},
            {"exact", a.exact},
            {"shapes", a.shapes},
            {"colours", a.colours},
            {"sizes", a.sizes},
            {"relation", a.relation}};
}

void printRow(const char* name, const Measured& m) {
    const auto& e = m.eval;
    const auto& a = m.accuracy;
    std::printf("%-8s %7.4f %7.4f %7.4f %7.4f %7.4f %7.3f | %6.1f%% %6.1f%% %6.1f%% %6.1f%% %6.1f%%\n", name, e.loss,
                e.generated.wer.wer, e.werTeacherForced.wer, e.generated.bleu4, e.generated.cider, e.generated.rougeL,
                100 * a.exact, 100 * a.shapes, 100 * a.colours, 100 * a.sizes, 100 * a.relation);
}

cli::CommandRegistrar reg(
    {"demo", "Headless end-to-end demo: demo data, tiny model, train a few CPU minutes, before/after metrics",
     [](cli::ArgParser& p) {
         const captioner::DemoRecipe d;
         p.addOption("out", "DIR", "Demo folder (data/, base-model/, model/); kept, and reused when run again",
                     "captioner-demo");
         p.addOption("steps", "N", "Training steps", std::to_string(d.maxSteps));
         p.addOption("images", "N", "Demo images to generate", std::to_string(d.imageCount));
         p.addOption("workers", "N", "Image decoding threads", std::to_string(d.workers));
         p.addFlag("fresh", "Delete the demo folder's earlier training output first (data and base model are reused)");
         p.addFlag("json", "Print training events and the final before/after metrics as JSON lines");
     },
     [](const cli::ArgParser& p) {
         captioner::DemoRecipe recipe;
         recipe.dir = p.value("out");
         recipe.maxSteps = p.intValue("steps");
         recipe.imageCount = p.intValue("images");
         recipe.workers = p.intValue("workers");
         if (recipe.maxSteps < 1) throw cli::UsageError("--steps must be at least 1");
         if (recipe.imageCount < 20) throw cli::UsageError("--images must be at least 20");
         recipe.evalSteps = std::max<int64_t>(1, recipe.maxSteps / 3);
         const bool json = p.flag("json");
         auto say = [&](const std::string& s) {
             if (json) std::cout << nlohmann::json{{"event", "demo"}, {"message", s}}.dump() << std::endl;
             else std::cerr << s << "\n";
         };
         const auto paths = captioner::prepareDemo(recipe, say);
         if (p.flag("fresh")) std::filesystem::remove_all(paths.model);

         say("measuring the untrained model on the held-out images");
         const Measured before = measure(paths.baseModel, recipe, 0);
         auto options = captioner::demoTrainingOptions(recipe);
         options.resume = !captioner::listCheckpoints(paths.model).empty();
         if (options.resume) say("continuing the earlier demo training in " + paths.model + " (--fresh starts over)");
         const int rc = cli::runTraining(options, json);
         if (rc != 0) return rc;
         say("measuring the trained model (" + paths.model + ") on the held-out images");
         const Measured after = measure(paths.model, recipe, 8);

         if (json) {
             nlohmann::json j{{"event", "demo_result"},
                              {"before", toJson(before)},
                              {"after", toJson(after)},
                              {"model", paths.model}};
             j["samples"] = captioner::evalSamplesJson(after.eval.samples);
             std::cout << j.dump() << std::endl;
             return 0;
         }
         std::printf("\nHeld-out images: %lld (never trained on)\n", static_cast<long long>(after.eval.count));
         std::printf("%-8s %7s %7s %7s %7s %7s %7s | %7s %7s %7s %7s %7s\n", "", "loss", "WER", "WER-tf", "BLEU-4",
                     "CIDEr", "ROUGE-L", "exact", "shape", "colour", "size", "relat.");
         printRow("before", before);
         printRow("after", after);
         std::printf("(WER: generated captions, greedy; WER-tf: teacher-forced argmax as in the HF guide;\n"
                     " shape/colour/size: every object right; relation: over two-shape images)\n\n");
         for (const auto& s : after.eval.samples)
             std::printf("%s\n  predicted: %s\n  reference: %s\n", s.imagePath.c_str(), s.prediction.c_str(),
                         s.reference.c_str());
         std::printf(
             "\nThe trained model is in %s; caption your own images with:\n  captioner caption --model %s IMAGE...\n",
             paths.model.c_str(), paths.model.c_str());
         return 0;
     }});

} // namespace
