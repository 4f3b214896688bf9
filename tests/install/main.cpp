// A program outside the tree that embeds Captioner through find_package(Captioner): public headers
// only. It captions one image and says where the library, the sentencepiece plugin and the bundled
// vocabulary were loaded from, so that the test can check they all come from the install prefix.
// Usage: captioner_install_probe CHECKPOINT_DIR IMAGE
#include <captioner/captioner.h>
#include <captioner/runtime.h>
#include <captioner/tokenizer.h>
#include <captioner/version.h>

#include <dlfcn.h>

#include <exception>
#include <fstream>
#include <iostream>
#include <string>

namespace {

// The file a function of libcaptioner_core was loaded from.
std::string coreLibraryPath() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void*>(&captioner::version), &info) == 0 || !info.dli_fname) return "?";
    return info.dli_fname;
}

// The plugin is opened with dlmopen in its own namespace, so dladdr cannot see it; the process's
// mappings can.
std::string mappedFile(const std::string& name) {
    std::ifstream maps("/proc/self/maps");
    for (std::string line; std::getline(maps, line);) {
        const auto slash = line.find('/');
        if (slash != std::string::npos && line.size() >= name.size() &&
            line.compare(line.size() - name.size(), name.size(), name) == 0)
            return line.substr(slash);
    }
    return "?";
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: captioner_install_probe CHECKPOINT_DIR IMAGE\n";
        return 2;
    }
    try {
        auto checkpoint = captioner::loadCheckpoint(argv[1]);
        captioner::CaptionOptions options = captioner::captionOptionsFor(checkpoint); // greedy
        options.generation.maxLength = 20;
        const auto results = captioner::captionImages(checkpoint, {argv[2]}, options);
        if (results.size() != 1 || !results[0].ok()) {
            std::cerr << argv[2] << ": " << (results.empty() ? "no result" : results[0].error) << "\n";
            return 1;
        }
        std::string whyNot;
        if (!captioner::sentencePieceAvailable(&whyNot)) {
            std::cerr << "sentencepiece plugin: " << whyNot << "\n";
            return 1;
        }
        std::cout << "version: " << CAPTIONER_VERSION << "\n"
                  << "caption: " << results[0].caption << "\n"
                  << "core: " << coreLibraryPath() << "\n"
                  << "plugin: " << mappedFile("/captioner_sentencepiece.so") << "\n"
                  << "data: " << captioner::findDataFile("bert-base-uncased-vocab.txt") << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
