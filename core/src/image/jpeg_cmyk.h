#pragma once
// Four-component (CMYK and YCCK) JPEGs as Pillow converts them; OpenCV 4.6 rounds differently.
#include <opencv2/core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace captioner::detail {

// 8-bit RGB (CV_8UC3). Throws Error(name, ...) when libjpeg cannot decode the data.
cv::Mat decodeCmykJpegRgb(const uint8_t* p, size_t n, const std::string& name);

} // namespace captioner::detail
