// `captioner caption`: captions for image files and folders with a GIT checkpoint. With --shard, --out
// or a launcher's variables it runs one shard of a sharded job (caption_shards.h), appending records
// to a resumable JSONL file (caption_records.h); `caption merge` joins the shards (caption_merge.h).
#include "caption_merge.h"
#include "caption_records.h"
#include "caption_shards.h"
#include "command.h"

#include "captioner/caption_pipeline.h"
#include "captioner/distributed.h"
#include "captioner/error.h"
#include "captioner/inference_precision.h"

#include <nlohmann/json.hpp>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include <unistd.h>

namespace {

// Images handed to the pipeline per call: its results are kept until the call returns, so a shard of
// a million images is captioned in slices instead of holding every caption at once.
constexpr std::size_t kSliceImages = 1024;

void define(cli::ArgParser& p) {
    p.addOption("model", "DIR", "Hugging Face GIT checkpoint folder (config.json, model.safetensors, ...)");
    p.addOption("max-length", "N", "Maximum caption length in tokens, counting the start token", "50");
    p.addOption("num-beams", "N", "Beam search width; 1 = greedy", "1");
    p.addOption("length-penalty", "X", "Beam score = sum of log-probs / length ** X", "1.0");
    p.addOption("batch-size", "N",
                "Images per forward pass; 0 = chosen from the model and the threads (on the CPU 4 per thread, at "
                "most 8, fewer where their activations would exceed a quarter of the model's memory; README: "
                "Throughput)",
                "0");
    p.addOption("device", "NAME", "cpu, cuda, cuda:N or auto; under torchrun cuda and auto mean cuda:LOCAL_RANK",
                "cpu");
    p.addOption("precision", "MODE",
                "fp32 (ids identical to transformers), bf16 (needs a CPU with AVX512-BF16/AMX, or CUDA) or int8 "
                "(dynamically quantized Linear layers, CPU): bf16 and int8 are faster and change captions a little "
                "(README: Precision modes)",
                "fp32");
    p.addFlag("json", "One JSON object per image and line: image, caption, token_ids, seconds, confidence (geometric "
                      "mean of the generated tokens' probabilities), words ([{word, confidence}])");
    p.addOption("shard", "K/N",
                "Caption shard K of N, K counting from 0: the K-th of N contiguous blocks of the sorted, de-duplicated "
                "inputs (after folder expansion). Default: from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT "
                "(less SLURM_ARRAY_TASK_MIN, so --array=1-4 works), JOB_COMPLETION_INDEX with --shard-count, or "
                "RANK and WORLD_SIZE (torchrun), in that order");
    p.addOption("shard-count", "N",
                "The number of shards where only the index comes from the environment "
                "(JOB_COMPLETION_INDEX of a Kubernetes Indexed Job: its completions)");
    p.addOption(
        "out", "FILE",
        "Append one JSON line per image to FILE as it finishes (also errors); a re-run skips what FILE holds. "
        "{shard} and {shards} in FILE become K and N. Lines: image, caption, token_ids, seconds, confidence (or error), "
        "index, shard, shards, total. Exit status 0 once FILE holds every image of the shard, errors included");
    p.addFlag("dry-run",
              "Print the index and path of each image this shard would caption and exit (no model is loaded)");
    p.addFlag("allow-gaps", "merge: write the merged file even when images are missing (they are still reported)");
    p.addPositional("IMAGE_OR_FOLDER",
                    "Image files, or folders searched recursively for images. `caption merge OUT.jsonl SHARD.jsonl...` "
                    "joins shard files in input order instead (a file named merge: write ./merge)",
                    true, 1);
}

const char* envLookup(const char* name) { return std::getenv(name); }

// Test hook: stop (without exiting) after this many records, so a test can SIGKILL a shard at a known point.
int stallAfterRecords() {
    const char* v = std::getenv("CAPTIONER_TEST_STALL_AFTER_RECORDS");
    return v ? std::atoi(v) : 0;
}

struct Inputs {
    std::vector<std::string> images;
    int missing = 0;
};

Inputs gatherInputs(const std::vector<std::string>& args) {
    Inputs in;
    for (const auto& arg : args) {
        if (std::filesystem::is_directory(arg)) {
            auto found = captioner::listImageFiles(arg);
            if (found.empty()) std::cerr << "captioner caption: " << arg << ": no images in folder\n";
            in.images.insert(in.images.end(), found.begin(), found.end());
        } else if (!std::filesystem::exists(arg)) {
            std::cerr << "captioner caption: " << arg << ": no such file\n";
            ++in.missing;
        } else {
            in.images.push_back(arg);
        }
    }
    return in;
}

// The checkpoint, converted to the precision asked for (applyInferencePrecision refuses what cannot run here).
captioner::GitCheckpoint loadForCaptioning(const cli::ArgParser& p, const captioner::CheckpointLoadOptions& load) {
    const auto precision = captioner::parseInferencePrecision(p.value("precision"));
    auto ck = captioner::loadCheckpoint(p.value("model"), load);
    captioner::applyInferencePrecision(ck, precision);
    return ck;
}

captioner::CaptionOptions captionOptions(const cli::ArgParser& p, const captioner::GitCheckpoint& ck) {
    captioner::CaptionOptions opts;
    opts.generation = captioner::generationOptionsFor(ck, p.intValue("max-length"), p.intValue("num-beams"),
                                                      p.doubleValue("length-penalty"));
    opts.batchSize = p.intValue("batch-size");
    return opts;
}

// One process, every input in argument order, printed to stdout (the behaviour before sharding).
int runUnsharded(const cli::ArgParser& p, const Inputs& in) {
    captioner::CheckpointLoadOptions load;
    load.device = p.value("device");
    auto ck = loadForCaptioning(p, load);
    auto opts = captionOptions(p, ck);
    const bool json = p.flag("json");
    int failed = in.missing;
    opts.onResult = [&](const captioner::CaptionResult& r) {
        if (!r.ok()) {
            ++failed;
            std::cerr << "captioner caption: " << r.error << "\n";
            return;
        }
        if (json) {
            nlohmann::json words = nlohmann::json::array();
            for (const auto& w : r.words) words.push_back({{"word", w.word}, {"confidence", w.confidence}});
            nlohmann::json j{{"image", r.image},     {"caption", r.caption},       {"token_ids", r.tokenIds},
                             {"seconds", r.seconds}, {"confidence", r.confidence}, {"words", std::move(words)}};
            std::cout << j.dump() << std::endl;
        } else {
            std::cout << r.image << '\t' << r.caption << std::endl;
        }
    };
    captioner::captionImages(ck, in.images, opts);
    return failed > 0 ? 1 : 0;
}

// Marks the records of `file` that this shard already holds; refuses a file written for another
// shard, another input list or other inputs, rather than mixing runs in one file.
std::vector<char> heldInputs(const std::string& path, const cli::RecordFile& file,
                             const std::vector<std::string>& images, const cli::ShardSelection& s,
                             std::pair<std::size_t, std::size_t> range) {
    std::vector<char> held(range.second - range.first, 0);
    for (const auto& r : file.records) {
        const std::string where = path + ":" + std::to_string(r.lineNumber);
        if (r.shard != s.index || r.shards != s.count || r.total != static_cast<int64_t>(images.size()))
            throw captioner::Error(where, "holds shard " + std::to_string(r.shard) + "/" + std::to_string(r.shards) +
                                              " of " + std::to_string(r.total) + " inputs, but this run is shard " +
                                              std::to_string(s.index) + "/" + std::to_string(s.count) + " of " +
                                              std::to_string(images.size()) +
                                              " inputs: give each shard and input list its own --out file");
        if (static_cast<std::size_t>(r.index) < range.first || static_cast<std::size_t>(r.index) >= range.second)
            throw captioner::Error(where, "holds input #" + std::to_string(r.index) + ", which is not in shard " +
                                              std::to_string(s.index) + "/" + std::to_string(s.count));
        if (r.image != cli::storedPath(images[r.index]))
            throw captioner::Error(where, "holds " + r.image + " as input #" + std::to_string(r.index) +
                                              ", but this run's input #" + std::to_string(r.index) + " is " +
                                              images[r.index] +
                                              ": the inputs changed since it was written; use another --out file");
        held[static_cast<std::size_t>(r.index) - range.first] = 1;
    }
    return held;
}

int runShard(const cli::ArgParser& p, Inputs in, const cli::ShardSelection& s) {
    // The sorted, de-duplicated list is what every shard agrees on, whatever order the arguments came in.
    std::sort(in.images.begin(), in.images.end());
    in.images.erase(std::unique(in.images.begin(), in.images.end()), in.images.end());
    const std::size_t total = in.images.size();
    const auto part = captioner::shardRange(total, s.index, s.count);
    const std::pair<std::size_t, std::size_t> range{part.begin, part.end};
    std::cerr << "captioner caption: shard " << s.index << "/" << s.count << " from " << s.source << ": ";
    if (range.first == range.second) std::cerr << "no images (" << total << " inputs, " << s.count << " shards)\n";
    else std::cerr << "inputs #" << range.first << " to #" << range.second - 1 << " of " << total << "\n";

    const std::string outPath = p.isSet("out") ? cli::expandShardPattern(p.value("out"), s) : std::string();
    const bool dryRun = p.flag("dry-run");
    std::unique_ptr<cli::RecordAppender> out;
    std::vector<char> held(range.second - range.first, 0);
    if (!outPath.empty()) {
        if (!dryRun)
            out = std::make_unique<cli::RecordAppender>(outPath); // locked before reading: no one appends meanwhile
        const auto file = cli::readRecordFile(outPath);
        held = heldInputs(outPath, file, in.images, s, range);
        if (file.tornTail && out) {
            out->truncate(file.completeBytes);
            std::cerr << "captioner caption: " << outPath << ": cut off a partial last line (an interrupted write)\n";
        }
    }
    std::vector<std::size_t> todo;
    for (std::size_t i = range.first; i < range.second; ++i)
        if (!held[i - range.first]) todo.push_back(i);
    if (!outPath.empty())
        std::cerr << "captioner caption: " << outPath << " holds " << (held.size() - todo.size()) << " of the shard's "
                  << held.size() << " images; " << todo.size() << " to caption\n";
    if (dryRun) {
        for (std::size_t i : todo) std::cout << i << '\t' << in.images[i] << "\n";
        return 0;
    }

    captioner::CheckpointLoadOptions load;
    load.device = cli::deviceForShard(p.value("device"), s, s.localRank && torch::cuda::is_available());
    if (load.device != p.value("device"))
        std::cerr << "captioner caption: device " << load.device << " (LOCAL_RANK=" << *s.localRank << ")\n";
    auto ck = loadForCaptioning(p, load);
    auto opts = captionOptions(p, ck);
    const bool json = p.flag("json");
    const int stallAfter = stallAfterRecords();
    int captioned = 0, failed = 0;
    for (std::size_t from = 0; from < todo.size(); from += kSliceImages) {
        const std::size_t to = std::min(todo.size(), from + kSliceImages);
        std::vector<std::string> paths;
        for (std::size_t j = from; j < to; ++j) paths.push_back(in.images[todo[j]]);
        std::size_t next = from; // results arrive in input order
        opts.onResult = [&](const captioner::CaptionResult& r) {
            const std::string line = cli::recordLine(r, todo[next++], s, total);
            ++captioned;
            if (!r.ok()) {
                ++failed;
                std::cerr << "captioner caption: " << r.error << "\n";
            }
            if (out) {
                out->append(line);
                if (captioned == stallAfter)
                    for (;;) ::pause();
            } else if (json) {
                std::cout << line << std::flush;
            } else if (r.ok()) {
                std::cout << r.image << '\t' << r.caption << std::endl;
            }
        };
        captioner::captionImages(ck, paths, opts);
    }
    std::cerr << "captioner caption: shard " << s.index << "/" << s.count << ": captioned " << captioned << " images ("
              << failed << " failed)";
    if (out) std::cerr << "; " << outPath << " holds all " << held.size() << " of the shard's images";
    std::cerr << "\n";
    // With --out, a finished shard succeeds: its undecodable images are recorded as error lines, and a
    // batch system that retried a failed task would only read them again. On stdout they fail it.
    return in.missing > 0 || (!out && failed > 0) ? 1 : 0;
}

int run(const cli::ArgParser& p) {
    const auto args = p.positionals("IMAGE_OR_FOLDER");
    if (args.front() == "merge") return cli::mergeShardFiles({args.begin() + 1, args.end()}, p.flag("allow-gaps"));
    if (!p.isSet("model")) throw cli::UsageError("--model DIR is required");
    if (p.intValue("max-length") < 2)
        throw cli::UsageError("--max-length must be at least 2 (it counts the start token)");
    if (p.intValue("num-beams") < 1) throw cli::UsageError("--num-beams must be at least 1");
    if (p.intValue("batch-size") < 0) throw cli::UsageError("--batch-size must be 0 (automatic) or more");
    if (p.isSet("out") && p.value("out").empty()) throw cli::UsageError("--out needs a file name");
    try {
        captioner::parseInferencePrecision(p.value("precision"));
    } catch (const captioner::Error&) {
        throw cli::UsageError("--precision must be fp32, bf16 or int8");
    }
    auto shard = cli::resolveShard(p.isSet("shard") ? p.optional("shard") : std::nullopt,
                                   p.isSet("shard-count") ? p.optional("shard-count") : std::nullopt, envLookup);
    const Inputs in = gatherInputs(args);
    if (!shard && !p.isSet("out") && !p.flag("dry-run")) return runUnsharded(p, in);
    if (!shard) shard = cli::ShardSelection{0, 1, "no --shard and no launcher variables (all inputs)", std::nullopt};
    return runShard(p, in, *shard);
}

cli::CommandRegistrar reg({"caption",
                           "Caption images with a GIT checkpoint, whole or in shards (caption merge joins shard files)",
                           define, run});

} // namespace
