#include <captioner/clip_image_processor.h>
#include <captioner/error.h>
#include <captioner/image_io.h>

#include "image/pil_resize.h"
#include "util/file_io.h"

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace captioner {
namespace {

// HF's get_size_dict: an int means {"shortest_edge": n} for size and a square for crop_size;
// a [h, w] pair means {"height": h, "width": w}.
nlohmann::json sizeDict(const nlohmann::json& v, bool defaultToSquare, const std::string& key,
                        const std::string& source) {
    if (v.is_number_integer())
        return defaultToSquare ? nlohmann::json{{"height", v}, {"width", v}} : nlohmann::json{{"shortest_edge", v}};
    if (v.is_array() && v.size() == 2) return {{"height", v[0]}, {"width", v[1]}};
    if (v.is_object()) return v;
    throw Error(source, "\"" + key + "\" must be an integer, [height, width] or an object");
}

int positiveInt(const nlohmann::json& obj, const char* key, const std::string& what, const std::string& source) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer() || it->get<long long>() <= 0 || it->get<long long>() > 1 << 20)
        throw Error(source, what + "." + key + " must be a positive integer");
    return it->get<int>();
}

std::array<double, 3> triple(const nlohmann::json& v, const char* key, const std::string& source) {
    if (v.is_number()) return {v.get<double>(), v.get<double>(), v.get<double>()};
    if (v.is_array() && v.size() == 3 && v[0].is_number() && v[1].is_number() && v[2].is_number())
        return {v[0].get<double>(), v[1].get<double>(), v[2].get<double>()};
    throw Error(source, std::string("\"") + key + "\" must be a number or a list of 3 numbers");
}

void validate(const ClipImageProcessorConfig& c, const std::string& source) {
    if (c.resample < 0 || c.resample > 5)
        throw Error(source, "resample must be a PIL filter id 0..5, got " + std::to_string(c.resample));
    if (c.shortestEdge <= 0 && (c.sizeHeight <= 0 || c.sizeWidth <= 0)) throw Error(source, "size must be positive");
    if (c.cropHeight <= 0 || c.cropWidth <= 0) throw Error(source, "crop_size must be positive");
    if (!std::isfinite(c.rescaleFactor)) throw Error(source, "rescale_factor must be a finite number");
    for (int i = 0; i < 3; ++i)
        if (!std::isfinite(c.imageMean[i]) || !std::isfinite(c.imageStd[i]) || c.imageStd[i] == 0.0)
            throw Error(source, "image_mean/image_std must be finite and image_std non-zero");
}

bool useHeightWidth(const ClipImageProcessorConfig& c) { return c.sizeHeight > 0 && c.sizeWidth > 0; }

// The resize's longer side is at most this many pixels (an 1 x 178,956,970 image, Pillow's largest,
// would otherwise ask for a 224 x 40-billion resize: int overflow here, an allocation failure there).
constexpr double kMaxResizedSide = double(1 << 30);

int floorDiv2(int v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

// HF center_crop: offsets (H - S) // 2 (floor division, may be negative), zero padding placed at
// ceil((S - H) / 2) when the image is smaller than the crop.
cv::Mat centerCrop(const cv::Mat& img, int cropH, int cropW) {
    const int top = floorDiv2(img.rows - cropH), left = floorDiv2(img.cols - cropW);
    if (top >= 0 && left >= 0) return img(cv::Rect(left, top, cropW, cropH)).clone();
    const int newH = std::max(cropH, img.rows), newW = std::max(cropW, img.cols);
    const int padTop = (newH - img.rows + 1) / 2, padLeft = (newW - img.cols + 1) / 2;
    cv::Mat padded = cv::Mat::zeros(newH, newW, img.type());
    img.copyTo(padded(cv::Rect(padLeft, padTop, img.cols, img.rows)));
    const int y0 = std::max(0, top + padTop), x0 = std::max(0, left + padLeft);
    const int y1 = std::min(newH, top + padTop + cropH), x1 = std::min(newW, left + padLeft + cropW);
    return padded(cv::Rect(x0, y0, x1 - x0, y1 - y0)).clone();
}

} // namespace

ClipImageProcessor::ClipImageProcessor(ClipImageProcessorConfig c) : m_config(std::move(c)) {
    validate(m_config, "image processor config");
    if (!m_config.extra.is_object()) m_config.extra = nlohmann::json::object();
}

ClipImageProcessor ClipImageProcessor::fromJsonFile(const std::string& path) {
    const std::string text = detail::readWholeFile(path, "cannot open preprocessor config");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("invalid JSON: ") + e.what());
    }
    return fromJson(j, path);
}

