// Scene sampling, captions and rendering of the demo dataset (see demo_dataset.h).
#include "captioner/demo_dataset.h"

#include <opencv2/imgproc.hpp>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <vector>

namespace captioner {
namespace {

// Own distributions: std::uniform_*_distribution differ between standard libraries, and the demo
// set must be the same everywhere for a seed.
double uniform01(std::mt19937_64& rng) { return double(rng() >> 11) * (1.0 / 9007199254740992.0); }
double uniform(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }
int pick(std::mt19937_64& rng, int n) { return int(rng() % uint64_t(n)); }

uint8_t clampByte(double v) { return uint8_t(std::clamp(std::lround(v), 0L, 255L)); }

constexpr double kMargin = 0.03;  // free border around shapes
constexpr double kGap = 0.05;     // minimum free space between two shapes along the relation axis
constexpr double kNoiseSigma = 6; // grey levels

std::array<uint8_t, 3> jittered(std::array<uint8_t, 3> c, std::mt19937_64& rng, double amount) {
    for (auto& v : c) v = clampByte(v + uniform(rng, -amount, amount));
    return c;
}

// Backgrounds are low-saturation greys so that no shape colour is ever confusable with them.
std::array<uint8_t, 3> greyish(std::mt19937_64& rng, double level) {
    std::array<uint8_t, 3> c{};
    for (auto& v : c) v = clampByte(level + uniform(rng, -12, 12));
    return c;
}

DemoObject randomObject(std::mt19937_64& rng) {
    DemoObject o;
    o.shape = DemoShape(pick(rng, 5));
    o.colour = DemoColour(pick(rng, 6));
    o.size = DemoSize(pick(rng, 2));
    o.radius = o.size == DemoSize::Small ? uniform(rng, 0.10, 0.12) : uniform(rng, 0.18, 0.215);
    o.rgb = jittered(nominalRgb(o.colour), rng, 12);
    return o;
}

// Places a (left/upper) and b along one axis with at least kGap between them, and keeps the other
// coordinate difference under half the main one, so the relation is unmistakable.
void placePair(DemoObject& a, DemoObject& b, bool horizontal, std::mt19937_64& rng) {
    const double slack = std::max(0.0, 1 - 2 * kMargin - 2 * a.radius - 2 * b.radius - kGap);
    const double s1 = uniform01(rng) * slack;
    const double s2 = uniform01(rng) * (slack - s1);
    const double mainA = kMargin + s1 + a.radius;
    const double mainB = mainA + a.radius + kGap + s2 + b.radius;
    const double crossA = uniform(rng, kMargin + a.radius, 1 - kMargin - a.radius);
    const double spread = 0.5 * (mainB - mainA);
    const double crossB =
        std::clamp(crossA + uniform(rng, -spread, spread), kMargin + b.radius, 1 - kMargin - b.radius);
    if (horizontal) {
        a.cx = mainA;
        b.cx = mainB;
        a.cy = crossA;
        b.cy = crossB;
    } else {
        a.cy = mainA;
        b.cy = mainB;
        a.cx = crossA;
        b.cx = crossB;
    }
}

// The polygon's vertices at `scale` pixels per image side (none for a circle).
std::vector<cv::Point2d> vertices(const DemoObject& o, double scale) {
    const double cx = o.cx * scale, cy = o.cy * scale, r = o.radius * scale;
    std::vector<cv::Point2d> pts;
    const double pi = 3.14159265358979323846;
    switch (o.shape) {
    case DemoShape::Square: {
        const double h = kDemoSquareHalfSide * r;
        pts = {{cx - h, cy - h}, {cx + h, cy - h}, {cx + h, cy + h}, {cx - h, cy + h}};
        break;
    }
    case DemoShape::Diamond: pts = {{cx, cy - r}, {cx + r, cy}, {cx, cy + r}, {cx - r, cy}}; break;
    case DemoShape::Triangle: // centroid at the centre, apex up
        for (int i = 0; i < 3; ++i) {
            const double t = -pi / 2 + i * 2 * pi / 3;
            pts.emplace_back(cx + r * std::cos(t), cy + r * std::sin(t));
        }
        break;
    case DemoShape::Star:
        for (int i = 0; i < 10; ++i) {
            const double t = -pi / 2 + i * pi / 5;
            const double rr = i % 2 == 0 ? r : kDemoStarInnerRadius * r;
            pts.emplace_back(cx + rr * std::cos(t), cy + rr * std::sin(t));
        }
        break;
    case DemoShape::Circle: break;
    }
    return pts;
}

std::vector<cv::Point> polygon(const DemoObject& o, double scale, int shiftBits) {
    const double one = double(1 << shiftBits);
    const std::vector<cv::Point2d> pts = vertices(o, scale);
    std::vector<cv::Point> fixed;
    for (const auto& p : pts) fixed.emplace_back(int(std::lround(p.x * one)), int(std::lround(p.y * one)));
    return fixed;
}

// A gradient background's values on a canvas of n x n pixels: pixel (x, y) projects onto the
// gradient's direction, t in [0, 1] blends A into B, and as every value lies between two bytes the
// rounding is a truncation of value + 0.5. The column's part of the projection is taken once.
class GradientBackground {
public:
    GradientBackground(const DemoScene& s, int n) : m_n(n), m_column(static_cast<size_t>(n)) {
        const auto& a = s.backgroundA;
        const auto& b = s.backgroundB;
        const double c = std::cos(s.gradientAngle);
        m_sin = std::sin(s.gradientAngle);
        m_norm = 0.5 * (std::abs(c) + std::abs(m_sin));
        for (int x = 0; x < n; ++x) m_column[static_cast<size_t>(x)] = ((x + 0.5) / n - 0.5) * c;
        for (int k = 0; k < 3; ++k) {
            m_from[k] = double(a[static_cast<size_t>(k)]);
            m_span[k] = double(b[static_cast<size_t>(k)]) - a[static_cast<size_t>(k)];
        }
    }

