#pragma once
// First frame of a GIF as Pillow shows it after convert("RGB"), decoded here (Debian's OpenCV 4.6 has
// no GIF reader). See gif_decoder.cpp for the semantics.
#include <opencv2/core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace captioner::detail {

// 8-bit RGB (CV_8UC3, R,G,B order). Throws Error(name, ...) for corrupt, truncated or oversized files.
cv::Mat decodeGifRgb(const uint8_t* p, size_t n, const std::string& name);

} // namespace captioner::detail