ClipImageProcessor ClipImageProcessor::fromJson(const nlohmann::json& j, const std::string& source) {
    if (!j.is_object()) throw Error(source, "preprocessor config must be a JSON object");
    ClipImageProcessorConfig c;
    c.extra = nlohmann::json::object();
    const auto boolean = [&](const std::string& key, const nlohmann::json& v) {
        if (!v.is_boolean()) throw Error(source, "\"" + key + "\" must be true or false");
        return v.get<bool>();
    };
    for (const auto& [key, v] : j.items()) {
        try {
            if (key == "do_resize") c.doResize = boolean(key, v);
            else if (key == "do_center_crop") c.doCenterCrop = boolean(key, v);
            else if (key == "do_rescale") c.doRescale = boolean(key, v);
            else if (key == "do_normalize") c.doNormalize = boolean(key, v);
            else if (key == "do_convert_rgb") c.doConvertRgb = boolean(key, v);
            else if (key == "image_mean") c.imageMean = triple(v, "image_mean", source);
            else if (key == "image_std") c.imageStd = triple(v, "image_std", source);
            else if (key == "resample") {
                if (!v.is_number_integer()) throw Error(source, "\"resample\" must be an integer PIL filter id");
                c.resample = v.get<int>();
            } else if (key == "rescale_factor") {
                if (!v.is_number()) throw Error(source, "\"rescale_factor\" must be a number");
                c.rescaleFactor = v.get<double>();
            } else if (key == "size") {
                const nlohmann::json s = sizeDict(v, false, key, source);
                if (s.contains("shortest_edge") && s.size() == 1) {
                    c.shortestEdge = positiveInt(s, "shortest_edge", "size", source);
                    c.sizeHeight = c.sizeWidth = 0;
                } else if (s.contains("height") && s.contains("width") && s.size() == 2) {
                    c.sizeHeight = positiveInt(s, "height", "size", source);
                    c.sizeWidth = positiveInt(s, "width", "size", source);
                } else {
                    throw Error(source, "size must be {\"shortest_edge\": N} or {\"height\": H, \"width\": W}");
                }
            } else if (key == "crop_size") {
                const nlohmann::json s = sizeDict(v, true, key, source);
                c.cropHeight = positiveInt(s, "height", "crop_size", source);
                c.cropWidth = positiveInt(s, "width", "crop_size", source);
            } else if (key == "image_processor_type" || key == "feature_extractor_type") {
                const std::string type = v.is_string() ? v.get<std::string>() : "";
                if (type != "CLIPImageProcessor" && type != "CLIPFeatureExtractor")
                    throw Error(source, "unsupported " + key + " \"" + type + "\" (expected CLIPImageProcessor)");
            } else {
                c.extra[key] = v;
            }
        } catch (const nlohmann::json::exception& e) {
            throw Error(source, "bad value for \"" + key + "\": " + e.what());
        }
    }
    validate(c, source);
    return ClipImageProcessor(std::move(c));
}

nlohmann::json ClipImageProcessor::toJson() const {
    const auto& c = m_config;
    nlohmann::json j = c.extra;
    if (!j.contains("processor_class")) j["processor_class"] = "GitProcessor";
    j["image_processor_type"] = "CLIPImageProcessor";
    j["do_resize"] = c.doResize;
    j["size"] = useHeightWidth(c) ? nlohmann::json{{"height", c.sizeHeight}, {"width", c.sizeWidth}}
                                  : nlohmann::json{{"shortest_edge", c.shortestEdge}};
    j["resample"] = c.resample;
    j["do_center_crop"] = c.doCenterCrop;
    j["crop_size"] = {{"height", c.cropHeight}, {"width", c.cropWidth}};
    j["do_rescale"] = c.doRescale;
    j["rescale_factor"] = c.rescaleFactor;
    j["do_normalize"] = c.doNormalize;
    j["image_mean"] = c.imageMean;
    j["image_std"] = c.imageStd;
    j["do_convert_rgb"] = c.doConvertRgb;
    return j;
}

int ClipImageProcessor::outputHeight() const {
    if (m_config.doCenterCrop) return m_config.cropHeight;
    return m_config.doResize && useHeightWidth(m_config) ? m_config.sizeHeight : 0;
}

int ClipImageProcessor::outputWidth() const {
    if (m_config.doCenterCrop) return m_config.cropWidth;
    return m_config.doResize && useHeightWidth(m_config) ? m_config.sizeWidth : 0;
}

cv::Mat ClipImageProcessor::rgbInput(const cv::Mat& rgbIn) const {
    if (rgbIn.empty() || rgbIn.depth() != CV_8U) throw Error("preprocess", "expects a non-empty 8-bit image");
    cv::Mat rgb = rgbIn;
    // Decoders already give RGB; accept grey or RGBA from other callers the way PIL converts them.
    if (m_config.doConvertRgb && rgb.channels() == 1) cv::cvtColor(rgbIn, rgb, cv::COLOR_GRAY2RGB);
    else if (m_config.doConvertRgb && rgb.channels() == 4) cv::cvtColor(rgbIn, rgb, cv::COLOR_RGBA2RGB);
    if (rgb.channels() != 3)
        throw Error("preprocess", "expects a 3-channel RGB image, got " + std::to_string(rgb.channels()) + " channels");
    return rgb;
}

