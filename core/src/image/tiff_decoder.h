#pragma once
// The TIFF layouts OpenCV 4.6 reads differently from Pillow (or not at all), decoded through libtiff
// with Pillow's unpacking: palette images, 2- and 4-bit grey and 32-bit float grey. See tiff_decoder.cpp.
#include <opencv2/core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace captioner::detail {

// The first page as 8-bit RGB (CV_8UC3) when it is one of those layouts; an empty Mat otherwise (the
// caller then uses OpenCV). Throws Error(name, ...) when libtiff cannot read the page's data.
cv::Mat decodeTiffSpecialRgb(const uint8_t* p, size_t n, const std::string& name);

// Reads every strip or tile of the first page through libtiff, keeping one at a time, and throws
// Error(name, "corrupt tiff image: ...") on the first one libtiff cannot decode (data cut short,
// corrupt LZW/Deflate/PackBits/JPEG data). OpenCV reads most layouts through TIFFReadRGBAStrip,
// which carries on past such errors with garbage pixels, so this check runs before it.
void checkTiffData(const uint8_t* p, size_t n, const std::string& name);

} // namespace captioner::detail
