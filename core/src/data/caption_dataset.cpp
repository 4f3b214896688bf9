#include "captioner/dataset.h"

#include "captioner/dataset_report.h"
#include "captioner/error.h"
#include "captioner/image_io.h"
#include "captioner/image_source.h"
#include "data/dataset_access.h"
#include "data/dataset_files.h"
#include "data/parallel_for.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace captioner {
namespace {

const char* const kLookedFor =
    "no dataset found: looked for metadata.jsonl or metadata.csv (imagefolder, also in train/ test/), "
    "COCO captions *.json files or a Karpathy split dataset_*.json (here or in annotations/), a Flickr "
    "*.token.txt file, *.parquet files (here or in data/), and images "
    "(.png .jpg .jpeg .webp .bmp .tif .tiff .gif .pnm) with or without .txt/.caption files";

bool folderHasImages(const std::string& dir) {
    for (const auto& p : detail::listFilesRecursive(dir))
        if (isImageFileName(p)) return true;
    return false;
}

void checkAllImages(CaptionDataset& d, std::vector<DatasetItem>& items, const DatasetOpenOptions& o,
                    std::vector<DatasetProblem>& problems) {
    std::vector<std::string> reasons(items.size());
    const bool finished = detail::parallelFor(
        items.size(), o.threads, [&](size_t i) { reasons[i] = checkImageFile(items[i].imagePath, true); }, o.progress,
        o.shouldCancel);
    if (!finished) throw Error(d.source(), "opening cancelled");
    for (size_t i = 0; i < items.size(); ++i) {
        items[i].unreadable = reasons[i];
        if (!reasons[i].empty()) problems.push_back({items[i].imagePath, reasons[i]});
    }
}

} // namespace

std::string formatName(DatasetFormat format) {
    switch (format) {
    case DatasetFormat::ImageFolder: return "imagefolder";
    case DatasetFormat::Sidecar: return "sidecar";
    case DatasetFormat::Flickr: return "flickr";
    case DatasetFormat::Coco: return "coco";
    case DatasetFormat::Parquet: return "parquet";
    case DatasetFormat::Karpathy: return "karpathy";
    }
    return "unknown";
}

DatasetFormat parseDatasetFormat(const std::string& name) {
    for (DatasetFormat f : {DatasetFormat::ImageFolder, DatasetFormat::Sidecar, DatasetFormat::Flickr,
                            DatasetFormat::Coco, DatasetFormat::Parquet, DatasetFormat::Karpathy})
        if (formatName(f) == detail::lowerAscii(name)) return f;
    throw Error(name, "unknown dataset format (expected imagefolder, sidecar, flickr, coco, parquet or karpathy)");
}