    // Channel k of pixels x0 .. x0 + w - 1 of row y into out[k][0 .. w - 1].
    void row(int y, int x0, int w, int32_t* out[3]) const {
        const double rowPart = ((y + 0.5) / m_n - 0.5) * m_sin;
        const double* col = m_column.data() + x0;
        int x = 0;
#if defined(__x86_64__) && defined(__GNUC__)
        if (hasAvx2()) x = rowAvx2(rowPart, col, w, out);
#endif
        for (; x < w; ++x) {
            const double t = std::clamp(0.5 + 0.5 * (col[x] + rowPart) / m_norm, 0.0, 1.0);
            for (int k = 0; k < 3; ++k) out[k][x] = static_cast<int32_t>(m_from[k] + m_span[k] * t + 0.5);
        }
    }

private:
#if defined(__x86_64__) && defined(__GNUC__)
    static bool hasAvx2() {
        static const bool has = __builtin_cpu_supports("avx2");
        return has;
    }
    // The same operations in the same order as the scalar loop, four pixels at a time (no fused
    // multiply-add: every value is bit-identical to the scalar one). Returns how many pixels it did.
    __attribute__((target("avx2"))) int rowAvx2(double rowPart, const double* col, int w, int32_t* out[3]) const {
        const __m256d half = _mm256_set1_pd(0.5), zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
        const __m256d part = _mm256_set1_pd(rowPart), norm = _mm256_set1_pd(m_norm);
        __m256d from[3], span[3];
        for (int k = 0; k < 3; ++k) {
            from[k] = _mm256_set1_pd(m_from[k]);
            span[k] = _mm256_set1_pd(m_span[k]);
        }
        int x = 0;
        for (; x + 4 <= w; x += 4) {
            const __m256d sum = _mm256_add_pd(_mm256_loadu_pd(col + x), part);
            __m256d t = _mm256_add_pd(half, _mm256_div_pd(_mm256_mul_pd(half, sum), norm));
            t = _mm256_min_pd(_mm256_max_pd(t, zero), one);
            for (int k = 0; k < 3; ++k) {
                const __m256d v = _mm256_add_pd(_mm256_add_pd(from[k], _mm256_mul_pd(span[k], t)), half);
                _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k] + x), _mm256_cvttpd_epi32(v));
            }
        }
        return x;
    }
