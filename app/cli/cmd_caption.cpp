// `captioner caption`: captions for image files and folders with a GIT checkpoint.
#include "command.h"

#include "captioner/caption_pipeline.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

namespace {

void define(cli::ArgParser& p) {
    p.addOption("model", "DIR", "Hugging Face GIT checkpoint folder (config.json, model.safetensors, ...)");
    p.addOption("max-length", "N", "Maximum caption length in tokens, counting the start token", "50");
    p.addOption("num-beams", "N", "Beam search width; 1 = greedy", "1");
    p.addOption("length-penalty", "X", "Beam score = sum of log-probs / length ** X", "1.0");
    p.addOption("batch-size", "N", "Images per forward pass", "8");
    p.addOption("device", "NAME", "cpu, cuda, cuda:N or auto", "cpu");
    p.addFlag("json", "One JSON object per image and line: image, caption, token_ids, seconds");
    p.addPositional("IMAGE_OR_FOLDER", "Image files, or folders searched recursively for images", true, 1);
}

int run(const cli::ArgParser& p) {
    if (!p.isSet("model")) throw cli::UsageError("--model DIR is required");
    const int maxLength = p.intValue("max-length"), numBeams = p.intValue("num-beams"), batch = p.intValue("batch-size");
    if (maxLength < 2) throw cli::UsageError("--max-length must be at least 2 (it counts the start token)");
    if (numBeams < 1) throw cli::UsageError("--num-beams must be at least 1");
    if (batch < 1) throw cli::UsageError("--batch-size must be at least 1");

    std::vector<std::string> images;
    int missing = 0;
    for (const auto& arg : p.positionals("IMAGE_OR_FOLDER")) {
        if (std::filesystem::is_directory(arg)) {
            auto found = captioner::listImageFiles(arg);
            if (found.empty()) std::cerr << "captioner caption: " << arg << ": no images in folder\n";
            images.insert(images.end(), found.begin(), found.end());
        } else if (!std::filesystem::exists(arg)) {
            std::cerr << "captioner caption: " << arg << ": no such file\n";
            ++missing;
        } else {
            images.push_back(arg);
        }
    }

    captioner::CheckpointLoadOptions load;
    load.device = p.value("device");
    auto ck = captioner::loadCheckpoint(p.value("model"), load);
    captioner::CaptionOptions opts;
    opts.generation = captioner::generationOptionsFor(ck, maxLength, numBeams, p.doubleValue("length-penalty"));
    opts.batchSize = batch;
    const bool json = p.flag("json");
    int failed = missing;
    opts.onResult = [&](const captioner::CaptionResult& r) {
        if (!r.ok()) {
            ++failed;
            std::cerr << "captioner caption: " << r.error << "\n";
            return;
        }
        if (json) {
            nlohmann::json j{{"image", r.image}, {"caption", r.caption}, {"token_ids", r.tokenIds}, {"seconds", r.seconds}};
            std::cout << j.dump() << std::endl;
        } else {
            std::cout << r.image << '\t' << r.caption << std::endl;
        }
    };
    captioner::captionImages(ck, images, opts);
    return failed > 0 ? 1 : 0;
}

cli::CommandRegistrar reg({"caption", "Caption images with a GIT checkpoint", define, run});

} // namespace
