#pragma once
// Pillow's Image.resize for 8-bit images (libImaging/Resample.c, Pillow 9.x-11.x): separable
// convolution whose kernel widens with the shrink factor (so shrinking low-pass filters), weights
// rounded to 22-bit fixed point, horizontal pass first and clipped to uint8 before the vertical pass.
// Reproducing those roundings makes the output bit-identical to PIL's, which plain OpenCV resizing
// (no antialiasing, float weights) is not.
#include <opencv2/core.hpp>

namespace captioner::detail {

enum class PilFilter { Nearest = 0, Lanczos = 1, Bilinear = 2, Bicubic = 3, Box = 4, Hamming = 5 };

// src: CV_8UC1/3/4, any stride. Returns a new width x height image of the same type.
cv::Mat pilResize(const cv::Mat& src, int width, int height, PilFilter filter);

// pilResize(src, width, height, filter)(region), bit for bit, computed from only the source pixels the
// region depends on (its output rows and columns, widened by the filter's support): the cost follows
// the region's size, not the whole output's. region must lie inside width x height.
cv::Mat pilResizeRegion(const cv::Mat& src, int width, int height, PilFilter filter, const cv::Rect& region);

} // namespace captioner::detail
