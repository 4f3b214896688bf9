// Checkpoint configs: config.json (GitConfig) and preprocessor_config.json (CLIP image processor),
// parsed from the same bytes, and written back and re-read (save_pretrained's round trip).
#include "captioner/clip_image_processor.h"
#include "captioner/git_config.h"
#include "fuzz_util.h"

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::writeScratch("config.json", data, size);
    fuzz::expectOnlyErrors("config.json", [&] {
        const captioner::GitConfig config = captioner::loadGitConfig(path);
        const nlohmann::json again = captioner::gitConfigToJson(config);
        (void)captioner::gitConfigFromJson(again, "round trip");
    });
    fuzz::expectOnlyErrors("preprocessor_config.json", [&] {
        const auto processor = captioner::ClipImageProcessor::fromJsonFile(path);
        (void)captioner::ClipImageProcessor::fromJson(processor.toJson(), "round trip");
    });
    return 0;
}
