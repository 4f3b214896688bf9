// Sidecar captions: image.png with image.txt (or image.caption, kohya's default) beside it, in any
// folder depth. Every non-blank line of a caption file is one caption. A converted copy also writes
// captioner_columns.jsonl at its root, holding what caption files cannot: the imagefolder caption
// column's name and shape, every extra column, and captions whose image was missing.
#include "data/dataset_access.h"
#include "data/dataset_files.h"

#include "captioner/error.h"
#include "captioner/image_io.h"

#include <filesystem>
#include <map>
#include <set>

namespace fs = std::filesystem;
using nlohmann::json;

namespace captioner {
namespace {

bool isCaptionFileName(const std::string& p) {
    const std::string ext = detail::lowerAscii(fs::path(p).extension().string());
    return ext == ".txt" || ext == ".caption";
}

std::string withoutExtension(const std::string& p) {
    fs::path path(p);
    return (path.parent_path() / path.stem()).string();
}

std::vector<std::string> readCaptionFile(CaptionDataset& d, const std::string& path) {
    bool latin1 = false;
    const std::string text = detail::decodeText(detail::readWholeFile(path), latin1);
    if (latin1) DatasetAccess::addProblem(d, path, "not valid UTF-8; read as Latin-1");
    std::vector<std::string> captions;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = detail::trim(text.substr(pos, end - pos));
        if (!line.empty()) captions.push_back(std::move(line));
        pos = end + 1;
    }
    return captions;
}

std::string captionFileText(const std::vector<std::string>& captions) {
    std::string out;
    for (std::string c : captions) {
        for (char& ch : c)
            if (ch == '\n' || ch == '\r') ch = ' '; // one caption per line is all the format can hold
        out += c + "\n";
    }
    return out;
}

} // namespace

void DatasetAccess::readSidecar(CaptionDataset& d, const std::string& root) {
    d.m_format = DatasetFormat::Sidecar;
    d.m_root = root;
    d.m_source = root;
    const std::vector<std::string> files = detail::listFilesRecursive(root);
    std::set<std::string> present(files.begin(), files.end());
    std::set<std::string> consumed;
    const std::string columnsPath = detail::joinPaths(root, kSidecarColumnsFile);
    consumed.insert(columnsPath);

    for (const auto& p : files) {
        if (!isImageFileName(p)) continue;
        DatasetItem item;
        item.imagePath = detail::absoluteNormal(p);
        item.fileName = detail::relativeInside(item.imagePath, root);
        item.split = detail::splitForFolderName(detail::firstComponent(item.fileName));
        const std::string stem = withoutExtension(p);
        const bool hasTxt = present.count(stem + ".txt") > 0, hasCaption = present.count(stem + ".caption") > 0;
        if (hasTxt && hasCaption) addProblem(d, stem + ".caption", "ignored: " + stem + ".txt is used");
        if (hasTxt || hasCaption) {
            const std::string cap = hasTxt ? stem + ".txt" : stem + ".caption";
            consumed.insert(cap);
            if (hasCaption) consumed.insert(stem + ".caption");
            item.captions = readCaptionFile(d, cap);
        }
        d.m_items.push_back(std::move(item));
    }
    d.m_state["orphan_files"] = json::array();
    for (const auto& p : files) {
        if (!isCaptionFileName(p) || consumed.count(p)) continue;
        DatasetItem orphan;
        orphan.fileName = detail::relativeInside(detail::absoluteNormal(p), root);
        orphan.captions = readCaptionFile(d, p);
        addProblem(d, p, "caption file without an image");
        d.m_state["orphan_files"].push_back(orphan.fileName);
        d.m_orphans.push_back(std::move(orphan));
    }

    // Columns kept by a conversion from imagefolder.
    std::error_code ec;
    if (!fs::is_regular_file(columnsPath, ec)) return;
    std::map<std::string, size_t> byName;
    for (size_t i = 0; i < d.m_items.size(); ++i) byName[d.m_items[i].fileName] = i;
    const std::string text = detail::readWholeFile(columnsPath);
    size_t pos = 0, lineNo = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++lineNo;
        if (detail::trim(line).empty()) continue;
        const std::string where = columnsPath + ":" + std::to_string(lineNo);
        json row = json::parse(line, nullptr, false);
        if (!row.is_object()) {
            addProblem(d, where, "not a JSON object; ignored");
            continue;
        }
        if (row.contains("captioner_columns")) {
            d.m_captionColumn = row.value("caption_column", std::string("text"));
            d.m_captionIsList = row.value("caption_list", false);
            continue;
        }
        const std::string name = row.value("file_name", std::string());
        json extra = row.value("columns", json::object());
        if (auto it = byName.find(name); it != byName.end()) {
            d.m_items[it->second].extra = extra;
        } else if (row.contains("captions_without_image")) {
            DatasetItem orphan;
            orphan.fileName = name;
            orphan.captions = row["captions_without_image"].get<std::vector<std::string>>();
            orphan.extra = extra;
            d.m_orphans.push_back(std::move(orphan));
        } else {
            addProblem(d, where, "columns for " + name + ", which is not in the dataset");
        }
    }
    d.m_state["has_columns_file"] = true;
}

void DatasetAccess::saveSidecar(const CaptionDataset& d, const std::string& dir, bool copyImages) {
    if (copyImages) detail::ensureFolder(dir);
    std::set<std::string> orphanFiles;
    for (const auto& f : d.m_state.value("orphan_files", json::array())) orphanFiles.insert(f.get<std::string>());

    std::vector<json> columnRows;
    bool needColumns = d.m_state.value("has_columns_file", false) || d.m_captionColumn != "text" || d.m_captionIsList;
    for (const auto& item : d.m_items) {
        std::string imagePath = item.imagePath, rel = item.fileName;
        if (copyImages) {
            rel = layoutPath(d, item);
            imagePath = detail::joinPaths(dir, rel);
            detail::copyFileCreatingFolders(item.imagePath, imagePath);
        }
        const std::string stem = withoutExtension(imagePath);
        std::error_code ec;
        const bool useCaption =
            !copyImages && fs::is_regular_file(stem + ".caption", ec) && !fs::is_regular_file(stem + ".txt", ec);
        const std::string capPath = stem + (useCaption ? ".caption" : ".txt");
        if (!item.captions.empty() || fs::is_regular_file(capPath, ec))
            detail::writeIfChanged(capPath, captionFileText(item.captions));
        if (!item.extra.empty()) {
            columnRows.push_back({{"file_name", rel}, {"columns", item.extra}});
            needColumns = true;
        }
    }
    for (const auto& orphan : d.m_orphans) {
        if (orphanFiles.count(orphan.fileName)) {
            // A caption file without an image: in place it is untouched; a copy keeps it as it is.
            if (copyImages) {
                const std::string to = detail::joinPaths(dir, orphan.fileName);
                detail::ensureFolder(detail::parentOf(to));
                detail::writeIfChanged(to, captionFileText(orphan.captions));
            }
            continue;
        }
        columnRows.push_back(
            {{"file_name", orphan.fileName}, {"columns", orphan.extra}, {"captions_without_image", orphan.captions}});
        needColumns = true;
    }
    if (!needColumns) return;
    std::string text =
        json{{"captioner_columns", 1}, {"caption_column", d.m_captionColumn}, {"caption_list", d.m_captionIsList}}
            .dump() +
        "\n";
    for (const auto& r : columnRows) text += r.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    detail::writeIfChanged(detail::joinPaths(copyImages ? dir : d.m_root, kSidecarColumnsFile), text);
}

} // namespace captioner
