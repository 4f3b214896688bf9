#pragma once
// Captioned image datasets in the layouts other tools write: Hugging Face imagefolder
// (metadata.jsonl / metadata.csv, optional train/ test/ folders), sidecar caption files (image.txt or
// image.caption beside image.png, kohya style), Flickr8k token files, COCO captions JSON, Karpathy split JSON and
// Parquet files as the Hugging Face Hub serves datasets (read-only; images are rows, see image_source.h).
//
// CaptionDataset reads any of them into one list of items, keeps every caption and every unknown
// column so that a save writes back what it read (atomically, with a .bak of replaced metadata), and
// converts between layouts. Problems met while reading (bad lines, undecodable text, captions whose
// image is missing, ...) never stop a load: they are collected in problems(). Not thread-safe; a
// dataset is a plain value that may be copied and moved.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace captioner {

struct DatasetItem {
    std::string imagePath;                           // absolute path
    std::string fileName;                            // as written in the source (relative to the metadata file / root)
    std::vector<std::string> captions;               // all captions, in source order (never dropped)
    std::string split;                               // "train", "test", "validation" or "" when the layout has none
    nlohmann::json extra = nlohmann::json::object(); // unknown columns / fields, kept for write-back
    std::string unreadable;                          // why the image cannot be used ("" = fine or not checked)
};

enum class DatasetFormat { ImageFolder, Sidecar, Flickr, Coco, Parquet, Karpathy };
// "imagefolder", "sidecar", "flickr", "coco", "parquet", "karpathy"
std::string formatName(DatasetFormat format);
DatasetFormat parseDatasetFormat(const std::string& name); // inverse of formatName; throws Error

struct DatasetProblem {
    std::string file; // the file the problem is in or about (with ":LINE" where there is one)
    std::string reason;
};

struct DatasetOpenOptions {
    std::string imageRoot;    // where COCO / Flickr images live when not beside the caption file
    bool checkImages = false; // decode every image (bounded thread pool); failures become problems
                              // and set DatasetItem::unreadable
    int threads = 0;          // for checkImages; 0 = all cores
    std::function<void(std::size_t done, std::size_t total)> progress; // checkImages progress
    std::function<bool()> shouldCancel; // checked between images; a cancelled open throws Error
};

class CaptionDataset {
public:
    // `path` is a folder (layout detected) or an explicit metadata.jsonl/.csv, COCO .json, Karpathy
    // split .json (dataset_coco.json, dataset_flickr8k.json, ...), Flickr token file or .parquet file.
    // A folder holding COCO as downloaded (annotations/captions_train2017.json and
    // captions_val2017.json beside train2017/ and val2017/, or the 2014 names) is one COCO dataset
    // whose items carry split "train" or "validation"; a Karpathy file's splits are kept too. A folder with *.parquet
    // files at its top or under data/ (a downloaded Hub dataset repo, possibly in several shards) is one Parquet
    // dataset. Throws Error(path, reason) when no layout is recognised, naming what was looked for.
    static CaptionDataset open(const std::string& path, const DatasetOpenOptions& options = {});

    DatasetFormat format() const { return m_format; }
    // False for layouts save() cannot write (Parquet): front ends should not offer to edit captions.
    bool canSave() const { return m_format != DatasetFormat::Parquet; }
    const std::string& root() const { return m_root; }     // folder the layout is relative to
    const std::string& source() const { return m_source; } // metadata / caption file, or the folder
    const std::vector<DatasetItem>& items() const { return m_items; }
    std::vector<DatasetItem>& items() { return m_items; }
    // Caption rows whose image file does not exist. Kept (and written back by save()) so that no
    // caption is lost, but never part of items(): nothing could be trained or shown from them.
    const std::vector<DatasetItem>& orphans() const { return m_orphans; }
    const std::vector<DatasetProblem>& problems() const { return m_problems; }
    // Name of the imagefolder caption column read ("text", "caption" or "captions") and whether it
    // held lists; save() and saveAs(ImageFolder) write the same column in the same shape.
    const std::string& captionColumn() const { return m_captionColumn; }
    bool captionColumnIsList() const { return m_captionIsList; }

    // Writes the dataset back in the layout it was read with: imagefolder metadata (keeping a .bak of
    // the previous file), one caption file per image for sidecar, the token file for Flickr, the JSON
    // for COCO. Every file is replaced atomically. Throws Error naming the file that failed.
    // Parquet datasets are read-only: save() throws Error saying so (saveAs makes an editable copy).
    void save();
    // Writes a copy in another (or the same) layout under `dir`: images are copied keeping their
    // layout relative to root(); orphan rows are kept where the target layout can hold them.
    void saveAs(const std::string& dir, DatasetFormat format) const;
    void setCaptions(std::size_t index, std::vector<std::string> captions); // throws Error on bad index

private:
    friend struct DatasetAccess; // format readers and writers in core/src/data
    DatasetFormat m_format = DatasetFormat::ImageFolder;
    std::string m_root, m_source;
    std::vector<DatasetItem> m_items, m_orphans;
    std::vector<DatasetProblem> m_problems;
    std::string m_captionColumn = "text";
    bool m_captionIsList = false;
    nlohmann::json m_state = nlohmann::json::object(); // layout-specific facts needed for write-back
};

} // namespace captioner
