#include "image/pil_resize.h"

#include <captioner/error.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace captioner::detail {
namespace {

// Pillow keeps 8 bits for the result and 2 for overshoot of negative lobes: 22 fraction bits.
constexpr int kPrecisionBits = 32 - 8 - 2;

double boxKernel(double x) { return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0; }

double bilinearKernel(double x) {
    x = std::fabs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
}

double hammingKernel(double x) {
    x = std::fabs(x);
    if (x == 0.0) return 1.0;
    if (x >= 1.0) return 0.0;
    x *= M_PI;
    // Pillow multiplies by float constants here; keep them float so the weights agree.
    return std::sin(x) / x * (0.54f + 0.46f * std::cos(x));
}

double bicubicKernel(double x) {
    constexpr double a = -0.5;
    x = std::fabs(x);
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

double sinc(double x) {
    if (x == 0.0) return 1.0;
    x *= M_PI;
    return std::sin(x) / x;
}

double lanczosKernel(double x) { return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0; }

struct Kernel {
    double (*fn)(double);
    double support;
};

Kernel kernelFor(PilFilter f) {
    switch (f) {
    case PilFilter::Box: return {boxKernel, 0.5};
    case PilFilter::Bilinear: return {bilinearKernel, 1.0};
    case PilFilter::Hamming: return {hammingKernel, 1.0};
    case PilFilter::Bicubic: return {bicubicKernel, 2.0};
    case PilFilter::Lanczos: return {lanczosKernel, 3.0};
    case PilFilter::Nearest: break;
    }
    throw Error("resize", "unsupported resampling filter");
}

// Per output position in [begin, begin + first.size()): first input index, tap count and
// fixed-point weights (ksize per position). Each position's taps depend only on the sizes and the
// position, so a range of positions gets exactly the taps the whole axis would give them.
struct Taps {
    int ksize = 0;
    std::vector<int> first, count;
    std::vector<int32_t> weights;
};

Taps computeTaps(int inSize, int outSize, const Kernel& kernel, int begin, int end) {
    // Pillow passes the box edges as float; integral sizes make in1 - in0 exact.
    const double scale = double(float(inSize) - 0.0f) / outSize;
    const double filterScale = std::max(scale, 1.0);
    const double support = kernel.support * filterScale;
    Taps t;
    t.ksize = int(std::ceil(support)) * 2 + 1;
    const int n = end - begin;
    t.first.resize(size_t(n));
    t.count.resize(size_t(n));
    t.weights.assign(size_t(n) * t.ksize, 0);
    std::vector<double> w(t.ksize);
    for (int xx = begin; xx < end; ++xx) {
        const double center = 0.0 + (xx + 0.5) * scale;
        const double ss = 1.0 / filterScale;
        int xmin = int(center - support + 0.5); // truncation toward zero, as Pillow's cast
        if (xmin < 0) xmin = 0;
        int xmax = int(center + support + 0.5);
        if (xmax > inSize) xmax = inSize;
        xmax -= xmin;
        double total = 0.0;
        for (int x = 0; x < xmax; ++x) {
            w[x] = kernel.fn((x + xmin - center + 0.5) * ss);
            total += w[x];
        }
        int32_t* out = &t.weights[size_t(xx - begin) * t.ksize];
        for (int x = 0; x < xmax; ++x) {
            const double k = total != 0.0 ? w[x] / total : w[x];
            const double scaled = k * (1 << kPrecisionBits);
            out[x] = k < 0 ? int32_t(-0.5 + scaled) : int32_t(0.5 + scaled);
        }
        t.first[size_t(xx - begin)] = xmin;
        t.count[size_t(xx - begin)] = xmax;
    }
    return t;
}

inline uint8_t clip8(int32_t v) {
    const int32_t s = v >> kPrecisionBits; // arithmetic shift: floor, as Pillow's lookup index
    return uint8_t(s < 0 ? 0 : (s > 255 ? 255 : s));
}

// Rows [rowBegin, rowBegin + out.rows) of src, filtered along x into out.
void horizontalPass(const cv::Mat& src, int rowBegin, cv::Mat& out, const Taps& t) {
    const int cn = src.channels();
    const int32_t half = 1 << (kPrecisionBits - 1);
    for (int yy = 0; yy < out.rows; ++yy) {
        const uint8_t* in = src.ptr<uint8_t>(rowBegin + yy);
        uint8_t* o = out.ptr<uint8_t>(yy);
        for (int xx = 0; xx < out.cols; ++xx) {
            const int32_t* k = &t.weights[size_t(xx) * t.ksize];
            const uint8_t* p = in + size_t(t.first[xx]) * cn;
            if (cn == 3) { // the common case, all channels in one sweep over the taps
                int32_t a0 = half, a1 = half, a2 = half;
                for (int x = 0; x < t.count[xx]; ++x) {
                    a0 += int32_t(p[x * 3]) * k[x];
                    a1 += int32_t(p[x * 3 + 1]) * k[x];
                    a2 += int32_t(p[x * 3 + 2]) * k[x];
                }
                o[xx * 3] = clip8(a0);
                o[xx * 3 + 1] = clip8(a1);
                o[xx * 3 + 2] = clip8(a2);
                continue;
            }
            for (int c = 0; c < cn; ++c) {
                int32_t acc = half;
                for (int x = 0; x < t.count[xx]; ++x) acc += int32_t(p[x * cn + c]) * k[x];
                o[xx * cn + c] = clip8(acc);
            }
        }
    }
}

void verticalPass(const cv::Mat& src, cv::Mat& out, const Taps& t, int rowOffset) {
    const int rowLen = src.cols * src.channels();
    const int32_t half = 1 << (kPrecisionBits - 1);
    std::vector<int32_t> acc(rowLen);
    for (int yy = 0; yy < out.rows; ++yy) {
        const int32_t* k = &t.weights[size_t(yy) * t.ksize];
        std::fill(acc.begin(), acc.end(), half);
        for (int y = 0; y < t.count[yy]; ++y) {
            const uint8_t* in = src.ptr<uint8_t>(t.first[yy] - rowOffset + y);
            const int32_t w = k[y];
            for (int i = 0; i < rowLen; ++i) acc[i] += int32_t(in[i]) * w;
        }
        uint8_t* o = out.ptr<uint8_t>(yy);
        for (int i = 0; i < rowLen; ++i) o[i] = clip8(acc[i]);
    }
}

// Pillow resizes NEAREST with an affine transform sampling each output pixel's centre.
cv::Mat nearestResize(const cv::Mat& src, int width, int height, const cv::Rect& region) {
    cv::Mat out(region.height, region.width, src.type());
    const size_t px = src.elemSize();
    const double sx = double(src.cols) / width, sy = double(src.rows) / height;
    for (int yy = 0; yy < region.height; ++yy) {
        const int y = std::min(src.rows - 1, int(std::floor((region.y + yy + 0.5) * sy)));
        for (int xx = 0; xx < region.width; ++xx) {
            const int x = std::min(src.cols - 1, int(std::floor((region.x + xx + 0.5) * sx)));
            std::copy_n(src.ptr<uint8_t>(y) + x * px, px, out.ptr<uint8_t>(yy) + xx * px);
        }
    }
    return out;
}

} // namespace

cv::Mat pilResize(const cv::Mat& src, int width, int height, PilFilter filter) {
    return pilResizeRegion(src, width, height, filter, cv::Rect(0, 0, width, height));
}

cv::Mat pilResizeRegion(const cv::Mat& src, int width, int height, PilFilter filter, const cv::Rect& region) {
    if (src.depth() != CV_8U || src.channels() < 1 || src.channels() > 4)
        throw Error("resize", "expects an 8-bit image with 1 to 4 channels");
    if (width <= 0 || height <= 0 || src.empty())
        throw Error("resize", "empty image or target size " + std::to_string(width) + "x" + std::to_string(height));
    if (region.x < 0 || region.y < 0 || region.width <= 0 || region.height <= 0 || region.x > width - region.width ||
        region.y > height - region.height)
        throw Error("resize", "region outside the " + std::to_string(width) + "x" + std::to_string(height) + " output");
    if (width == src.cols && height == src.rows) return src(region).clone();
    if (filter == PilFilter::Nearest) return nearestResize(src, width, height, region);

    const Kernel kernel = kernelFor(filter);
    const Taps vert = computeTaps(src.rows, height, kernel, region.y, region.y + region.height);
    const bool needHorizontal = width != src.cols;
    const bool needVertical = height != src.rows;

    // Like Pillow, filter horizontally only the rows the vertical pass will read; here also only the
    // output columns and rows of the region, so an elongated image costs what its region costs.
    cv::Mat current; // what the vertical pass reads: the region's columns, filtered or as they are
    int rowOffset = 0;
    if (!needHorizontal) current = src.colRange(region.x, region.x + region.width);
    if (needHorizontal) {
        const Taps horiz = computeTaps(src.cols, width, kernel, region.x, region.x + region.width);
        int firstRow = region.y, lastRow = region.y + region.height; // no vertical pass: the region's rows
        if (needVertical) {
            firstRow = vert.first.front();
            lastRow = vert.first.back() + vert.count.back();
        }
        cv::Mat tmp(lastRow - firstRow, region.width, src.type());
        horizontalPass(src, firstRow, tmp, horiz);
        if (!needVertical) return tmp;
        current = tmp;
        rowOffset = firstRow;
    }
    cv::Mat out(region.height, region.width, src.type());
    verticalPass(current, out, vert, rowOffset);
    return out;
}

} // namespace captioner::detail