CaptionDataset CaptionDataset::open(const std::string& pathIn, const DatasetOpenOptions& options) {
    const std::string path = detail::absoluteNormal(pathIn);
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(pathIn, "no such file or folder");
    CaptionDataset d;
    try {
        if (fs::is_directory(path, ec)) {
            std::vector<DatasetProblem> early;
            if (auto meta = DatasetAccess::findImageFolderMetadata(path, early); !meta.empty()) {
                d.m_problems = early;
                DatasetAccess::readImageFolder(d, path, meta);
            } else if (auto shards = DatasetAccess::findParquetFiles(path, false); !shards.empty()) {
                DatasetAccess::readParquet(d, path, shards);
            } else if (auto karpathy = DatasetAccess::findKarpathyFiles(path); !karpathy.empty()) {
                DatasetAccess::readKarpathyFolder(d, path, karpathy, options.imageRoot, pathIn);
            } else if (auto coco = DatasetAccess::findCocoFiles(path); !coco.empty()) {
                DatasetAccess::readCocoFolder(d, path, coco, options.imageRoot, pathIn);
            } else if (auto flickr = DatasetAccess::findFlickrFiles(path); !flickr.empty()) {
                if (flickr.size() > 1)
                    throw Error(pathIn,
                                "several Flickr token files (" + flickr[0] + ", " + flickr[1] + "); open one of them");
                DatasetAccess::readFlickr(d, flickr.front(), options.imageRoot);
            } else if (folderHasImages(path)) {
                DatasetAccess::readSidecar(d, path);
            } else if (auto nested = DatasetAccess::findParquetFiles(path, true); !nested.empty()) {
                DatasetAccess::readParquet(d, path, nested);
            } else {
                throw Error(pathIn, kLookedFor);
            }
        } else {
            const std::string name = detail::lowerAscii(fs::path(path).filename().string());
            const std::string ext = detail::lowerAscii(fs::path(path).extension().string());
            if (ext == ".jsonl" || ext == ".csv") {
                DatasetAccess::readImageFolder(d, detail::parentOf(path), {{path, ""}});
            } else if (ext == ".json") {
                if (DatasetAccess::looksLikeKarpathy(path)) DatasetAccess::readKarpathy(d, path, options.imageRoot);
                else DatasetAccess::readCoco(d, path, options.imageRoot);
            } else if (ext == ".token" || ext == ".txt") {
                DatasetAccess::readFlickr(d, path, options.imageRoot);
            } else if (ext == ".parquet") {
                DatasetAccess::readParquet(d, detail::parentOf(path), {path});
                d.m_source = path;
            } else {
                throw Error(
                    pathIn,
                    "not a dataset file: expected metadata .jsonl/.csv (imagefolder), a COCO or Karpathy .json, "
                    "a Flickr .token.txt or a .parquet file, or a folder");
            }
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(pathIn, std::string("malformed dataset metadata: ") + e.what());
    }
    if (options.checkImages) checkAllImages(d, d.m_items, options, d.m_problems);
    return d;
}

void CaptionDataset::save() {
    switch (m_format) {
    case DatasetFormat::ImageFolder: DatasetAccess::saveImageFolder(*this); break;
    case DatasetFormat::Sidecar: DatasetAccess::saveSidecar(*this, m_root, false); break;
    case DatasetFormat::Flickr: DatasetAccess::saveFlickr(*this); break;
    case DatasetFormat::Coco: DatasetAccess::saveCoco(*this); break;
    case DatasetFormat::Karpathy: DatasetAccess::saveKarpathy(*this); break;
    case DatasetFormat::Parquet:
        throw Error(m_source,
                    "Parquet datasets are read-only: captions cannot be written back into .parquet files; "
                    "convert the dataset to imagefolder (captioner dataset convert SRC --to imagefolder --out DIR) "
                    "to edit its captions");
    }
}

void CaptionDataset::saveAs(const std::string& dirIn, DatasetFormat format) const {
    const std::string dir = detail::absoluteNormal(dirIn);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) throw Error(dirIn, "exists and is not a folder");
    switch (format) {
    case DatasetFormat::ImageFolder: DatasetAccess::writeImageFolderCopy(*this, dir); break;
    case DatasetFormat::Sidecar: DatasetAccess::saveSidecar(*this, dir, true); break;
    default:
        throw Error(dirIn, "converting to " + formatName(format) + " is not supported (use imagefolder or sidecar)");
    }
}

void CaptionDataset::setCaptions(std::size_t index, std::vector<std::string> captions) {
    if (index >= m_items.size())
        throw Error(m_source,
                    "item " + std::to_string(index) + " does not exist (" + std::to_string(m_items.size()) + " items)");
    m_items[index].captions = std::move(captions);
}

std::string DatasetAccess::layoutPath(const CaptionDataset& d, const DatasetItem& item) {
    if (isEmbeddedImageRef(item.imagePath)) return parquetRowLayoutPath(item);
    std::string rel = detail::relativeInside(item.imagePath, d.m_root);
    if (!rel.empty()) return rel;
    const fs::path name(item.fileName);
    if (!item.fileName.empty() && name.is_relative() && name.lexically_normal().string().rfind("..", 0) != 0)
        return name.lexically_normal().string();
    return fs::path(item.imagePath).filename().string();
}

} // namespace captioner
