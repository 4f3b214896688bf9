// Shared by the fuzz targets: a scratch folder per process for parsers that read files, and the rule
// every target applies — a parser may refuse input only with captioner::Error (naming the file and
// the problem); any other exception escaping is a finding, reported and turned into a crash so that
// libFuzzer keeps the input.
#pragma once
#include "captioner/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <typeinfo>
#include <unistd.h>

namespace fuzz {

// A folder of its own under $TMPDIR (or /tmp), made once per process, removed by nobody: files are
// rewritten by every input and a fuzzing run's folder is a few files.
inline const std::string& scratchDir() {
    static const std::string dir = [] {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/captioner-fuzz-XXXXXX";
        if (!mkdtemp(pattern.data())) {
            std::perror("captioner fuzz: mkdtemp");
            std::abort();
        }
        return pattern;
    }();
    return dir;
}

// Writes `size` bytes to scratchDir()/name and returns the path.
inline std::string writeScratch(const std::string& name, const uint8_t* data, size_t size) {
    const std::string path = scratchDir() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) {
        std::fprintf(stderr, "captioner fuzz: cannot write %s\n", path.c_str());
        std::abort();
    }
    return path;
}

// Runs f; captioner::Error is a refusal (fine), anything else aborts with what escaped.
template <typename F> void expectOnlyErrors(const char* what, F&& f) {
    try {
        f();
    } catch (const captioner::Error&) {
    } catch (const std::exception& e) {
        std::fprintf(stderr, "captioner fuzz: %s let a %s escape instead of captioner::Error: %s\n", what,
                     typeid(e).name(), e.what());
        std::abort();
    } catch (...) {
        std::fprintf(stderr, "captioner fuzz: %s let a non-std exception escape\n", what);
        std::abort();
    }
}

} // namespace fuzz
