// safetensors files (checkpoints from the Hub): header JSON, dtypes, shapes, offsets, then every
// tensor read into a tensor of its own shape.
#include "captioner/safetensors.h"
#include "fuzz_util.h"

#include <torch/torch.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::writeScratch("model.safetensors", data, size);
    fuzz::expectOnlyErrors("safetensors", [&] {
        const auto file = captioner::SafetensorsFile::open(path);
        // open() has checked that every tensor's bytes lie inside the file (no bigger than the input).
        for (const auto& entry : file->entries()) (void)file->tensor(entry.name);
    });
    return 0;
}
