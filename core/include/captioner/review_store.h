#pragma once
// Caption review: the verdict a reviewer gave each image of a dataset (accepted as is, accepted
// after editing the caption, or flagged with a reason), kept in a JSON Lines file beside the
// dataset (review.jsonl in the dataset root) so that a review can stop and resume on another day.
//
// Entries are keyed by the image path relative to the dataset root ("train/0001.png"), which is
// stable across reopening and unique even when several metadata files use the same file names.
// A review file with bad lines still loads: the bad lines become problems and are dropped on the
// next save. Saves and exports are atomic. Not thread-safe; a store is a plain value.
#include <captioner/dataset.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace captioner {

enum class ReviewStatus { Unreviewed, Accepted, Edited, Flagged };
std::string toString(ReviewStatus status);               // "unreviewed", "accepted", "edited", "flagged"
ReviewStatus parseReviewStatus(const std::string& name); // throws Error on an unknown name

// A word of a model's caption with its confidence (the product of its tokens' probabilities).
struct ReviewWord {
    std::string word;
    double confidence = 0;
};

struct ReviewEntry {
    ReviewStatus status = ReviewStatus::Unreviewed;
    std::string reason;     // why it was flagged ("" otherwise)
    std::string caption;    // the caption as the reviewer accepted or flagged it
    std::string reviewedAt; // ISO 8601 UTC, e.g. "2024-05-01T12:00:00Z"
    // Where the image's caption came from a model (the Caption page's Add to Dataset): the caption the
    // model gave, its confidence (geometric mean of its tokens' probabilities) and its words'. -1: the
    // caption did not come from a model. Kept through verdicts; it describes the caption only while the
    // dataset's caption is still modelCaption (see confidenceFor).
    std::string modelCaption{}; // (braces: older aggregate initialisations of the first four fields stay warning-free)
    double confidence = -1;
    std::vector<ReviewWord> words{};
    bool hasModelConfidence() const { return confidence >= 0; }
    // The model's confidence in `caption`: `confidence` while caption is still the model's, else -1.
    double confidenceFor(const std::string& caption) const {
        return hasModelConfidence() && caption == modelCaption ? confidence : -1;
    }
};

// The usual guidance for alt text: keep it under about 125 characters, as screen readers such as
// JAWS used to cut longer alt text into chunks.
constexpr std::size_t kAltTextGuidance = 125;

class ReviewStore {
public:
    // <dataset root>/review.jsonl
    static std::string defaultPath(const CaptionDataset& dataset);
    // The key of an item: its image path relative to the dataset root (the file name when outside).
    static std::string keyFor(const CaptionDataset& dataset, const DatasetItem& item);

    ReviewStore() = default;
    explicit ReviewStore(std::string path) : m_path(std::move(path)) {}
    // Reads `path`; a missing file gives an empty store. Throws Error only when the file exists but
    // cannot be read at all.
    static ReviewStore load(const std::string& path);

    const std::string& path() const { return m_path; }
    // Unreviewed when the key has no entry.
    ReviewEntry entry(const std::string& key) const;
    // Setting an Unreviewed entry without a model confidence removes the key.
    void set(const std::string& key, const ReviewEntry& entry);
    const std::map<std::string, ReviewEntry>& entries() const { return m_entries; }
    const std::vector<DatasetProblem>& problems() const { return m_problems; }
    // One object per line, sorted by key: {"file": KEY, "status", "reason", "caption", "reviewed_at"},
    // and for a caption from a model also "model_caption", "confidence" and "words" ([{"word",
    // "confidence"}]).
    std::string serialize() const;
    void save() const; // atomic; throws Error naming the file

private:
    std::string m_path;
    std::map<std::string, ReviewEntry> m_entries;
    std::vector<DatasetProblem> m_problems;
};

// The current UTC time as ISO 8601 ("2024-05-01T12:00:00Z").
std::string utcTimestamp();

// Every item of the dataset (reviewed or not), in item order, with its review. CSV (RFC 4180,
// header file,status,reason,caption,caption_chars,reviewed_at; fields quoted where needed) or JSON
// Lines with the same keys. Written atomically; throw Error naming the file.
void exportReviewCsv(const std::string& path, const CaptionDataset& dataset, const ReviewStore& store);
void exportReviewJsonl(const std::string& path, const CaptionDataset& dataset, const ReviewStore& store);

} // namespace captioner
