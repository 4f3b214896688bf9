// `captioner score`: the loss GitForCausalLM gives a caption for an image (labels = input_ids).
#include "command.h"

#include "captioner/caption_pipeline.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace {

void define(cli::ArgParser& p) {
    p.addOption("model", "DIR", "Hugging Face GIT checkpoint folder");
    p.addOption("image", "IMG", "Image file");
    p.addOption("text", "TEXT", "Caption to score");
    p.addOption("device", "NAME", "cpu, cuda, cuda:N or auto", "cpu");
    p.addFlag("json", "Print a JSON object with loss and input_ids");
}

int run(const cli::ArgParser& p) {
    for (const char* required : {"model", "image", "text"})
        if (!p.isSet(required)) throw cli::UsageError(std::string("--") + required + " is required");
    captioner::CheckpointLoadOptions load;
    load.device = p.value("device");
    auto ck = captioner::loadCheckpoint(p.value("model"), load);
    const auto r = captioner::scoreCaption(ck, p.value("image"), p.value("text"));
    if (p.flag("json")) {
        std::cout << nlohmann::json{{"loss", r.loss}, {"input_ids", r.inputIds}}.dump() << "\n";
    } else {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6f", r.loss);
        std::cout << "loss " << buf << " over " << (r.inputIds.size() - 1) << " predicted tokens\n";
    }
    return 0;
}

cli::CommandRegistrar reg({"score", "Loss of a caption for an image (teacher forcing, labels = input_ids)", define,
                           run});

} // namespace
