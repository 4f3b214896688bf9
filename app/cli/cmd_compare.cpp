// `captioner compare`: two GIT checkpoints side by side on a dataset's split: both models caption every
// image (greedy, as the trainer's eval does), both get the trainer's generated-caption metrics
// (generatedCaptionMetrics: WER, ROUGE-L, BLEU-4, CIDEr-D), and the images whose captions differ are
// listed; --out writes one row per image (caption_comparison.h).
#include "command.h"

#include "captioner/caption_comparison.h"
#include "captioner/caption_pipeline.h"
#include "captioner/dataset.h"
#include "captioner/dataset_split.h"
#include "captioner/error.h"
#include "captioner/evaluation.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using captioner::Error;
using nlohmann::json;

std::string fixed(double v) {
    if (!std::isfinite(v)) return "inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

json metricsJson(const captioner::CaptionMetrics& m) {
    return {{"wer", cli::jsonNumber(m.wer.wer)},
            {"rouge_l", m.rougeL},
            {"bleu4", m.bleu4},
            {"cider", m.cider},
            {"count", m.count},
            {"wer_counts",
             {{"substitutions", m.wer.substitutions},
              {"deletions", m.wer.deletions},
              {"insertions", m.wer.insertions},
              {"reference_words", m.wer.referenceWords}}}};
}

void requireFolder(const std::string& path, const std::string& what) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(path, what + " does not exist");
}

void define(cli::ArgParser& p) {
    p.addOption("model", "DIR", "GIT checkpoint folder; give it twice: --model A --model B");
    p.addOption("data", "PATH", "Dataset folder or caption file with reference captions");
    p.addOption("split", "NAME", "test, train or all (test and train as `captioner train` splits them)", "test");
    p.addOption("test-size", "X", "Held-out fraction of the split", "0.1");
    p.addOption("seed", "S", "Seed of the split", "42");
    p.addOption("max-length", "N", "Generation max_length (counts the start token)", "50");
    p.addOption("batch-size", "N", "Images per forward pass", "8");
    p.addOption("device", "NAME", "auto, cpu, cuda or cuda:N", "cpu");
    p.addOption("out", "FILE",
                "Write one row per image to FILE (.csv or .jsonl): image, references, caption_a, caption_b, "
                "confidence_a, confidence_b, differs, error_a, error_b");
    p.addFlag("json", "One JSON object: both models' wer, rouge_l, bleu4, cider, count, and the images that differ");
}

struct ModelRun {
    std::string dir;
    std::vector<captioner::CaptionResult> results;
    std::shared_ptr<captioner::Tokenizer> tokenizer; // for the references of WER, as the trainer encodes them
    int maxTextLength = 0;
    captioner::CaptionMetrics metrics;
};

ModelRun captionWith(const std::string& dir, const std::vector<std::string>& paths, const cli::ArgParser& p,
                     const char* name) {
    ModelRun r;
    r.dir = dir;
    captioner::CheckpointLoadOptions lo;
    lo.device = p.value("device");
    auto ck = captioner::loadCheckpoint(dir, lo);
    if (!ck.tokenizer) throw Error(dir, "the checkpoint has no tokenizer, its captions cannot be compared");
    captioner::CaptionOptions options;
    // Greedy with the checkpoint's ids and max_length, as the trainer's eval generates.
    options.generation = captioner::generationOptionsFor(ck, p.intValue("max-length"), 1, 1.0);
    options.batchSize = p.intValue("batch-size");
    size_t done = 0;
    if (::isatty(2))
        options.onResult = [&](const captioner::CaptionResult&) {
            std::cerr << "\rcaptioning with " << name << ": " << ++done << "/" << paths.size() << std::flush;
        };
    r.results = captioner::captionImages(ck, paths, options);
    if (::isatty(2)) std::cerr << "\n";
    r.tokenizer = ck.tokenizer;
    r.maxTextLength = static_cast<int>(ck.config.maxPositionEmbeddings);
    return r;
}

