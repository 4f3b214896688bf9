// Hugging Face imagefolder: metadata.jsonl or metadata.csv with a file_name column, beside the images
// or in split folders (train/, test/, ...). datasets turns every other column into a feature; for
// captioning the caption is the first of `text`, `caption`, `captions` present, and every other
// column is kept verbatim in DatasetItem::extra.
#include "data/dataset_access.h"
#include "captioner/csv.h"
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

const char* const kCaptionColumns[] = {"text", "caption", "captions"};

struct Row {
    json obj;
    std::string where; // file:line
};

// One metadata file's rows; bad lines become problems (and are kept verbatim for write-back).
// A CSV cell holding a list of captions: a JSON array in the `captions` column, as the writer stores
// several captions. In `text` / `caption` only an array of strings counts (save() writes one there when
// an image of such a file gains a second caption; read back as one string, the captions were lost).
bool isListCell(const std::string& column, const std::string& v) {
    if (v.size() < 2 || v.front() != '[' || v.back() != ']') return false;
    if (column != "captions" && column != "text" && column != "caption") return false;
    const json parsed = json::parse(v, nullptr, false);
    if (!parsed.is_array()) return false;
    if (column == "captions") return true;
    if (parsed.empty()) return false;
    for (const auto& e : parsed)
        if (!e.is_string()) return false;
    return true;
}

std::vector<Row> readRows(CaptionDataset& d, const std::string& path, json& state) {
    bool latin1 = false;
    const std::string text = detail::decodeText(detail::readWholeFile(path), latin1);
    if (latin1) DatasetAccess::addProblem(d, path, "not valid UTF-8; read as Latin-1");
    std::vector<Row> rows;
    if (detail::lowerAscii(fs::path(path).extension().string()) == ".csv") {
        std::vector<CsvRecord> records;
        try {
            records = parseCsv(text, path);
        } catch (const Error& e) {
            DatasetAccess::addProblem(d, e.subject(), e.reason());
            state["unsaveable"][path] = e.subject() + ": " + e.reason();
            return rows;
        }
        if (records.empty()) return rows;
        const std::vector<std::string> header = records.front().fields;
        state["csv_columns"][path] = header;
        for (size_t r = 1; r < records.size(); ++r) {
            const auto& rec = records[r];
            const std::string where = path + ":" + std::to_string(rec.line);
            if (rec.fields.size() != header.size()) {
                DatasetAccess::addProblem(d, where,
                                          "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                                              std::to_string(header.size()));
            }
            json obj = json::object();
            for (size_t c = 0; c < header.size() && c < rec.fields.size(); ++c) {
                const std::string& v = rec.fields[c];
                if (isListCell(header[c], v)) {
                    obj[header[c]] = json::parse(v);
                    continue;
                }
                obj[header[c]] = v;
            }
            for (size_t c = header.size(); c < rec.fields.size(); ++c) // never drop a field
                obj["column_" + std::to_string(c + 1)] = rec.fields[c];
            rows.push_back({std::move(obj), where});
        }
        return rows;
    }
    size_t lineNo = 0, pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++lineNo;
        if (detail::trim(line).empty()) continue;
        const std::string where = path + ":" + std::to_string(lineNo);
        json obj = json::parse(line, nullptr, false);
        if (obj.is_discarded() || !obj.is_object()) {
            DatasetAccess::addProblem(d, where,
                                      obj.is_discarded() ? "not valid JSON; line kept unchanged"
                                                         : "not a JSON object; line kept unchanged");
            if (!line.empty() && line.back() == '\r') line.pop_back();
            state["bad_lines"][path].push_back(line);
            continue;
        }
        rows.push_back({std::move(obj), where});
    }
    return rows;
}

