#pragma once
// JPEG decoding with libjpeg directly (OpenCV's imdecode ignores libjpeg's warnings, so a file with
// corrupt entropy-coded data decoded silently into grey or garbage blocks).
// - One- and three-component files come out as libjpeg's RGB (grey replicated), which is what
//   Pillow's open + convert("RGB") gives (same library, same defaults: islow DCT, fancy upsampling).
// - Four-component (CMYK and YCCK) files as Pillow converts them: Pillow opens them as "CMYK" with
//   the raw mode "CMYK;I" (Adobe's inverted convention assumed, whatever the markers say); libjpeg
//   turns YCCK into CMYK first; convert("RGB") computes R = K' - round(C' * K' / 255) with C' = 255 - C
//   and K' the stored K (Pillow's cmyk2rgb with its MULDIV255 rounding, read for behaviour).
// - libjpeg's warnings about corrupt data (premature end of data segment or file, bad Huffman or
//   arithmetic code, resynchronisation, bad progression) are errors unless lenient is set (the
//   loadTruncatedImages option), when libjpeg's own recovery (grey fill) is kept.
// - libjpeg may use at most 512 MiB (a large progressive image buffers all its coefficients).
#include <opencv2/core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace captioner::detail {

// 8-bit RGB (CV_8UC3). Throws Error(name, ...) when the data cannot be decoded or is corrupt.
cv::Mat decodeJpegRgb(const uint8_t* p, size_t n, const std::string& name, bool lenient);

} // namespace captioner::detail
