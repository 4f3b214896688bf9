// `captioner demo-data`: writes the built-in demo dataset (rendered shapes with captions).
#include "command.h"

#include "captioner/demo_dataset.h"

#include <chrono>
#include <iostream>
#include <unistd.h>

namespace {

uint64_t parseSeed(const std::string& text) {
    size_t used = 0;
    unsigned long long v = 0;
    try {
        v = std::stoull(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || text[0] == '-')
        throw cli::UsageError("--seed expects a non-negative integer, got '" + text + "'");
    return v;
}

cli::CommandRegistrar reg({"demo-data", "Write the demo dataset: rendered shapes with compositional captions",
                           [](cli::ArgParser& p) {
                               p.addOption("out", "DIR", "Output folder (must not exist or be empty)");
                               p.addOption("count", "N", "Number of images", "600");
                               p.addOption("seed", "S", "Random seed; the same seed writes identical files", "0");
                               p.addOption("size", "PX", "Image side in pixels", "64");
                           },
                           [](const cli::ArgParser& p) {
                               const std::string out = p.value("out");
                               if (out.empty()) throw cli::UsageError("--out DIR is required");
                               captioner::DemoDatasetOptions o;
                               o.count = p.intValue("count");
                               o.seed = parseSeed(p.value("seed"));
                               o.imageSize = p.intValue("size");
                               o.threads = p.intValue("threads");
                               int lastPercent = -1;
                               const bool interactive = ::isatty(2); // a progress line only where \r redraws it
                               if (interactive)
                                   o.progress = [&](int done, int total) {
                                       const int percent = int(100LL * done / total);
                                       if (percent / 10 != lastPercent / 10 || done == total) {
                                           std::cerr << "\rrendering " << done << "/" << total << std::flush;
                                           lastPercent = percent;
                                       }
                                   };
                               const auto start = std::chrono::steady_clock::now();
                               captioner::writeDemoDataset(out, o);
                               const double seconds =
                                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                               if (interactive) std::cerr << "\n";
                               std::cout << "wrote " << o.count << " images and metadata.jsonl to " << out << " in "
                                         << seconds << " s\n";
                               return 0;
                           }});

} // namespace