#endif

    int m_n;
    double m_sin = 0, m_norm = 1;
    double m_from[3] = {}, m_span[3] = {};
    std::vector<double> m_column;
};

// The background of the n x n canvas's region starting at (x0, y0), img's size.
void fillBackground(cv::Mat& img, const DemoScene& s, int n, int x0, int y0) {
    const auto& a = s.backgroundA;
    if (s.background != DemoBackground::Gradient) {
        img.setTo(cv::Scalar(a[0], a[1], a[2]));
        return;
    }
    const GradientBackground g(s, n);
    const int w = img.cols;
    std::vector<int32_t> values(3 * static_cast<size_t>(w));
    int32_t* out[3] = {values.data(), values.data() + w, values.data() + 2 * w};
    for (int y = 0; y < img.rows; ++y) {
        g.row(y0 + y, x0, w, out);
        auto* row = img.ptr<cv::Vec3b>(y);
        for (int x = 0; x < w; ++x)
            for (int k = 0; k < 3; ++k) row[x][k] = static_cast<uint8_t>(out[k][x]);
    }
}

// What INTER_AREA makes of a background that no object covers, at `factor` canvas pixels per output
// pixel: each output pixel is the mean of its factor x factor block, rounded half to even as
// OpenCV's integer-scale area reduction rounds (sum times the float 1 / area, then cvRound).
void averagedBackground(cv::Mat& out, const DemoScene& s, int factor) {
    const auto& a = s.backgroundA;
    if (s.background != DemoBackground::Gradient) {
        out.setTo(cv::Scalar(a[0], a[1], a[2]));
        return;
    }
    const int size = out.cols, n = size * factor;
    const GradientBackground g(s, n);
    std::vector<int32_t> values(3 * static_cast<size_t>(n));
    int32_t* v[3] = {values.data(), values.data() + n, values.data() + 2 * n};
    std::vector<int32_t> sums(3 * static_cast<size_t>(size));
    const float scale = 1.f / float(factor * factor);
    for (int oy = 0; oy < size; ++oy) {
        std::fill(sums.begin(), sums.end(), 0);
        for (int dy = 0; dy < factor; ++dy) {
            g.row(oy * factor + dy, 0, n, v);
            for (int k = 0; k < 3; ++k) {
                int32_t* sum = sums.data() + static_cast<size_t>(k) * size;
                const int32_t* value = v[k];
                for (int ox = 0; ox < size; ++ox, value += factor)
                    for (int dx = 0; dx < factor; ++dx) sum[ox] += value[dx];
            }
        }
        auto* row = out.ptr<cv::Vec3b>(oy);
        for (int x = 0; x < size; ++x)
            for (int k = 0; k < 3; ++k)
                row[x][k] = cv::saturate_cast<uint8_t>(float(sums[static_cast<size_t>(k) * size + x]) * scale);
    }
}

// Draws the objects onto a canvas of n x n pixels (or its region starting at origin).
void drawObjects(cv::Mat& img, const std::vector<DemoObject>& objects, int n, cv::Point origin) {
    constexpr int shiftBits = 4;
    const double one = double(1 << shiftBits);
    const cv::Point offset = origin * (1 << shiftBits); // in the fixed-point units of the coordinates
    for (const auto& o : objects) {
        const cv::Scalar colour(o.rgb[0], o.rgb[1], o.rgb[2]);
        if (o.shape == DemoShape::Circle) {
            const cv::Point centre(int(std::lround(o.cx * n * one)), int(std::lround(o.cy * n * one)));
            cv::circle(img, centre - offset, int(std::lround(o.radius * n * one)), colour, cv::FILLED, cv::LINE_AA,
                       shiftBits);
        } else {
            std::vector<cv::Point> pts = polygon(o, n, shiftBits);
            for (auto& p : pts) p -= offset;
            const std::vector<std::vector<cv::Point>> polys = {std::move(pts)};
            cv::fillPoly(img, polys, colour, cv::LINE_AA, shiftBits);
        }
    }
}