cv::Size ClipImageProcessor::resizedSize(int cols, int rows) const {
    if (useHeightWidth(m_config)) return {m_config.sizeWidth, m_config.sizeHeight};
    // get_resize_output_image_size with default_to_square=False: long = int(S * long / short).
    const int s = m_config.shortestEdge;
    const bool portrait = cols <= rows;
    const int shortSide = portrait ? cols : rows, longSide = portrait ? rows : cols;
    const double newLong = std::floor(double(s) * double(longSide) / double(shortSide));
    if (newLong > kMaxResizedSide)
        throw Error("preprocess", "image of " + std::to_string(cols) + "x" + std::to_string(rows) +
                                      " pixels is too elongated: resizing its shorter side to " + std::to_string(s) +
                                      " would make the longer side " + std::to_string(int64_t(newLong)) +
                                      " pixels; not resized");
    return portrait ? cv::Size(s, int(newLong)) : cv::Size(int(newLong), s);
}

cv::Mat ClipImageProcessor::resized(const cv::Mat& rgbIn) const {
    const cv::Mat rgb = rgbInput(rgbIn);
    if (!m_config.doResize) return rgb.clone();
    const cv::Size size = resizedSize(rgb.cols, rgb.rows);
    if (uint64_t(size.width) * uint64_t(size.height) > kMaxImagePixels)
        throw Error("preprocess", "resizing " + std::to_string(rgb.cols) + "x" + std::to_string(rgb.rows) + " to " +
                                      std::to_string(size.width) + "x" + std::to_string(size.height) +
                                      " pixels would exceed the limit of " + std::to_string(kMaxImagePixels));
    return detail::pilResize(rgb, size.width, size.height, detail::PilFilter(m_config.resample));
}

cv::Mat ClipImageProcessor::resizedAndCropped(const cv::Mat& rgbIn) const {
    if (!m_config.doCenterCrop) return resized(rgbIn);
    const int cropH = m_config.cropHeight, cropW = m_config.cropWidth;
    const cv::Mat rgb = rgbInput(rgbIn);
    if (!m_config.doResize) return centerCrop(rgb, cropH, cropW);
    // Only the part of the resized image that the crop keeps is computed: crop pixel (y, x) is resized
    // pixel (top + y, left + x), or zero padding where that lies outside the resized image.
    const cv::Size size = resizedSize(rgb.cols, rgb.rows);
    const int top = floorDiv2(size.height - cropH), left = floorDiv2(size.width - cropW);
    const int y0 = std::max(0, top), y1 = std::min(size.height, top + cropH);
    const int x0 = std::max(0, left), x1 = std::min(size.width, left + cropW);
    const cv::Mat kept = detail::pilResizeRegion(rgb, size.width, size.height, detail::PilFilter(m_config.resample),
                                                 cv::Rect(x0, y0, x1 - x0, y1 - y0));
    if (kept.rows == cropH && kept.cols == cropW) return kept;
    cv::Mat out = cv::Mat::zeros(cropH, cropW, kept.type());
    kept.copyTo(out(cv::Rect(x0 - left, y0 - top, kept.cols, kept.rows)));
    return out;
}

torch::Tensor ClipImageProcessor::preprocess(const cv::Mat& rgb) const {
    const cv::Mat img = resizedAndCropped(rgb);
    const int h = img.rows, w = img.cols;
    torch::Tensor out = torch::empty({3, h, w}, torch::kFloat32);
    float* dst = out.data_ptr<float>();
    // HF: uint8 * factor in float64, cast to float32; then (x - mean) / std in float32.
    std::array<float, 256> table[3];
    for (int c = 0; c < 3; ++c) {
        const float mean = float(m_config.imageMean[c]), std = float(m_config.imageStd[c]);
        for (int v = 0; v < 256; ++v) {
            float x = m_config.doRescale ? float(double(v) * m_config.rescaleFactor) : float(v);
            table[c][v] = m_config.doNormalize ? (x - mean) / std : x;
        }
    }
    for (int y = 0; y < h; ++y) {
        const uint8_t* row = img.ptr<uint8_t>(y);
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c) dst[(size_t(c) * h + y) * w + x] = table[c][row[x * 3 + c]];
    }
    return out;
}

torch::Tensor ClipImageProcessor::preprocessBatch(const std::vector<cv::Mat>& rgb) const {
    if (rgb.empty()) throw Error("preprocess", "empty batch");
    std::vector<torch::Tensor> items;
    items.reserve(rgb.size());
    for (const auto& m : rgb) {
        items.push_back(preprocess(m));
        if (items.back().sizes() != items.front().sizes())
            throw Error("preprocess", "images of different sizes cannot form a batch without a crop or fixed resize");
    }
    return torch::stack(items);
}

} // namespace captioner
