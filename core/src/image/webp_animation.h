#pragma once
// First frame of an animated WebP as Pillow shows it (libwebpdemux's WebPAnimDecoder, RGBA canvas,
// alpha then dropped by convert("RGB")). OpenCV 4.6 refuses animated WebP files.
#include <opencv2/core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace captioner::detail {

// Whether the file is a WebP with the VP8X animation flag set.
bool isAnimatedWebP(const uint8_t* p, size_t n);
// 8-bit RGB (CV_8UC3). Throws Error(name, ...) when the animation cannot be decoded.
cv::Mat decodeAnimatedWebPRgb(const uint8_t* p, size_t n, const std::string& name);

} // namespace captioner::detail