std::vector<std::string> captionsFrom(CaptionDataset& d, const json& v, const std::string& where) {
    std::vector<std::string> out;
    if (v.is_null()) return out;
    if (v.is_string()) {
        if (!v.get_ref<const std::string&>().empty()) out.push_back(v.get<std::string>());
        return out;
    }
    if (v.is_array()) {
        for (const auto& e : v) {
            if (e.is_string()) {
                out.push_back(e.get<std::string>());
            } else {
                DatasetAccess::addProblem(d, where,
                                          "caption list holds a non-string value " + e.dump() + "; kept as text");
                out.push_back(e.dump());
            }
        }
        return out;
    }
    DatasetAccess::addProblem(d, where, "caption is not text: " + v.dump() + "; kept as text");
    out.push_back(v.dump());
    return out;
}

} // namespace

std::vector<DatasetAccess::MetadataFile> DatasetAccess::findImageFolderMetadata(const std::string& dir,
                                                                                std::vector<DatasetProblem>& problems) {
    std::vector<MetadataFile> found;
    auto look = [&](const fs::path& folder, const std::string& split) {
        const fs::path jsonl = folder / "metadata.jsonl", csv = folder / "metadata.csv";
        std::error_code ec;
        const bool hasJsonl = fs::is_regular_file(jsonl, ec), hasCsv = fs::is_regular_file(csv, ec);
        if (hasJsonl && hasCsv)
            problems.push_back({csv.string(), "ignored: metadata.jsonl in the same folder is used"});
        if (hasJsonl) found.push_back({jsonl.string(), split});
        else if (hasCsv) found.push_back({csv.string(), split});
    };
    look(dir, "");
    std::error_code ec;
    std::vector<fs::path> subdirs;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_directory(ec) && !detail::splitForFolderName(e.path().filename().string()).empty())
            subdirs.push_back(e.path());
    std::sort(subdirs.begin(), subdirs.end());
    for (const auto& s : subdirs) look(s, detail::splitForFolderName(s.filename().string()));
    return found;
}

void DatasetAccess::readImageFolder(CaptionDataset& d, const std::string& root,
                                    const std::vector<MetadataFile>& files) {
    d.m_format = DatasetFormat::ImageFolder;
    d.m_root = root;
    d.m_source = files.empty() ? root : files.front().path;
    json& state = d.m_state;
    state["metadata_by_split"] = json::object();

    std::vector<std::vector<Row>> rowsPerFile;
    std::set<std::string> keys;
    for (const auto& f : files) {
        rowsPerFile.push_back(readRows(d, f.path, state));
        for (const auto& r : rowsPerFile.back())
            for (auto it = r.obj.begin(); it != r.obj.end(); ++it) keys.insert(it.key());
        if (f.split.empty()) state["root_metadata"] = f.path;
        else state["metadata_by_split"][f.split] = f.path;
    }
    d.m_captionColumn.clear();
    for (const char* c : kCaptionColumns)
        if (keys.count(c)) {
            d.m_captionColumn = c;
            break;
        }
    if (d.m_captionColumn.empty()) {
        d.m_captionColumn = "text";
        if (!keys.empty()) addProblem(d, files.front().path, "no caption column (looked for text, caption, captions)");
    }
    const std::string& col = d.m_captionColumn;

    std::set<std::string> listed;
    for (size_t k = 0; k < files.size(); ++k) {
        const std::string base = detail::parentOf(files[k].path);
        for (auto& row : rowsPerFile[k]) {
            DatasetItem item;
            item.split = files[k].split;
            auto fn = row.obj.find("file_name");
            if (fn == row.obj.end() || !fn->is_string() || fn->get_ref<const std::string&>().empty()) {
                addProblem(d, row.where, "no file_name; row kept unchanged");
            } else {
                item.fileName = fn->get<std::string>();
                item.imagePath = detail::absoluteNormal(detail::joinPaths(base, item.fileName));
                if (item.split.empty()) item.split = detail::splitForFolderName(detail::firstComponent(item.fileName));
            }
            if (auto c = row.obj.find(col); c != row.obj.end()) {
                d.m_captionIsList = d.m_captionIsList || c->is_array();
                item.captions = captionsFrom(d, *c, row.where);
            }
            for (auto it = row.obj.begin(); it != row.obj.end(); ++it)
                if (it.key() != "file_name" && it.key() != col) item.extra[it.key()] = it.value();
            std::error_code ec;
            if (!item.imagePath.empty() && fs::is_regular_file(item.imagePath, ec)) {
                listed.insert(item.imagePath);
                d.m_items.push_back(std::move(item));
            } else {
                if (!item.imagePath.empty()) addProblem(d, row.where, "image " + item.fileName + " not found");
                d.m_orphans.push_back(std::move(item));
            }
        }
    }

    // Images no metadata row names: listed without captions (datasets would refuse to load them).
    std::set<std::string> metadataDirs;
    for (const auto& f : files) metadataDirs.insert(detail::absoluteNormal(detail::parentOf(f.path)));
    state["unlisted"] = json::array();
    for (const auto& f : files) {
        const std::string dir = detail::absoluteNormal(detail::parentOf(f.path));
        for (const auto& p : detail::listFilesRecursive(dir)) {
            if (!isImageFileName(p)) continue;
            const std::string abs = detail::absoluteNormal(p);
            if (listed.count(abs)) continue;
            // A split folder with its own metadata file owns its images.
            const std::string owner = detail::absoluteNormal(detail::parentOf(p));
            bool ownedElsewhere = false;
            for (const auto& m : metadataDirs)
                if (m != dir && (owner == m || !detail::relativeInside(owner, m).empty())) ownedElsewhere = true;
            if (ownedElsewhere) continue;
            DatasetItem item;
            item.imagePath = abs;
            item.fileName = detail::relativeInside(abs, dir);
            item.split = f.split.empty() ? detail::splitForFolderName(detail::firstComponent(item.fileName)) : f.split;
            listed.insert(abs);
            state["unlisted"].push_back(abs);
            d.m_items.push_back(std::move(item));
        }
    }
}