// The output pixels (at `factor` canvas pixels each) whose blocks an object's antialiased drawing
// can reach: its box widened by 3 canvas pixels, rounded out to whole blocks.
cv::Rect reachedBlocks(const DemoObject& o, int size, int factor) {
    const DemoBox b = demoObjectBox(o);
    const int n = size * factor;
    const double pad = 3.0;
    const int x0 = std::max(0, int(std::floor((b.x0 * n - pad) / factor)));
    const int y0 = std::max(0, int(std::floor((b.y0 * n - pad) / factor)));
    const int x1 = std::min(size, int(std::ceil((b.x1 * n + pad) / factor)));
    const int y1 = std::min(size, int(std::ceil((b.y1 * n + pad) / factor)));
    return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

// Supersampling then INTER_AREA gives clean antialiased edges; 2048 px caps the canvas.
int demoSupersampling(int size) { return std::clamp(2048 / std::max(size, 1), 1, 4); }

// Light sensor-like noise on a Noise background, drawn at the output size.
void addDemoNoise(cv::Mat& out, const DemoScene& scene) {
    if (scene.background != DemoBackground::Noise) return;
    cv::RNG rng(scene.noiseSeed);
    cv::Mat noise(out.rows, out.cols, CV_16SC3), wide;
    rng.fill(noise, cv::RNG::NORMAL, 0, kNoiseSigma);
    out.convertTo(wide, CV_16SC3);
    wide += noise;
    wide.convertTo(out, CV_8UC3); // saturating
}

} // namespace

std::string toString(DemoShape s) {
    static const char* names[] = {"circle", "square", "triangle", "star", "diamond"};
    return names[int(s)];
}
std::string toString(DemoColour c) {
    static const char* names[] = {"red", "green", "blue", "yellow", "purple", "orange"};
    return names[int(c)];
}
std::string toString(DemoSize s) { return s == DemoSize::Small ? "small" : "large"; }

std::array<uint8_t, 3> nominalRgb(DemoColour c) {
    switch (c) {
    case DemoColour::Red: return {215, 35, 35};
    case DemoColour::Green: return {40, 170, 60};
    case DemoColour::Blue: return {35, 75, 225};
    case DemoColour::Yellow: return {240, 215, 35};
    case DemoColour::Purple: return {140, 50, 190};
    case DemoColour::Orange: return {250, 135, 20};
    }
    return {0, 0, 0};
}

std::vector<std::string> demoVocabulary() {
    std::vector<std::string> words = {"a", "small", "large", "to", "the", "left", "of", "above"};
    for (int i = 0; i < 5; ++i) words.push_back(toString(DemoShape(i)));
    for (int i = 0; i < 6; ++i) words.push_back(toString(DemoColour(i)));
    return words;
}

DemoScene randomScene(std::mt19937_64& rng) {
    DemoScene s;
    const double bg = uniform01(rng);
    s.background = bg < 0.4 ? DemoBackground::Plain : bg < 0.75 ? DemoBackground::Gradient : DemoBackground::Noise;
    const double level = uniform(rng, 30, 225);
    s.backgroundA = greyish(rng, level);
    // The gradient's far end differs by at least 40 grey levels, so the gradient is visible.
    const double delta = uniform(rng, 40, 110) * (level > 127 ? -1 : 1);
    s.backgroundB = greyish(rng, level + delta);
    s.gradientAngle = uniform(rng, 0, 2 * 3.14159265358979323846);
    s.noiseSeed = rng();

    const bool two = uniform01(rng) >= 0.3;
    DemoObject a = randomObject(rng);
    if (!two) {
        a.cx = uniform(rng, kMargin + a.radius, 1 - kMargin - a.radius);
        a.cy = uniform(rng, kMargin + a.radius, 1 - kMargin - a.radius);
        s.objects = {a};
        return s;
    }
    DemoObject b = randomObject(rng);
    const bool horizontal = pick(rng, 2) == 0;
    placePair(a, b, horizontal, rng);
    s.relation = horizontal ? DemoRelation::LeftOf : DemoRelation::Above;
    s.objects = {a, b};
    return s;
}

