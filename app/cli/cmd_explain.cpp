// `captioner explain`: "where the model looked" for each word of an image's caption. Greedy decoding with
// the decoder's text-to-image attention taken from the same forward pass (captioner/caption_pipeline.h:
// CaptionHeatmaps); one PNG per word with the heatmap blended over the image the model saw, and
// heatmaps.json with the numbers.
#include "command.h"

#include "captioner/atomic_file.h"
#include "captioner/caption_pipeline.h"
#include "captioner/error.h"
#include "captioner/image_io.h"
#include "captioner/inference_precision.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace {

constexpr double kOpacity = 0.5;     // of the colour map over the image
constexpr int kMinDisplaySide = 384; // small model inputs (64 px) are enlarged by a whole factor to at least this

void define(cli::ArgParser& p) {
    p.addOption("model", "DIR", "Hugging Face GIT checkpoint folder (config.json, model.safetensors, ...)");
    p.addOption("out", "FOLDER",
                "Output folder (created if needed): NN_WORD.png per word (the heatmap, jet colour map at 50% opacity, "
                "bilinearly upsampled from the patch grid, over the image as the model saw it after resizing and "
                "cropping) and heatmaps.json (caption, confidence, grid size, and per word: its confidence, the "
                "rows x cols patch weights and the CLS token's weight, which together are the word's attention mass on "
                "the image). Files of the same names are replaced, each atomically; other files are left alone");
    p.addFlag("all-layers", "Average the attention over all decoder layers instead of taking the last layer's alone "
                            "(on the demo model the sharper map: see README, Where the model looked)");
    p.addOption("max-length", "N", "Maximum caption length in tokens, counting the start token", "50");
    p.addOption("device", "NAME", "cpu, cuda, cuda:N or auto", "cpu");
    p.addOption("precision", "MODE", "fp32, bf16 or int8, as for `captioner caption`", "fp32");
    p.addPositional("IMAGE", "The image to caption and explain");
}