namespace {

json captionValue(const CaptionDataset& d, const DatasetItem& item) {
    if (d.captionColumnIsList() || item.captions.size() > 1) return json(item.captions);
    return json(item.captions.empty() ? std::string() : item.captions.front());
}

nlohmann::ordered_json rowFor(const CaptionDataset& d, const DatasetItem& item, const std::string& fileName) {
    nlohmann::ordered_json row;
    row["file_name"] = fileName;
    row[d.captionColumn()] = captionValue(d, item);
    for (auto it = item.extra.begin(); it != item.extra.end(); ++it) row[it.key()] = it.value();
    return row;
}

std::string jsonlText(const std::vector<nlohmann::ordered_json>& rows, const json& badLines) {
    std::string out;
    for (const auto& r : rows) out += r.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    if (badLines.is_array())
        for (const auto& l : badLines) out += l.get<std::string>() + "\n";
    return out;
}

std::string csvText(const std::vector<nlohmann::ordered_json>& rows, std::vector<std::string> columns) {
    for (const auto& r : rows)
        for (auto it = r.begin(); it != r.end(); ++it)
            if (std::find(columns.begin(), columns.end(), it.key()) == columns.end()) columns.push_back(it.key());
    std::string out = formatCsvRecord(columns);
    for (const auto& r : rows) {
        std::vector<std::string> fields;
        for (const auto& c : columns) {
            auto it = r.find(c);
            if (it == r.end() || it->is_null()) fields.emplace_back();
            else if (it->is_string()) fields.push_back(it->get<std::string>());
            else fields.push_back(it->dump());
        }
        out += formatCsvRecord(fields);
    }
    return out;
}

} // namespace

