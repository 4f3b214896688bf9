#pragma once
// The built-in demo dataset: rendered scenes of one or two flat shapes on a plain, gradient or
// lightly noisy background, each with a caption that says exactly what is drawn, e.g.
// "a small red circle" or "a large blue square to the left of a small green triangle".
// The grammar is tiny and regular so that a very small GIT model learns it in CPU minutes: every
// word is a single bert-base-uncased token, and with two shapes the left (or upper) one is always
// named first, so the relation can be read straight off the image. Output is deterministic: the
// same seed gives byte-identical files whatever the number of threads.
#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace captioner {

enum class DemoShape { Circle, Square, Triangle, Star, Diamond };
enum class DemoColour { Red, Green, Blue, Yellow, Purple, Orange };
enum class DemoSize { Small, Large };
enum class DemoRelation { None, LeftOf, Above };
enum class DemoBackground { Plain, Gradient, Noise };

// How the square and the star are drawn, in units of the object's radius: the square's half side and the
// star's inner radius. (A square filling the circle's box, 1.0, with a sharper star, 0.382, was tried for
// issue 20: circle and square were told apart more often, but sizes and relations got worse and WER
// with them; see bench/README.md.)
constexpr double kDemoSquareHalfSide = 0.88;
constexpr double kDemoStarInnerRadius = 0.45;

// One shape. Geometry is in fractions of the image side so a scene renders at any resolution.
struct DemoObject {
    DemoShape shape = DemoShape::Circle;
    DemoColour colour = DemoColour::Red;
    DemoSize size = DemoSize::Small;
    double cx = 0.5, cy = 0.5;    // centre (for a triangle: its centroid), 0..1
    double radius = 0.1;          // half extent, 0..0.5
    std::array<uint8_t, 3> rgb{}; // the exact fill colour (the named colour, slightly jittered)
};

// A whole scene. With two objects, objects[0] is the left one (LeftOf) or the upper one (Above).
struct DemoScene {
    std::vector<DemoObject> objects;
    DemoRelation relation = DemoRelation::None;
    DemoBackground background = DemoBackground::Plain;
    std::array<uint8_t, 3> backgroundA{}, backgroundB{}; // B is the far end of a gradient
    double gradientAngle = 0;                            // radians, direction from A to B
    uint64_t noiseSeed = 0;                              // for DemoBackground::Noise
};

std::string toString(DemoShape s);
std::string toString(DemoColour c);
std::string toString(DemoSize s);
// The nominal (un-jittered) RGB of a colour name.
std::array<uint8_t, 3> nominalRgb(DemoColour c);

// A random scene drawn from rng (same rng state, same scene, on every platform).
DemoScene randomScene(std::mt19937_64& rng);
// The scene of example `index` in epoch `epoch` of a demo training that renders its images afresh
// (DemoRecipe::freshImages): drawn from a stream of its own for (seed, epoch, index), never from the
// streams writeDemoDataset draws the dataset's images from, so held-out images stay unseen.
DemoScene freshDemoScene(uint64_t seed, int epoch, size_t index);
// The caption of a scene: "a <size> <colour> <shape>[ (to the left of|above) a <size> <colour> <shape>]".
std::string describeScene(const DemoScene& scene);
// The tight bounding box of an object as renderScene draws it (its polygon's vertices, or the circle), in
// fractions of the image side: x0 <= x < x1, y0 <= y < y1 (antialiasing adds under a pixel around it).
struct DemoBox {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
DemoBox demoObjectBox(const DemoObject& object);
// RGB (CV_8UC3, R,G,B order), size x size: antialiased, drawn at up to 4x and reduced with INTER_AREA.
// Only the blocks the objects reach are drawn at the supersampled size; the rest is reduced straight
// from the background's formula (pixel for pixel what renderSceneFullCanvas gives, at about a
// quarter of the work: the fresh images of demo training are rendered beside the training itself).
cv::Mat renderScene(const DemoScene& scene, int size);
// The reference rendering: the whole supersampled canvas drawn, then reduced with INTER_AREA.
cv::Mat renderSceneFullCanvas(const DemoScene& scene, int size);
// Every word captions can contain, for vocabulary checks.
std::vector<std::string> demoVocabulary();

struct DemoDatasetOptions {
    int count = 600;
    uint64_t seed = 0;
    int imageSize = 64;
    int threads = 0; // rendering threads; 0 = all cores (the output does not depend on it)
    // Called on the calling thread as images complete; may be empty.
    std::function<void(int done, int total)> progress;
    // Polled on the calling thread; returning true stops the work and throws Error(outDir, "cancelled").
    std::function<bool()> shouldCancel;
};

// Writes a Hugging Face imagefolder into outDir: 00000.png ... and metadata.jsonl with
// {"file_name", "text"} per line. outDir must not exist or be empty. Everything is written into a
// sibling temporary folder (metadata.jsonl last) that is renamed to outDir at the end, so outDir
// either holds the complete dataset or nothing. Throws Error(path, reason).
void writeDemoDataset(const std::string& outDir, const DemoDatasetOptions& options = {});

} // namespace captioner
