#pragma once
// The layout readers and writers of CaptionDataset. They are static members of a friend struct so
// that each layout lives in its own source file yet fills the dataset's private state directly.
#include "captioner/dataset.h"

#include <string>
#include <vector>

namespace captioner {

struct DatasetAccess {
    struct MetadataFile {
        std::string path;  // metadata.jsonl or metadata.csv
        std::string split; // "" for a metadata file at the root
    };

    // Detection: what a folder holds, without reading it all. Empty when the layout is absent.
    static std::vector<MetadataFile> findImageFolderMetadata(const std::string& dir,
                                                             std::vector<DatasetProblem>& problems);
    // COCO captions files (images + annotations with captions) in dir and dir/annotations, sorted.
    static std::vector<std::string> findCocoFiles(const std::string& dir);
    // Karpathy split files (dataset_coco.json and friends) in dir and dir/annotations, sorted.
    static std::vector<std::string> findKarpathyFiles(const std::string& dir);
    static bool looksLikeKarpathy(const std::string& path); // from the file's first bytes
    // The *.json files in dir and dir/annotations that `accept` takes, sorted (both finders above).
    static std::vector<std::string> findJsonFiles(const std::string& dir, bool (*accept)(const std::string&));
    static std::vector<std::string> findFlickrFiles(const std::string& dir);
    // *.parquet at the top of dir or anywhere under dir/data/; with `anywhere`, at any depth.
    static std::vector<std::string> findParquetFiles(const std::string& dir, bool anywhere);

    static void readImageFolder(CaptionDataset& d, const std::string& root, const std::vector<MetadataFile>& files);
    static void readSidecar(CaptionDataset& d, const std::string& root);
    static void readFlickr(CaptionDataset& d, const std::string& tokenFile, const std::string& imageRoot);
    static void readCoco(CaptionDataset& d, const std::string& jsonFile, const std::string& imageRoot);
    // The COCO files findCocoFiles found in `dir`: one file is read as readCoco does; a year's
    // captions_train<YEAR>.json and captions_val<YEAR>.json (COCO as downloaded) become one dataset
    // with a train and a validation split. Throws Error(shownPath, ...) for other combinations.
    static void readCocoFolder(CaptionDataset& d, const std::string& dir, const std::vector<std::string>& files,
                               const std::string& imageRoot, const std::string& shownPath);
    static void readKarpathy(CaptionDataset& d, const std::string& jsonFile, const std::string& imageRoot);
    // The Karpathy files findKarpathyFiles found: one is read; of several, the one whose images are
    // here, else Error(shownPath, ...).
    static void readKarpathyFolder(CaptionDataset& d, const std::string& dir, const std::vector<std::string>& files,
                                   const std::string& imageRoot, const std::string& shownPath);
    static void readParquet(CaptionDataset& d, const std::string& root, const std::vector<std::string>& files);

    static void saveImageFolder(CaptionDataset& d);
    static void saveSidecar(const CaptionDataset& d, const std::string& dir, bool copyImages);
    static void saveFlickr(const CaptionDataset& d);
    static void saveCoco(const CaptionDataset& d);
    static void saveKarpathy(const CaptionDataset& d);
    static void writeImageFolderCopy(const CaptionDataset& d, const std::string& dir);

    // Where an item's image goes in a converted copy: its path relative to root() when inside it,
    // else its file name as written when that is a plain relative path, else the bare file name.
    static std::string layoutPath(const CaptionDataset& d, const DatasetItem& item);
    // For a Parquet row: "[SPLIT/]SHARD-ROW.EXT", the extension from the image bytes.
    static std::string parquetRowLayoutPath(const DatasetItem& item);
    // Reads one COCO captions file's images into d (items and orphans) with the given split; their
    // folder is looked for among `candidates` (the first holding some of the images). Returns what
    // saveCoco needs to write the file back.
    static nlohmann::json readCocoFile(CaptionDataset& d, const std::string& jsonFile,
                                       const std::vector<std::string>& candidates, const std::string& split,
                                       bool forceFirstCandidate);
    static void addProblem(CaptionDataset& d, std::string file, std::string reason) {
        d.m_problems.push_back({std::move(file), std::move(reason)});
    }
};

// Name of the file a sidecar copy writes beside the captions to keep imagefolder columns (the
// caption column's name and shape, and every extra column) across a conversion round trip.
inline constexpr const char* kSidecarColumnsFile = "captioner_columns.jsonl";

} // namespace captioner
