#pragma once
// Training images made on the fly instead of read from files (BatchLoaderOptions::renderer,
// TrainingOptions::trainRenderer).
#include <opencv2/core.hpp>

#include <cstddef>
#include <functional>
#include <string>

namespace captioner {

// A training image made on the fly instead of read from a file (the demo renders a fresh scene for
// every example of every epoch, so the model never sees the same image twice): the RGB image (CV_8UC3,
// R,G,B order) and the caption it is trained on.
struct RenderedExample {
    cv::Mat rgb;
    std::string caption;
};
// Called by the loader's workers, concurrently, with (epoch, example index); must be thread-safe and a
// function of its arguments only, so that batches stay independent of the worker count and a resumed
// run sees exactly the images of an uninterrupted one. A throw leaves the example out of its batch
// (Batch::skipped), as a bad image file does.
using ExampleRenderer = std::function<RenderedExample(int epoch, size_t index)>;

} // namespace captioner
