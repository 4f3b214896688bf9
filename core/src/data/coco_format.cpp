// COCO captions JSON: "images" [{id, file_name, ...}] and "annotations" [{id, image_id, caption}].
// Image fields other than file_name (id included) become DatasetItem::extra; the rest of the
// document and each annotation's own fields are kept so that save() writes back what was read.
// A folder holding COCO as downloaded (annotations/captions_train2017.json and captions_val2017.json
// beside train2017/ and val2017/, or the 2014 names) is one dataset with a "train" and a
// "validation" split, each file's images looked up in its own image folder; save() writes each
// file back with the items of its split.
#include "data/dataset_access.h"
#include "data/dataset_files.h"

#include "captioner/error.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using nlohmann::json;

namespace captioner {
namespace {

bool looksLikeCoco(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > (256u << 20)) return false;
    const json doc = json::parse(detail::readWholeFile(path), nullptr, false);
    if (!doc.is_object() || !doc.contains("images") || !doc.contains("annotations") || !doc["images"].is_array() ||
        !doc["annotations"].is_array())
        return false;
    // instances_*.json and person_keypoints_*.json, downloaded beside the captions, have the same two
    // lists; their annotations carry no caption.
    const json& anns = doc["annotations"];
    return anns.empty() || (anns[0].is_object() && anns[0].contains("caption"));
}

std::string splitFromName(const std::string& fileName) {
    const std::string n = detail::lowerAscii(fileName);
    if (n.find("train") != std::string::npos) return "train";
    if (n.find("test") != std::string::npos) return "test";
    if (n.find("val") != std::string::npos) return "validation";
    return "";
}

// The image set a captions file describes: captions_train2017.json -> train2017.
std::string setNameOf(const std::string& jsonFile) {
    const std::string stem = fs::path(jsonFile).stem().string();
    return stem.rfind("captions_", 0) == 0 ? stem.substr(9) : stem;
}

// captions_train<YEAR>.json / captions_val<YEAR>.json as COCO's annotation archives name them.
struct CocoSplitName {
    std::string split, year; // "train" or "validation", "2017"; both "" for any other name
};
CocoSplitName cocoSplitName(const std::string& jsonFile) {
    const std::string stem = detail::lowerAscii(fs::path(jsonFile).stem().string());
    for (const std::string kind : {"train", "val"}) {
        const std::string prefix = "captions_" + kind;
        if (stem.size() != prefix.size() + 4 || stem.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string year = stem.substr(prefix.size());
        if (year.find_first_not_of("0123456789") != std::string::npos) continue;
        return {kind == "train" ? "train" : "validation", year};
    }
    return {};
}

std::string joinNames(const std::vector<std::string>& paths) {
    std::string out;
    for (const auto& p : paths) out += (out.empty() ? "" : ", ") + p;
    return out;
}

// The deepest folder holding both paths.
std::string commonFolder(const std::string& a, const std::string& b) {
    fs::path out;
    const fs::path pa(a), pb(b);
    for (auto ia = pa.begin(), ib = pb.begin(); ia != pa.end() && ib != pb.end() && *ia == *ib; ++ia, ++ib) out /= *ia;
    return out.string();
}

} // namespace

std::vector<std::string> DatasetAccess::findJsonFiles(const std::string& dir, bool (*accept)(const std::string&)) {
    std::vector<std::string> found;
    for (const std::string& folder : {dir, detail::joinPaths(dir, "annotations")}) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) continue;
        for (const auto& e : fs::directory_iterator(folder, ec))
            if (e.is_regular_file(ec) && detail::lowerAscii(e.path().extension().string()) == ".json" &&
                accept(e.path().string()))
                found.push_back(e.path().string());
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::vector<std::string> DatasetAccess::findCocoFiles(const std::string& dir) {
    return findJsonFiles(dir, looksLikeCoco);
}

void DatasetAccess::readCoco(CaptionDataset& d, const std::string& jsonFile, const std::string& imageRoot) {
    d.m_format = DatasetFormat::Coco;
    d.m_source = detail::absoluteNormal(jsonFile);
    const std::string base = detail::parentOf(d.m_source);
    const std::string setName = setNameOf(jsonFile);
    std::vector<std::string> candidates;
    if (!imageRoot.empty()) candidates.push_back(imageRoot);
    for (const std::string& c :
         {base, base + "/images", base + "/" + setName, base + "/../" + setName, base + "/../images", base + "/.."})
        candidates.push_back(c);
    json file =
        readCocoFile(d, jsonFile, candidates, splitFromName(fs::path(jsonFile).stem().string()), !imageRoot.empty());
    d.m_root = file["root"].get<std::string>();
    d.m_state["coco_files"] = json::array({std::move(file)});
}

void DatasetAccess::readCocoFolder(CaptionDataset& d, const std::string& dir, const std::vector<std::string>& files,
                                   const std::string& imageRoot, const std::string& shownPath) {
    if (files.size() == 1) return readCoco(d, files.front(), imageRoot);
    // Several files: COCO as downloaded holds one year's train and val captions (perhaps two years').
    std::map<std::string, std::map<std::string, std::string>> byYear; // year -> split -> file
    for (const auto& f : files) {
        const CocoSplitName n = cocoSplitName(f);
        if (n.year.empty() || byYear[n.year].count(n.split))
            throw Error(shownPath, "several COCO caption files (" + files[0] + ", " + files[1] +
                                       (files.size() > 2 ? ", ..." : "") + "); open one of them");
        byYear[n.year][n.split] = f;
    }
    const auto& [year, splits] = *byYear.rbegin(); // the newest year
    std::vector<std::string> chosen;
    for (const auto& [split, f] : splits) chosen.push_back(f); // train before validation
    if (chosen.size() == 1) readCoco(d, chosen.front(), imageRoot);
    else {
        d.m_format = DatasetFormat::Coco;
        d.m_source = detail::absoluteNormal(dir);
        json states = json::array();
        for (const auto& [split, f] : splits) {
            // Each split's images are in the folder named like its file (train2017/), beside the
            // annotations/ folder or the file, or under --image-root.
            const std::string base = detail::parentOf(detail::absoluteNormal(f)), setName = setNameOf(f);
            std::vector<std::string> candidates;
            const std::vector<std::string> places =
                !imageRoot.empty()
                    ? std::vector<std::string>{imageRoot + "/" + setName, imageRoot}
                    : std::vector<std::string>{d.m_source + "/" + setName, base + "/" + setName,
                                               base + "/../" + setName, d.m_source + "/images/" + setName};
            for (const auto& c : places)
                if (std::find(candidates.begin(), candidates.end(), detail::absoluteNormal(c)) == candidates.end())
                    candidates.push_back(detail::absoluteNormal(c));
            states.push_back(readCocoFile(d, f, candidates, split, false));
        }
        d.m_root = commonFolder(states[0]["root"].get<std::string>(), states[1]["root"].get<std::string>());
        d.m_state["coco_files"] = std::move(states);
    }
    for (const auto& [otherYear, otherSplits] : byYear)
        if (otherYear != year)
            for (const auto& [split, f] : otherSplits)
                addProblem(d, f,
                           "not used: of captions for several years the newest (" + year +
                               ") are read; open this "
                               "file for the " +
                               otherYear + " ones");
}

json DatasetAccess::readCocoFile(CaptionDataset& d, const std::string& jsonFile,
                                 const std::vector<std::string>& candidates, const std::string& split,
                                 bool forceFirstCandidate) {
    json doc = json::parse(detail::readWholeFile(jsonFile), nullptr, false);
    if (doc.is_discarded()) throw Error(jsonFile, "not valid JSON");
    if (!doc.is_object() || !doc.contains("images") || !doc["images"].is_array() || !doc.contains("annotations") ||
        !doc["annotations"].is_array())
        throw Error(jsonFile, "not a COCO captions file (needs \"images\" and \"annotations\" lists)");
    json file = {{"path", detail::absoluteNormal(jsonFile)}, {"split", split}};

    std::vector<std::string> names;
    for (const auto& im : doc["images"])
        if (im.is_object() && im.contains("file_name") && im["file_name"].is_string()) names.push_back(im["file_name"]);
    // The image folder: the first candidate holding some of the images; when none does, the first
    // candidate that is a folder at all (each missing image is then named), else candidates[0].
    std::string root =
        forceFirstCandidate ? detail::absoluteNormal(candidates.front()) : detail::findImageRoot(candidates, names);
    const bool rootFound = !root.empty();
    if (!rootFound) {
        std::error_code ec;
        for (const auto& c : candidates)
            if (root.empty() && fs::is_directory(c, ec)) root = detail::absoluteNormal(c);
        if (root.empty()) root = detail::absoluteNormal(candidates.front());
    }
    file["root"] = root;

    // Annotations grouped by image id (as its JSON text, so 7 and "7" stay distinct), in file order.
    std::map<std::string, std::vector<json>> annotations;
    std::vector<std::string> annotationOrder;
    const auto& anns = doc["annotations"];
    for (size_t i = 0; i < anns.size(); ++i) {
        const json& a = anns[i];
        const std::string where = jsonFile + ": annotations[" + std::to_string(i) + "]";
        if (!a.is_object() || !a.contains("image_id") || !a.contains("caption")) {
            addProblem(d, where, "needs image_id and caption; kept unchanged");
            file["loose_annotations"].push_back(a);
            continue;
        }
        const std::string key = a["image_id"].dump();
        if (!annotations.count(key)) annotationOrder.push_back(key);
        annotations[key].push_back(a);
    }

    std::map<std::string, bool> seen;
    std::vector<std::pair<std::string, std::string>> missing; // where, file name
    size_t found = 0;
    const auto& images = doc["images"];
    for (size_t i = 0; i < images.size(); ++i) {
        const json& im = images[i];
        const std::string where = jsonFile + ": images[" + std::to_string(i) + "]";
        if (!im.is_object() || !im.contains("file_name") || !im["file_name"].is_string() || !im.contains("id")) {
            addProblem(d, where, "needs id and file_name; kept unchanged");
            file["loose_images"].push_back(im);
            continue;
        }
        DatasetItem item;
        item.fileName = im["file_name"];
        item.imagePath = detail::absoluteNormal(detail::joinPaths(root, item.fileName));
        item.split = split;
        for (auto it = im.begin(); it != im.end(); ++it)
            if (it.key() != "file_name") item.extra[it.key()] = it.value();
        const std::string key = im["id"].dump();
        seen[key] = true;
        for (const auto& a : annotations[key]) {
            if (a["caption"].is_string()) item.captions.push_back(a["caption"]);
            else {
                addProblem(d, where, "caption is not text: " + a["caption"].dump() + "; kept as text");
                item.captions.push_back(a["caption"].dump());
            }
        }
        std::error_code ec;
        if (fs::is_regular_file(item.imagePath, ec)) {
            ++found;
            d.m_items.push_back(std::move(item));
        } else {
            missing.emplace_back(where, item.fileName);
            d.m_orphans.push_back(std::move(item));
        }
    }
    if (!rootFound && found == 0 && !missing.empty()) {
        // No image folder at all: one problem for the file rather than one per image.
        std::vector<std::string> looked;
        for (const auto& c : candidates) looked.push_back(detail::absoluteNormal(c));
        addProblem(d, jsonFile,
                   "image folder not found: none of its " + std::to_string(missing.size()) + " images (such as " +
                       missing.front().second + ") is in " + joinNames(looked));
    } else {
        for (const auto& [where, name] : missing) addProblem(d, where, "image " + name + " not found in " + root);
    }
    for (const auto& key : annotationOrder) {
        if (seen.count(key)) continue;
        addProblem(d, jsonFile, "annotations for image_id " + key + ", which is not in \"images\"");
        DatasetItem orphan;
        orphan.split = split;
        orphan.extra["id"] = json::parse(key);
        orphan.extra["coco_image_missing"] = true;
        for (const auto& a : annotations[key])
            orphan.captions.push_back(a["caption"].is_string() ? a["caption"].get<std::string>() : a["caption"].dump());
        d.m_orphans.push_back(std::move(orphan));
    }
    // Everything but the two lists is written back as read; annotation objects keep their ids.
    json annotationsById = json::object();
    for (auto& [key, list] : annotations) annotationsById[key] = list;
    doc.erase("images");
    doc.erase("annotations");
    file["document"] = std::move(doc);
    file["annotations"] = std::move(annotationsById);
    return file;
}

void DatasetAccess::saveCoco(const CaptionDataset& d) {
    const json& files = d.m_state.at("coco_files");
    for (const json& file : files) {
        // With one file every item is its own; with a train and a val file, an item belongs to the
        // file of its split, and one of another split (an image added by hand) to the first file.
        const std::string split = file.at("split").get<std::string>();
        auto mine = [&](const DatasetItem& item) {
            if (files.size() == 1 || item.split == split) return true;
            for (const json& other : files)
                if (other.at("split").get<std::string>() == item.split) return false;
            return &file == &files.front();
        };
        nlohmann::ordered_json out;
        for (auto it = file.at("document").begin(); it != file.at("document").end(); ++it) out[it.key()] = it.value();
        json images = json::array(), annotations = json::array();
        const json& byId = file.at("annotations");
        long long nextId = 0;
        for (const auto& [key, list] : byId.items())
            for (const auto& a : list)
                if (a.contains("id") && a["id"].is_number_integer())
                    nextId = std::max(nextId, a["id"].get<long long>() + 1);
        auto add = [&](const DatasetItem& item) {
            if (!mine(item)) return;
            if (!item.extra.value("coco_image_missing", false)) {
                json im = item.extra;
                im["file_name"] = item.fileName;
                images.push_back(std::move(im));
            }
            const json id = item.extra.value("id", json());
            const std::string key = id.dump();
            const json existing = byId.contains(key) ? byId[key] : json::array();
            for (size_t k = 0; k < item.captions.size(); ++k) {
                json a = k < existing.size() ? existing[k] : json{{"image_id", id}, {"id", nextId++}};
                a["caption"] = item.captions[k];
                annotations.push_back(std::move(a));
            }
        };
        for (const auto& item : d.m_items) add(item);
        for (const auto& item : d.m_orphans) add(item);
        for (const auto& im : file.value("loose_images", json::array())) images.push_back(im);
        for (const auto& a : file.value("loose_annotations", json::array())) annotations.push_back(a);
        out["images"] = std::move(images);
        out["annotations"] = std::move(annotations);
        detail::replaceWithBackup(file.at("path").get<std::string>(),
                                  out.dump(-1, ' ', false, json::error_handler_t::replace));
    }
}

} // namespace captioner
