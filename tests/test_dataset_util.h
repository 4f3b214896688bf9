#pragma once
// Helpers for the dataset suites: build dataset layouts inside a temporary folder.
#include "test_support.h"

#include "captioner/dataset.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace dstest {

inline void put(const std::string& path, const std::string& bytes) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    testsupport::writeFile(path, bytes);
}

// A small solid-colour image; the format follows the extension. `seed` makes content differ.
inline void image(const std::string& path, int seed = 0, int w = 8, int h = 6) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(10 + seed * 7 % 200, 20 + seed * 13 % 200, 30 + seed * 3 % 200));
    m.at<cv::Vec3b>(0, 0) = cv::Vec3b(uchar(seed), uchar(seed >> 8), 1);
    if (!cv::imwrite(path, m)) throw std::runtime_error("cannot write " + path);
}

inline std::string read(const std::string& path) { return testsupport::readFile(path); }

// "file | reason" per problem of `d`, file paths relative to `root` when inside it.
inline std::vector<std::string> problemsText(const captioner::CaptionDataset& d, const std::string& root) {
    std::vector<std::string> out;
    for (const auto& p : d.problems()) {
        std::string f = p.file;
        if (f.rfind(root, 0) == 0) f = f.substr(root.size() + 1);
        out.push_back(f + " | " + p.reason);
    }
    return out;
}

} // namespace dstest
