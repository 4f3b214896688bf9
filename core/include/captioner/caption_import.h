#pragma once
// Captions a model made elsewhere, read back for review in a dataset (the dataset browser's Import
// Captions…), with the model's confidence where the file has it, and where each named image is in the
// open dataset. No LibTorch, no Qt.
//
// Files read (the format by content: a first character '[' is a JSON array of objects, '{' JSON
// Lines, anything else CSV with a header row; a .json, .jsonl or .ndjson name is always JSON):
// - `captioner caption --json`: one object per line, {"image", "caption", "token_ids", "seconds",
//   "confidence", "words": [{"word", "confidence"}]}.
// - `captioner caption --out` shard records: {"image", "caption", "token_ids", "seconds",
//   "confidence", "index", ...}, or {"image", "error", "index", ...} for an image it could not caption.
// - The Caption page's exports: CSV `image,caption,seconds,error,confidence` (confidence empty when
//   unknown; older exports without the column read too) and JSON Lines with those keys (error and
//   confidence null when absent).
// A JSON object needs "image" (a non-empty string) and a "caption" string, or a non-empty "error"
// string (the image was not captioned: kept as failed). "confidence" and each word's confidence are
// numbers from 0 to 1 (absent or null: unknown). Other keys are ignored. A CSV needs the columns image
// and caption; confidence, error and words (a JSON list as above) are optional. Blank lines are
// skipped. Every problem throws captioner::Error naming "FILE:LINE" ("FILE: entry N" in a JSON array).
#include <captioner/dataset.h>
#include <captioner/review_store.h>

#include <cstddef>
#include <string>
#include <vector>

namespace captioner {

struct ImportedCaption {
    std::string image;             // as the file names it
    std::string caption;           // "" when failed
    std::string error;             // why the model could not caption the image ("" when it did)
    double confidence = -1;        // the caption's confidence; -1: the file does not say
    std::vector<ReviewWord> words; // the words with their confidences; empty when the file has none
    std::string where;             // "FILE:LINE" or "FILE: entry N", for messages
    bool failed() const { return !error.empty(); }
};

// `name` is the file's name: it picks the format with the content (see above) and starts every message.
std::vector<ImportedCaption> parseImportedCaptions(const std::string& text, const std::string& name);
// Reads and parses a file; throws Error naming it when it cannot be read or holds no caption line.
std::vector<ImportedCaption> readImportedCaptions(const std::string& path);

// Where a named image is in a dataset.
struct ImageMatch {
    enum class How {
        None,         // not in the dataset
        Path,         // the same file (absolute, or relative to the captions file's folder or the root)
        RelativePath, // the same path relative to the dataset root, at another place (see below)
        FileName,     // only the file name is the same, and no other image has it
        Ambiguous,    // several images fit equally well: none is taken
    };
    How how = How::None;
    std::size_t item = 0; // index into dataset.items() when found()
    bool found() const { return how == How::Path || how == How::RelativePath || how == How::FileName; }
};

// One match per name, in order. A name is first looked up as a file: itself when absolute, else
// relative to `baseFolder` (the captions file's folder) and to the dataset root. Otherwise it matches
// by its trailing path components against each image's path relative to the dataset root (its review
// key): an image whose relative path is a trailing part of the name ("/elsewhere/data/train/a.png" is
// "train/a.png"), or, when the name is shorter, the one image whose relative path ends with all of the
// name ("a.png" is "train/a.png" when no other image is called a.png; with two it is Ambiguous); the
// most components in common wins, a path equal to a relative path first. Last, a name whose folders
// agree with no image's is the one image with its file name ("/photos/a.png" is "train/a.png"), and
// Ambiguous when several have it. Backslashes count as separators in names, for files written on
// Windows.
std::vector<ImageMatch> matchDatasetImages(const CaptionDataset& dataset, const std::vector<std::string>& names,
                                           const std::string& baseFolder);

} // namespace captioner
