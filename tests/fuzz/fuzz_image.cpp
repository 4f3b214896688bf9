// Image decoding (every format the core reads: PNG, JPEG, WebP, GIF, BMP, TIFF, …) and CLIP
// preprocessing (git-base's: shortest edge 224, centre crop 224) of whatever the input holds.
#include "captioner/clip_image_processor.h"
#include "captioner/image_io.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const captioner::ClipImageProcessor processor; // defaults are git-base's
    const std::vector<uint8_t> bytes(data, data + size);
    fuzz::expectOnlyErrors("image decoding", [&] {
        const cv::Mat rgb = captioner::decodeImageRgbFromMemory(bytes, "fuzz-input");
        if (rgb.empty() || rgb.type() != CV_8UC3) {
            std::fprintf(stderr, "captioner fuzz: decoding returned %s instead of 8-bit RGB or an Error\n",
                         rgb.empty() ? "an empty image" : "another pixel type");
            std::abort();
        }
        const cv::Mat cropped = processor.resizedAndCropped(rgb);
        if (cropped.cols != processor.outputWidth() || cropped.rows != processor.outputHeight()) std::abort();
    });
    return 0;
}
