// The Parquet dataset layout: one .parquet file, or a folder of shards as a Hugging Face dataset repo
// holds them (data/train-00000-of-00002.parquet, ...; also <config>/<split>/0000.parquet). Items
// refer to their image by row ("FILE.parquet#row=N", see image_source.h); captions come from the
// caption column (a string, or a list of strings: every caption of the image, of which training
// samples one as for COCO), other flat columns are kept in DatasetItem::extra. Read-only: save() refuses.
#include "captioner/error.h"
#include "captioner/image_source.h"
#include "captioner/parquet.h"
#include "data/dataset_access.h"
#include "data/dataset_files.h"
#include "data/parquet/parquet_columns.h"
#include "image/image_format.h"

#include <algorithm>
#include <cstdio>

#include <filesystem>

namespace fs = std::filesystem;

namespace captioner {
namespace {

bool isParquetName(const std::string& path) {
    return detail::lowerAscii(fs::path(path).extension().string()) == ".parquet";
}

// "train-00000-of-00002.parquet" -> train; "validation.parquet" -> validation; else the folder's name.
std::string splitOf(const std::string& file) {
    const std::string stem = fs::path(file).stem().string();
    const std::string prefix = stem.substr(0, stem.find('-'));
    if (std::string s = detail::splitForFolderName(detail::lowerAscii(prefix)); !s.empty()) return s;
    return detail::splitForFolderName(detail::lowerAscii(fs::path(file).parent_path().filename().string()));
}

nlohmann::json valueJson(const ParquetColumnInfo& info, const ParquetColumnData& data, std::size_t i) {
    if (data.isNull(i)) return nullptr;
    switch (info.type) {
    case ParquetType::Boolean: return data.ints[i] != 0;
    case ParquetType::Int32:
    case ParquetType::Int64: return data.ints[i];
    case ParquetType::Float:
    case ParquetType::Double: return data.reals[i];
    default: {
        bool latin1 = false; // JSON holds only valid UTF-8
        return detail::decodeText(data.bytes[i], latin1);
    }
    }
}

} // namespace

std::vector<std::string> DatasetAccess::findParquetFiles(const std::string& dir, bool anywhere) {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (isParquetName(entry.path().string()) && entry.is_regular_file(ec)) found.push_back(entry.path().string());
    const std::string data = detail::joinPaths(dir, "data");
    if (fs::is_directory(data, ec))
        for (const auto& p : detail::listFilesRecursive(data))
            if (isParquetName(p)) found.push_back(p);
    if (found.empty() && anywhere)
        for (const auto& p : detail::listFilesRecursive(dir))
            if (isParquetName(p)) found.push_back(p);
    std::sort(found.begin(), found.end());
    return found;
}

void DatasetAccess::readParquet(CaptionDataset& d, const std::string& root, const std::vector<std::string>& files) {
    d.m_format = DatasetFormat::Parquet;
    d.m_root = root;
    d.m_source = root; // open() names the file instead when one file was opened
    d.m_captionColumn.clear();
    nlohmann::json fileList = nlohmann::json::array();
    for (const std::string& path : files) {
        const ParquetFile file = ParquetFile::open(path);
        const parquet::ImageColumns image = parquet::findImageColumns(file);
        if (image.bytes < 0)
            throw Error(path,
                        "no image column: expected a struct column image {bytes, path} or a binary column of image "
                        "bytes (columns: " +
                            parquet::fieldList(file) + ")");
        const int caption = parquet::findCaptionColumn(file);
        if (caption < 0)
            throw Error(path, "no caption column: expected text, caption, captions, sentences, raw, description or "
                              "sentence (columns: " +
                                  parquet::fieldList(file) + ")");
        const ParquetColumnInfo& captionInfo = file.columns()[std::size_t(caption)];
        if (!captionInfo.unsupported.empty()) throw Error(path, "cannot read the captions: " + captionInfo.unsupported);
        if (captionInfo.type != ParquetType::ByteArray)
            throw Error(path, "caption column " + captionInfo.path + " is " + parquetTypeName(captionInfo.type) +
                                  ", not text");
        if (d.m_captionColumn.empty()) d.m_captionColumn = captionInfo.path;
        else if (d.m_captionColumn != captionInfo.path)
            DatasetAccess::addProblem(
                d, path, "captions read from column " + captionInfo.path + ", other files use " + d.m_captionColumn);

        // Flat scalar columns beside image and caption are kept as extra fields; others are noted once.
        std::vector<std::size_t> extras;
        for (std::size_t c = 0; c < file.columns().size(); ++c) {
            const ParquetColumnInfo& info = file.columns()[c];
            if (int(c) == image.bytes || int(c) == image.path || int(c) == caption) continue;
            if (!info.unsupported.empty()) DatasetAccess::addProblem(d, path, info.unsupported + "; column skipped");
            else if (info.maxRepetitionLevel > 0)
                DatasetAccess::addProblem(d, path, "list column " + info.path + " skipped");
            else if (info.parts.size() != 1)
                DatasetAccess::addProblem(d, path, "nested column " + info.path + " skipped");
            else if (info.type == ParquetType::FixedLenByteArray ||
                     (info.type == ParquetType::ByteArray && !info.isString))
                DatasetAccess::addProblem(d, path, "binary column " + info.path + " skipped");
            else extras.push_back(c);
        }

        const std::string split = splitOf(path);
        const std::string rel = detail::relativeInside(path, root).empty() ? fs::path(path).filename().string()
                                                                           : detail::relativeInside(path, root);
        for (std::size_t g = 0; g < file.numRowGroups(); ++g) {
            const ParquetColumnData captions = file.readColumn(g, std::size_t(caption));
            ParquetColumnData names;
            if (image.path >= 0 && file.columns()[std::size_t(image.path)].unsupported.empty())
                names = file.readColumn(g, std::size_t(image.path));
            std::vector<ParquetColumnData> extraData;
            for (std::size_t c : extras) extraData.push_back(file.readColumn(g, c));
            for (std::size_t i = 0; i < captions.size(); ++i) {
                const std::int64_t row = file.rowGroupFirstRow(g) + std::int64_t(i);
                DatasetItem item;
                item.imagePath = embeddedImageRef(path, row);
                item.fileName = rel + "#row=" + std::to_string(row);
                // Every caption of the row: one from a string column, all non-null elements of a list.
                const std::vector<std::string> texts = captions.repeated ? captions.stringsOf(i)
                                                       : captions.isNull(i)
                                                           ? std::vector<std::string>{}
                                                           : std::vector<std::string>{captions.bytes[i]};
                for (const std::string& text : texts) {
                    bool latin1 = false;
                    item.captions.push_back(detail::decodeText(text, latin1));
                    if (latin1)
                        DatasetAccess::addProblem(d, item.fileName, "caption is not valid UTF-8; read as Latin-1");
                }
                item.split = split;
                if (names.size() > i && !names.isNull(i)) {
                    bool latin1 = false;
                    item.extra[image.name + ".path"] = detail::decodeText(names.bytes[i], latin1);
                }
                for (std::size_t e = 0; e < extras.size(); ++e)
                    item.extra[file.columns()[extras[e]].path] = valueJson(file.columns()[extras[e]], extraData[e], i);
                d.m_items.push_back(std::move(item));
            }
        }
        fileList.push_back({{"file", rel},
                            {"rows", file.numRows()},
                            {"row_groups", file.numRowGroups()},
                            {"image_column", image.name},
                            {"caption_column", captionInfo.path}});
    }
    if (d.m_captionColumn.empty()) d.m_captionColumn = "text";
    d.m_state["parquet_files"] = fileList;
}

} // namespace captioner

namespace captioner {

std::string DatasetAccess::parquetRowLayoutPath(const DatasetItem& item) {
    std::string file;
    std::int64_t row = 0;
    parseEmbeddedImageRef(item.imagePath, file, row);
    std::string ext = ".png";
    try {
        const std::vector<uint8_t> bytes = readEmbeddedImage(item.imagePath);
        switch (detail::sniffFormat(bytes.data(), bytes.size())) {
        case detail::ImageFormat::Jpeg: ext = ".jpg"; break;
        case detail::ImageFormat::WebP: ext = ".webp"; break;
        case detail::ImageFormat::Bmp: ext = ".bmp"; break;
        case detail::ImageFormat::Tiff: ext = ".tif"; break;
        case detail::ImageFormat::Gif: ext = ".gif"; break;
        case detail::ImageFormat::Pnm: ext = ".pnm"; break;
        default: break;
        }
    } catch (const Error&) {
        // The copy itself reports the unreadable row; the name only needs to be stable.
    }
    char digits[24];
    std::snprintf(digits, sizeof digits, "-%06lld", static_cast<long long>(row));
    const std::string name = fs::path(file).stem().string() + digits + ext;
    return item.split.empty() ? name : item.split + "/" + name;
}

} // namespace captioner
