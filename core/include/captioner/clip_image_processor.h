#pragma once
// ClipImageProcessor turns decoded RGB images into the pixel_values the vision encoder expects,
// reproducing Hugging Face's CLIPImageProcessor (transformers 4.46) step by step: resize with PIL's
// antialiasing bicubic filter (shortest edge, long side int(S * long / short)), center crop with
// zero padding when the image is smaller, rescale to float32, normalise with the channel mean/std.
// Settings come from preprocessor_config.json; unknown keys survive a load/save round trip.
// Instances are immutable after construction and safe to use from several threads.
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <torch/types.h>

#include <array>
#include <string>
#include <vector>

namespace captioner {

struct ClipImageProcessorConfig {
    bool doResize = true;
    int shortestEdge = 224;            // used when size is {"shortest_edge": N}
    int sizeHeight = 0, sizeWidth = 0; // used instead when size is {"height": H, "width": W}
    int resample = 3;                  // PIL filter id: 0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming
    bool doCenterCrop = true;
    int cropHeight = 224, cropWidth = 224;
    bool doRescale = true;
    double rescaleFactor = 1.0 / 255;
    bool doNormalize = true;
    std::array<double, 3> imageMean{0.48145466, 0.4578275, 0.40821073};
    std::array<double, 3> imageStd{0.26862954, 0.26130258, 0.27577711};
    bool doConvertRgb = true;
    nlohmann::json extra = nlohmann::json::object(); // unknown keys kept for round trip
};

class ClipImageProcessor {
public:
    ClipImageProcessor() = default;
    explicit ClipImageProcessor(ClipImageProcessorConfig c);

    static ClipImageProcessor fromJsonFile(const std::string& path);
    static ClipImageProcessor fromJson(const nlohmann::json& j, const std::string& sourceForErrors);
    // The dictionary save_pretrained writes (sorted keys when dumped by nlohmann::json).
    nlohmann::json toJson() const;
    // Writes toJson() as HF does (2-space indent, trailing newline), atomically.
    void save(const std::string& path) const;
    const ClipImageProcessorConfig& config() const { return m_config; }

    // rgb: CV_8UC3 in R,G,B order (what decodeImageRgb returns). Result: [3,H,W] float32.
    torch::Tensor preprocess(const cv::Mat& rgb) const;
    // [B,3,H,W] float32; all outputs share one size, so any image sizes may be mixed.
    torch::Tensor preprocessBatch(const std::vector<cv::Mat>& rgb) const;
    // The uint8 stages alone, for previews and tests: after the resize, and after resize + crop.
    // resizedAndCropped computes only the resized pixels the crop keeps (plus the filter's reach into
    // the source), so its cost does not grow with the image's aspect ratio; its values are those of
    // resized() cropped. Images whose resize would be absurdly long (over 2^30 pixels on a side) are
    // refused with captioner::Error.
    cv::Mat resized(const cv::Mat& rgb) const;
    cv::Mat resizedAndCropped(const cv::Mat& rgb) const;

    // Output size for inputs of any size; 0 when it depends on the input (no crop, shortest-edge resize).
    int outputHeight() const;
    int outputWidth() const;

private:
    cv::Mat rgbInput(const cv::Mat& rgb) const;
    cv::Size resizedSize(int cols, int rows) const;

    ClipImageProcessorConfig m_config;
};

// Writes a float32 tensor (any shape, made contiguous) as a NumPy .npy v1.0 file, atomically.
void writeNpy(const std::string& path, const torch::Tensor& t);

} // namespace captioner