void DatasetAccess::saveImageFolder(CaptionDataset& d) {
    const json& state = d.m_state;
    std::set<std::string> unlisted;
    for (const auto& u : state.value("unlisted", json::array())) unlisted.insert(u.get<std::string>());
    const std::string rootMeta = state.value("root_metadata", std::string());
    auto metadataFor = [&](const DatasetItem& item) {
        const json& bySplit = state.at("metadata_by_split");
        if (auto it = bySplit.find(item.split); it != bySplit.end()) return it->get<std::string>();
        if (!rootMeta.empty()) return rootMeta;
        return detail::joinPaths(d.m_root, "metadata.jsonl");
    };
    std::map<std::string, std::vector<nlohmann::ordered_json>> rowsByFile;
    auto add = [&](const DatasetItem& item) {
        // An image that never had a row gets one only once it has something to say.
        if (unlisted.count(item.imagePath) && item.captions.empty() && item.extra.empty()) return;
        const std::string meta = metadataFor(item);
        std::string fileName = item.fileName;
        if (!item.imagePath.empty()) {
            const std::string rel =
                detail::relativeInside(item.imagePath, detail::absoluteNormal(detail::parentOf(meta)));
            if (!rel.empty()) fileName = rel;
        }
        auto row = rowFor(d, item, fileName);
        if (item.fileName.empty() && item.imagePath.empty()) row.erase("file_name");
        rowsByFile[meta].push_back(std::move(row));
    };
    for (const auto& item : d.m_items) add(item);
    for (const auto& item : d.m_orphans) add(item);
    // A metadata file whose rows all went away is still rewritten (empty), not left stale.
    for (const auto& [split, path] : state.at("metadata_by_split").items()) rowsByFile[path.get<std::string>()];
    if (!rootMeta.empty()) rowsByFile[rootMeta];

    for (const auto& [path, rows] : rowsByFile) {
        if (auto u = state.find("unsaveable"); u != state.end() && u->contains(path))
            throw Error(path,
                        "not saved: the file could not be read completely (" + (*u)[path].get<std::string>() + ")");
        std::string bytes;
        if (detail::lowerAscii(fs::path(path).extension().string()) == ".csv") {
            std::vector<std::string> columns;
            if (auto c = state.find("csv_columns"); c != state.end() && c->contains(path))
                columns = (*c)[path].get<std::vector<std::string>>();
            if (std::find(columns.begin(), columns.end(), "file_name") == columns.end())
                columns.insert(columns.begin(), "file_name");
            if (std::find(columns.begin(), columns.end(), d.m_captionColumn) == columns.end())
                columns.push_back(d.m_captionColumn);
            bytes = csvText(rows, columns);
        } else {
            json bad;
            if (auto b = state.find("bad_lines"); b != state.end() && b->contains(path)) bad = (*b)[path];
            bytes = jsonlText(rows, bad);
        }
        detail::replaceWithBackup(path, bytes);
    }
}

void DatasetAccess::writeImageFolderCopy(const CaptionDataset& d, const std::string& dir) {
    bool anySplit = false;
    for (const auto& item : d.m_items) anySplit = anySplit || !item.split.empty();
    std::map<std::string, std::vector<nlohmann::ordered_json>> rowsByFolder;
    auto place = [&](const DatasetItem& item, bool hasImage) {
        std::string rel = hasImage ? layoutPath(d, item) : item.fileName;
        std::string folder = dir;
        if (anySplit) {
            const std::string split = item.split.empty() ? "train" : item.split;
            folder = detail::joinPaths(dir, split);
            if (!detail::splitForFolderName(detail::firstComponent(rel)).empty()) rel = rel.substr(rel.find('/') + 1);
        }
        if (hasImage) detail::copyFileCreatingFolders(item.imagePath, detail::joinPaths(folder, rel));
        rowsByFolder[folder].push_back(rowFor(d, item, rel));
    };
    detail::ensureFolder(dir);
    for (const auto& item : d.m_items) place(item, true);
    for (const auto& item : d.m_orphans) place(item, false);
    for (const auto& [folder, rows] : rowsByFolder) {
        detail::ensureFolder(folder);
        detail::replaceWithBackup(detail::joinPaths(folder, "metadata.jsonl"), jsonlText(rows, json()));
    }
}

} // namespace captioner
