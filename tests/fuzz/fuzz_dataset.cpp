// Dataset files: imagefolder metadata.jsonl / metadata.csv, COCO captions JSON, Karpathy split JSON,
// Flickr token files and a sidecar caption — the first byte picks which file the rest becomes, in a
// folder that also holds two images. Opened as a dataset, then written out (JSON Lines and CSV) and
// read back, as the app's Save As does.
#include "captioner/dataset.h"
#include "fuzz_util.h"

#include <filesystem>

namespace {
namespace fs = std::filesystem;

struct Layout {
    const char* file;
    bool openFolder; // open the folder (layout detection) rather than the file
};
constexpr Layout kLayouts[] = {
    {"metadata.jsonl", false},          {"metadata.csv", false},
    {"captions_train2017.json", false}, {"dataset_coco.json", false},
    {"Flickr8k.token.txt", false},      {"a.txt", true},
    {"metadata.jsonl", true},           {"annotations/captions_val2017.json", true},
};

// A 1x1 PNG: the images the caption files name may exist.
constexpr unsigned char kPng[] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
                                  0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
                                  0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08,
                                  0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xdd, 0x8d,
                                  0xb0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const Layout& layout = kLayouts[data[0] % (sizeof(kLayouts) / sizeof(kLayouts[0]))];
    const fs::path dir = fs::path(fuzz::scratchDir()) / "dataset";
    const fs::path out = fs::path(fuzz::scratchDir()) / "saved";
    fs::remove_all(dir);
    fs::remove_all(out);
    fs::create_directories(dir / "annotations");
    for (const char* image : {"a.png", "b.jpg"})
        (void)fuzz::writeScratch(std::string("dataset/") + image, kPng, sizeof kPng);
    (void)fuzz::writeScratch(std::string("dataset/") + layout.file, data + 1, size - 1);
    const std::string path = layout.openFolder ? dir.string() : (dir / layout.file).string();
    fuzz::expectOnlyErrors("dataset", [&] {
        const auto dataset = captioner::CaptionDataset::open(path);
        for (const auto format : {captioner::DatasetFormat::ImageFolder, captioner::DatasetFormat::Sidecar}) {
            fs::remove_all(out);
            fuzz::expectOnlyErrors("dataset save", [&] {
                dataset.saveAs(out.string(), format);
                (void)captioner::CaptionDataset::open(out.string());
            });
        }
    });
    return 0;
}