int run(const cli::ArgParser& p) {
    const auto models = p.values("model");
    if (models.size() != 2)
        throw cli::UsageError("--model must be given twice (--model A --model B), got it " +
                              std::to_string(models.size()) + " time(s)");
    if (!p.isSet("data")) throw cli::UsageError("--data PATH is required");
    const std::string splitName = p.value("split");
    if (splitName != "test" && splitName != "train" && splitName != "all")
        throw cli::UsageError("--split must be test, train or all, not '" + splitName + "'");
    const int seed = p.intValue("seed");
    if (seed < 0) throw cli::UsageError("--seed must not be negative");
    if (p.intValue("max-length") < 2) throw cli::UsageError("--max-length must be at least 2");
    if (p.intValue("batch-size") < 1) throw cli::UsageError("--batch-size must be at least 1");
    const std::string out = p.value("out");
    if (!out.empty()) {
        const auto ext = fs::path(out).extension().string();
        if (ext != ".csv" && ext != ".jsonl" && ext != ".json")
            throw cli::UsageError("--out must name a .csv or .jsonl file, not '" + out + "'");
    }
    requireFolder(models[0], "model folder (first --model)");
    requireFolder(models[1], "model folder (second --model)");
    requireFolder(p.value("data"), "dataset (--data)");

    const auto dataset = captioner::CaptionDataset::open(p.value("data"));
    std::vector<size_t> indices;
    if (splitName == "all") {
        indices.resize(dataset.items().size());
        std::iota(indices.begin(), indices.end(), size_t{0});
    } else {
        const auto split = captioner::splitDataset(dataset, p.doubleValue("test-size"), static_cast<uint64_t>(seed));
        indices = splitName == "test" ? split.test : split.train;
    }
    const auto examples = captioner::evalExamplesFor(dataset, indices);
    if (examples.empty())
        throw Error(p.value("data"), "the " + splitName + " split has no image with a reference caption to compare on");
    std::vector<std::string> paths;
    for (const auto& e : examples) paths.push_back(e.imagePath);

    ModelRun a = captionWith(models[0], paths, p, "A");
    ModelRun b = captionWith(models[1], paths, p, "B");

    // Scored on the images both models captioned (an unreadable image fails for both).
    std::vector<std::string> predA, predB, failed;
    std::vector<std::vector<std::string>> references;
    std::vector<captioner::ComparisonRow> rows;
    std::vector<size_t> differ;
    for (size_t i = 0; i < examples.size(); ++i) {
        const auto& ra = a.results[i];
        const auto& rb = b.results[i];
        captioner::ComparisonRow row;
        row.image = examples[i].imagePath;
        row.references = examples[i].captions;
        row.captionA = ra.caption;
        row.captionB = rb.caption;
        row.confidenceA = ra.ok() ? ra.confidence : -1;
        row.confidenceB = rb.ok() ? rb.confidence : -1;
        row.errorA = ra.error;
        row.errorB = rb.error;
        if (row.differs()) differ.push_back(i);
        rows.push_back(row);
        if (!ra.ok() || !rb.ok()) {
            failed.push_back(examples[i].imagePath + ": " + (ra.ok() ? rb.error : ra.error));
            continue;
        }
        predA.push_back(ra.caption);
        predB.push_back(rb.caption);
        references.push_back(examples[i].captions);
    }
    for (const auto& f : failed) std::cerr << "captioner compare: left out " << f << "\n";
    if (predA.empty()) throw Error(p.value("data"), "no image of the " + splitName + " split could be captioned");
    a.metrics = captioner::generatedCaptionMetrics(*a.tokenizer, a.maxTextLength, predA, references);
    b.metrics = captioner::generatedCaptionMetrics(*b.tokenizer, b.maxTextLength, predB, references);
    if (!out.empty()) captioner::writeComparison(out, rows);

    if (p.flag("json")) {
        json differing = json::array();
        for (size_t i : differ)
            differing.push_back(
                {{"image", rows[i].image}, {"caption_a", rows[i].captionA}, {"caption_b", rows[i].captionB}});
        json j{{"model_a", a.dir},
               {"model_b", b.dir},
               {"split", splitName},
               {"images", examples.size()},
               {"count", predA.size()},
               {"a", metricsJson(a.metrics)},
               {"b", metricsJson(b.metrics)},
               {"differ_count", differ.size()},
               {"differ", differing},
               {"skipped", failed}};
        if (!out.empty()) j["out"] = out;
        std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
        return 0;
    }
    std::cout << "Compared on " << predA.size() << " image(s) of the " << splitName << " split of " << p.value("data");
    if (!failed.empty()) std::cout << " (" << failed.size() << " left out: could not be captioned)";
    std::cout << "\n  A: " << a.dir << "\n  B: " << b.dir << "\n\n";
    auto line = [](const std::string& name, const std::string& va, const std::string& vb, const std::string& how) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "  %-9s %10s %10s", name.c_str(), va.c_str(), vb.c_str());
        std::cout << buf << (how.empty() ? "" : "   " + how) << "\n";
    };
    line("", "A", "B", "");
    line("WER", fixed(a.metrics.wer.wer), fixed(b.metrics.wer.wer), "first reference, lower is better");
    line("ROUGE-L", fixed(a.metrics.rougeL), fixed(b.metrics.rougeL), "first reference");
    line("BLEU-4", fixed(a.metrics.bleu4), fixed(b.metrics.bleu4), "all references");
    line("CIDEr-D", fixed(a.metrics.cider), fixed(b.metrics.cider), "all references");
    std::cout << "\nCaptions differ on " << differ.size() << " of " << examples.size() << " image(s)"
              << (differ.empty() ? "." : ":") << "\n";
    for (size_t i : differ) {
        const auto& r = rows[i];
        std::cout << "  " << r.image << "\n    A: " << (r.errorA.empty() ? r.captionA : "(error) " + r.errorA)
                  << "\n    B: " << (r.errorB.empty() ? r.captionB : "(error) " + r.errorB) << "\n";
    }
    if (!out.empty()) std::cout << "\nWrote " << rows.size() << " row(s) to " << out << "\n";
    return 0;
}

cli::CommandRegistrar reg({"compare",
                           "Caption a dataset's split with two models: both models' WER, ROUGE-L, BLEU-4, CIDEr-D and "
                           "the images whose captions differ",
                           define, run});

} // namespace
