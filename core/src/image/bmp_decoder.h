#pragma once
// BMP decoded as Pillow 9.4's BmpImagePlugin reads it, then convert("RGB"). See bmp_decoder.cpp.
#include <opencv2/core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace captioner::detail {

// 8-bit RGB (CV_8UC3, R,G,B order). Throws Error(name, ...) for what Pillow refuses (unsupported
// header, depth, compression or bitfields layout) and for truncated or oversized files.
cv::Mat decodeBmpRgb(const uint8_t* p, size_t n, const std::string& name);

} // namespace captioner::detail
