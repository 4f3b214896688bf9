// Scene sampling, captions and rendering of the demo dataset (see demo_dataset.h).
#include "captioner/demo_dataset.h"

#include <opencv2/imgproc.hpp>

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

void fillBackground(cv::Mat& img, const DemoScene& s) {
    const auto& a = s.backgroundA;
    if (s.background != DemoBackground::Gradient) {
        img.setTo(cv::Scalar(a[0], a[1], a[2]));
        return;
    }
    const auto& b = s.backgroundB;
    const double c = std::cos(s.gradientAngle), sn = std::sin(s.gradientAngle);
    const double norm = 0.5 * (std::abs(c) + std::abs(sn));
    const int n = img.rows;
    // The canvas is supersampled (up to 2048 px a side): the column's part of the projection is taken
    // once, and as every value lies between two bytes, rounding is a truncation of value + 0.5.
    std::vector<double> column(static_cast<size_t>(n));
    for (int x = 0; x < n; ++x) column[static_cast<size_t>(x)] = ((x + 0.5) / n - 0.5) * c;
    const double from[3] = {double(a[0]), double(a[1]), double(a[2])};
    const double span[3] = {double(b[0]) - a[0], double(b[1]) - a[1], double(b[2]) - a[2]};
    for (int y = 0; y < n; ++y) {
        auto* row = img.ptr<cv::Vec3b>(y);
        const double rowPart = ((y + 0.5) / n - 0.5) * sn;
        for (int x = 0; x < n; ++x) {
            const double t = std::clamp(0.5 + 0.5 * (column[static_cast<size_t>(x)] + rowPart) / norm, 0.0, 1.0);
            for (int k = 0; k < 3; ++k) row[x][k] = static_cast<uint8_t>(from[k] + span[k] * t + 0.5);
        }
    }
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

cv::Mat renderScene(const DemoScene& scene, int size) {
    // Supersampling then INTER_AREA gives clean antialiased edges; 2048 px caps the canvas.
    const int factor = std::clamp(2048 / std::max(size, 1), 1, 4);
    const int big = size * factor;
    cv::Mat img(big, big, CV_8UC3);
    fillBackground(img, scene);
    constexpr int shiftBits = 4;
    for (const auto& o : scene.objects) {
        const cv::Scalar colour(o.rgb[0], o.rgb[1], o.rgb[2]);
        if (o.shape == DemoShape::Circle) {
            const double one = double(1 << shiftBits);
            cv::circle(img, cv::Point(int(std::lround(o.cx * big * one)), int(std::lround(o.cy * big * one))),
                       int(std::lround(o.radius * big * one)), colour, cv::FILLED, cv::LINE_AA, shiftBits);
        } else {
            const std::vector<std::vector<cv::Point>> polys = {polygon(o, big, shiftBits)};
            cv::fillPoly(img, polys, colour, cv::LINE_AA, shiftBits);
        }
    }
    cv::Mat out;
    if (factor > 1) cv::resize(img, out, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    else out = img;
    if (scene.background == DemoBackground::Noise) {
        cv::RNG rng(scene.noiseSeed);
        cv::Mat noise(size, size, CV_16SC3), wide;
        rng.fill(noise, cv::RNG::NORMAL, 0, kNoiseSigma);
        out.convertTo(wide, CV_16SC3);
        wide += noise;
        wide.convertTo(out, CV_8UC3); // saturating
    }
    return out;
}

} // namespace captioner