// Lower-case ASCII letters and digits of a word; anything else becomes '_' (runs collapsed), so file names
// are portable. A word with nothing left (punctuation, other scripts) is "word".
std::string sanitize(const std::string& word) {
    std::string out;
    for (unsigned char c : word) {
        if (std::isalnum(c) && c < 0x80) out += char(std::tolower(c));
        else if (!out.empty() && out.back() != '_') out += '_';
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    if (out.size() > 40) out.resize(40);
    return out.empty() ? "word" : out;
}

// The image as the model saw it (RGB, after resize and crop), enlarged by a whole factor for viewing, with
// the word's patch grid bilinearly upsampled, scaled to its own maximum and blended on top in jet colours.
std::vector<uchar> overlayPng(const cv::Mat& seenRgb, const captioner::CaptionHeatmaps& maps,
                              const captioner::WordHeatmap& word, const std::string& nameForErrors) {
    const int factor = std::max(1, (kMinDisplaySide + std::max(seenRgb.cols, seenRgb.rows) - 1) /
                                       std::max(1, std::max(seenRgb.cols, seenRgb.rows)));
    cv::Mat base;
    cv::resize(seenRgb, base, cv::Size(seenRgb.cols * factor, seenRgb.rows * factor), 0, 0, cv::INTER_CUBIC);
    cv::cvtColor(base, base, cv::COLOR_RGB2BGR);
    cv::Mat grid(maps.rows, maps.cols, CV_32F);
    for (int r = 0; r < maps.rows; ++r)
        for (int c = 0; c < maps.cols; ++c) grid.at<float>(r, c) = word.grid[size_t(r * maps.cols + c)];
    double maxValue = 0;
    cv::minMaxLoc(grid, nullptr, &maxValue);
    cv::Mat up, grey, colours, blended;
    cv::resize(grid, up, base.size(), 0, 0, cv::INTER_LINEAR);
    up.convertTo(grey, CV_8U, maxValue > 0 ? 255.0 / maxValue : 0.0);
    cv::applyColorMap(grey, colours, cv::COLORMAP_JET);
    cv::addWeighted(base, 1.0 - kOpacity, colours, kOpacity, 0.0, blended);
    std::vector<uchar> png;
    if (!cv::imencode(".png", blended, png)) throw captioner::Error(nameForErrors, "PNG encoding failed");
    return png;
}

nlohmann::json gridJson(const captioner::CaptionHeatmaps& maps, const captioner::WordHeatmap& word) {
    nlohmann::json rows = nlohmann::json::array();
    for (int r = 0; r < maps.rows; ++r) {
        nlohmann::json row = nlohmann::json::array();
        for (int c = 0; c < maps.cols; ++c) row.push_back(word.grid[size_t(r * maps.cols + c)]);
        rows.push_back(std::move(row));
    }
    return rows;
}

int run(const cli::ArgParser& p) {
    for (const char* required : {"model", "out"})
        if (!p.isSet(required)) throw cli::UsageError(std::string("--") + required + " is required");
    const std::string image = p.positional("IMAGE"), out = p.value("out"), modelDir = p.value("model");
    const cv::Mat rgb = captioner::decodeImageRgb(image); // a bad image fails here, naming the file

    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_directory(out, ec))
        throw captioner::Error(out, "exists and is not a folder (--out wants a folder for the heatmap files)");

    captioner::CheckpointLoadOptions load;
    load.device = p.value("device");
    const auto precision = captioner::parseInferencePrecision(p.value("precision"));
    auto ck = captioner::loadCheckpoint(modelDir, load); // a bad model fails here, before anything is written
    captioner::applyInferencePrecision(ck, precision);
    fs::create_directories(out, ec);
    if (ec) throw captioner::Error(out, "cannot create folder: " + ec.message());
    captioner::CaptionOptions options = captioner::captionOptionsFor(ck);
    options.generation.maxLength = p.intValue("max-length");
    const bool allLayers = p.flag("all-layers");
    options.generation.imageAttention =
        allLayers ? captioner::ImageAttention::AllLayers : captioner::ImageAttention::LastLayer;
    options.batchSize = 1;
    const auto results = captioner::captionImages(ck, {image}, options);
    if (results.size() != 1) throw captioner::Error(image, "captioning was cancelled");
    const captioner::CaptionResult& r = results.front();
    if (!r.ok()) throw captioner::Error(image, r.error);

    const cv::Mat seen = ck.processor.resizedAndCropped(rgb);
    nlohmann::json doc = {{"image", image},
                          {"model", modelDir},
                          {"caption", r.caption},
                          {"confidence", r.confidence},
                          {"layers", allLayers ? "all" : "last"},
                          {"heads", "mean"},
                          {"word_map", "mean of the word's tokens' maps"},
                          {"grid", {{"rows", r.heatmaps.rows}, {"cols", r.heatmaps.cols}}},
                          {"image_size", {{"width", seen.cols}, {"height", seen.rows}}}};
    nlohmann::json words = nlohmann::json::array();
    for (size_t w = 0; w < r.heatmaps.words.size(); ++w) {
        const captioner::WordHeatmap& map = r.heatmaps.words[w];
        const std::string number = std::to_string(w);
        const std::string file = (number.size() < 2 ? "0" : "") + number + "_" + sanitize(map.word) + ".png";
        const std::string path = (fs::path(out) / file).string();
        const auto png = overlayPng(seen, r.heatmaps, map, path);
        captioner::writeFileAtomically(path, std::string(png.begin(), png.end()));
        words.push_back({{"index", w},
                         {"word", map.word},
                         {"file", file},
                         {"confidence", w < r.words.size() ? r.words[w].confidence : 0.0},
                         {"image_mass", map.mass()},
                         {"cls", map.cls},
                         {"grid", gridJson(r.heatmaps, map)}});
    }
    doc["words"] = std::move(words);
    const std::string jsonPath = (fs::path(out) / "heatmaps.json").string();
    captioner::writeFileAtomically(jsonPath, doc.dump(2) + "\n");
    std::cout << r.caption << "\n";
    std::cerr << "wrote " << r.heatmaps.words.size() << " heatmap image(s) and " << jsonPath << "\n";
    return 0;
}

cli::CommandRegistrar reg({"explain",
                           "Caption an image and write a heatmap per word: where the model looked (decoder attention)",
                           define, run});

} // namespace
