#pragma once
// What a user wants to know about a dataset before training on it: how many images and captions,
// how long the captions are, which images cannot be decoded (and why), which images have no
// caption, which captions have no image, and which images are duplicates.
//
// Duplicates are groups of items that either name the same image file twice (same absolute path,
// "listed twice") or are different files with identical bytes ("same content": equal size and equal
// 64-bit FNV-1a hash of the whole file). Images are checked on a bounded pool of threads that is
// joined before buildReport returns; an image whose header claims more than
// kMaxImagePixels pixels is refused without being decoded, as Pillow refuses decompression bombs.
#include "captioner/image_io.h"
#include <captioner/dataset.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace captioner {

// Pillow's DecompressionBombError threshold (2 * Image.MAX_IMAGE_PIXELS).

struct LengthStats {
    std::size_t min = 0, max = 0;
    double mean = 0, median = 0; // median of an even count is the mean of the middle two (numpy)
};

struct DuplicateGroup {
    std::string kind;               // "listed twice" or "same content"
    std::vector<std::string> files; // fileName of each item, in item order
};

struct DatasetReport {
    DatasetFormat format = DatasetFormat::ImageFolder;
    std::string source;
    std::size_t images = 0;                   // items whose image file exists
    std::size_t captions = 0;                 // captions of those items
    LengthStats words;                        // per caption, words split on white space
    LengthStats chars;                        // per caption, Unicode code points
    std::vector<DatasetProblem> unreadable;   // {fileName, reason}
    std::vector<std::string> missingCaptions; // fileName of images with no caption
    std::vector<std::string> orphanCaptions;  // fileName of caption rows whose image is missing
    std::vector<DuplicateGroup> duplicates;
    std::map<std::string, std::size_t> splits; // images per split; a layout without splits is all
                                               // "train", as datasets.load_dataset reports it
    std::vector<DatasetProblem> problems;      // everything CaptionDataset::problems() held

    // Keys: format, source, images, captions, caption_words {min, mean, median, max},
    // caption_chars {...}, unreadable [{file, reason}], missing_captions [file], orphan_captions
    // [file], duplicates [{kind, files}], splits {name: count}, problems [{file, reason}].
    nlohmann::json toJson() const;
    std::string toText() const; // the same, for people
};

struct ReportOptions {
    bool decodeImages = true; // false: header probe only (fast; truncation goes unnoticed)
    int threads = 0;          // 0 = all cores
    std::function<void(std::size_t done, std::size_t total)> progress;
    std::function<bool()> shouldCancel; // a cancelled report throws Error
};

DatasetReport buildReport(const CaptionDataset& dataset, bool decodeImages = true, int threads = 0);
DatasetReport buildReport(const CaptionDataset& dataset, const ReportOptions& options);

// Why one image cannot be used, or "" when it decodes (or, without decoding, its header is sane).
// Never throws; used by buildReport and CaptionDataset::open(checkImages).
std::string checkImageFile(const std::string& path, bool decode);

} // namespace captioner