std::string describeScene(const DemoScene& scene) {
    auto phrase = [](const DemoObject& o) {
        return "a " + toString(o.size) + " " + toString(o.colour) + " " + toString(o.shape);
    };
    std::string text;
    for (size_t i = 0; i < scene.objects.size(); ++i) {
        if (i == 1) text += scene.relation == DemoRelation::Above ? " above " : " to the left of ";
        text += phrase(scene.objects[i]);
    }
    return text;
}

DemoBox demoObjectBox(const DemoObject& o) {
    if (o.shape == DemoShape::Circle) return {o.cx - o.radius, o.cy - o.radius, o.cx + o.radius, o.cy + o.radius};
    const auto pts = vertices(o, 1.0);
    DemoBox box{pts[0].x, pts[0].y, pts[0].x, pts[0].y};
    for (const auto& p : pts) {
        box.x0 = std::min(box.x0, p.x);
        box.y0 = std::min(box.y0, p.y);
        box.x1 = std::max(box.x1, p.x);
        box.y1 = std::max(box.y1, p.y);
    }
    return box;
}

cv::Mat renderSceneFullCanvas(const DemoScene& scene, int size) {
    const int factor = demoSupersampling(size);
    const int big = size * factor;
    cv::Mat img(big, big, CV_8UC3);
    fillBackground(img, scene, big, 0, 0);
    drawObjects(img, scene.objects, big, {0, 0});
    cv::Mat out;
    if (factor > 1) cv::resize(img, out, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    else out = img;
    addDemoNoise(out, scene);
    return out;
}

cv::Mat renderScene(const DemoScene& scene, int size) {
    const int factor = demoSupersampling(size);
    // OpenCV reduces 2x blocks with its own rounding (sum + 2) / 4; the 4x blocks are what
    // averagedBackground reproduces.
    if (factor != 4) return renderSceneFullCanvas(scene, size);
    // Every supersampled block is reduced on its own, so the background far from the objects is
    // reduced straight from its formula, and only the blocks an object reaches are drawn at full
    // resolution: the same pixels as renderSceneFullCanvas at a fraction of the work.
    cv::Mat out(size, size, CV_8UC3);
    averagedBackground(out, scene, factor);
    std::vector<cv::Rect> regions;
    std::vector<std::vector<DemoObject>> members;
    for (const auto& o : scene.objects) {
        cv::Rect r = reachedBlocks(o, size, factor);
        std::vector<DemoObject> group = {o};
        // Objects whose regions meet are drawn together, in the scene's order.
        for (size_t i = 0; i < regions.size();) {
            if ((regions[i] & r).area() > 0) {
                r |= regions[i];
                group.insert(group.begin(), members[i].begin(), members[i].end());
                regions.erase(regions.begin() + static_cast<std::ptrdiff_t>(i));
                members.erase(members.begin() + static_cast<std::ptrdiff_t>(i));
            } else {
                ++i;
            }
        }
        regions.push_back(r);
        members.push_back(std::move(group));
    }
    const int big = size * factor;
    for (size_t i = 0; i < regions.size(); ++i) {
        const cv::Rect& r = regions[i];
        if (r.area() == 0) continue;
        cv::Mat canvas(r.height * factor, r.width * factor, CV_8UC3);
        const cv::Point origin(r.x * factor, r.y * factor);
        fillBackground(canvas, scene, big, origin.x, origin.y);
        drawObjects(canvas, members[i], big, origin);
        cv::Mat part = out(r);
        cv::resize(canvas, part, r.size(), 0, 0, cv::INTER_AREA);
    }
    addDemoNoise(out, scene);
    return out;
}

} // namespace captioner
