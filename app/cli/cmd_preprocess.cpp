// `captioner preprocess`: pixel_values of one image as the model sees them, saved as .npy.
#include "command.h"

#include "captioner/checkpoint.h"
#include "captioner/image_io.h"

#include <iostream>

namespace {

void define(cli::ArgParser& p) {
    p.addOption("model", "DIR", "Checkpoint folder whose preprocessor_config.json is used");
    p.addOption("image", "IMG", "Image file");
    p.addOption("out", "FILE.npy", "Output: float32 [1,3,H,W] in NumPy .npy format");
}

int run(const cli::ArgParser& p) {
    for (const char* required : {"model", "image", "out"})
        if (!p.isSet(required)) throw cli::UsageError(std::string("--") + required + " is required");
    const auto processor = captioner::loadImageProcessor(p.value("model"));
    const auto pixels = processor.preprocess(captioner::decodeImageRgb(p.value("image"))).unsqueeze(0);
    captioner::writeNpy(p.value("out"), pixels);
    std::cerr << "wrote " << p.value("out") << " [1," << pixels.size(1) << "," << pixels.size(2) << ","
              << pixels.size(3) << "]\n";
    return 0;
}

cli::CommandRegistrar reg({"preprocess", "Write an image's pixel_values (CLIP preprocessing) as a .npy file", define,
                           run});

} // namespace
