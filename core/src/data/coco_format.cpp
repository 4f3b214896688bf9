// COCO captions JSON: "images" [{id, file_name, ...}] and "annotations" [{id, image_id, caption}].
// Image fields other than file_name (id included) become DatasetItem::extra; the rest of the
// document and each annotation's own fields are kept so that save() writes back what was read.
#include "data/dataset_access.h"
#include "data/dataset_files.h"

#include "captioner/error.h"

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
    return doc.is_object() && doc.contains("images") && doc.contains("annotations") && doc["images"].is_array() &&
           doc["annotations"].is_array();
}

std::string splitFromName(const std::string& fileName) {
    const std::string n = detail::lowerAscii(fileName);
    if (n.find("train") != std::string::npos) return "train";
    if (n.find("test") != std::string::npos) return "test";
    if (n.find("val") != std::string::npos) return "validation";
    return "";
}

} // namespace

std::vector<std::string> DatasetAccess::findCocoFiles(const std::string& dir) {
    std::vector<std::string> found;
    for (const std::string& folder : {dir, detail::joinPaths(dir, "annotations")}) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) continue;
        for (const auto& e : fs::directory_iterator(folder, ec))
            if (e.is_regular_file(ec) && detail::lowerAscii(e.path().extension().string()) == ".json" &&
                looksLikeCoco(e.path().string()))
                found.push_back(e.path().string());
    }
    std::sort(found.begin(), found.end());
    return found;
}

void DatasetAccess::readCoco(CaptionDataset& d, const std::string& jsonFile, const std::string& imageRoot) {
    d.m_format = DatasetFormat::Coco;
    d.m_source = detail::absoluteNormal(jsonFile);
    json doc = json::parse(detail::readWholeFile(jsonFile), nullptr, false);
    if (doc.is_discarded()) throw Error(jsonFile, "not valid JSON");
    if (!doc.is_object() || !doc.contains("images") || !doc["images"].is_array() || !doc.contains("annotations") ||
        !doc["annotations"].is_array())
        throw Error(jsonFile, "not a COCO captions file (needs \"images\" and \"annotations\" lists)");

    const std::string split = splitFromName(fs::path(jsonFile).stem().string());
    std::vector<std::string> names;
    for (const auto& im : doc["images"])
        if (im.is_object() && im.contains("file_name") && im["file_name"].is_string()) names.push_back(im["file_name"]);
    const std::string base = detail::parentOf(d.m_source);
    const std::string stem = fs::path(jsonFile).stem().string(); // captions_train2017 -> train2017
    const std::string setName = stem.rfind("captions_", 0) == 0 ? stem.substr(9) : stem;
    std::vector<std::string> candidates;
    if (!imageRoot.empty()) candidates.push_back(imageRoot);
    for (const std::string& c :
         {base, base + "/images", base + "/" + setName, base + "/../" + setName, base + "/../images", base + "/.."})
        candidates.push_back(c);
    d.m_root = imageRoot.empty() ? detail::pickImageRoot(candidates, names) : detail::absoluteNormal(imageRoot);

    // Annotations grouped by image id (as its JSON text, so 7 and "7" stay distinct), in file order.
    std::map<std::string, std::vector<json>> annotations;
    std::vector<std::string> annotationOrder;
    const auto& anns = doc["annotations"];
    for (size_t i = 0; i < anns.size(); ++i) {
        const json& a = anns[i];
        const std::string where = jsonFile + ": annotations[" + std::to_string(i) + "]";
        if (!a.is_object() || !a.contains("image_id") || !a.contains("caption")) {
            addProblem(d, where, "needs image_id and caption; kept unchanged");
            d.m_state["loose_annotations"].push_back(a);
            continue;
        }
        const std::string key = a["image_id"].dump();
        if (!annotations.count(key)) annotationOrder.push_back(key);
        annotations[key].push_back(a);
    }

    std::map<std::string, bool> seen;
    const auto& images = doc["images"];
    for (size_t i = 0; i < images.size(); ++i) {
        const json& im = images[i];
        const std::string where = jsonFile + ": images[" + std::to_string(i) + "]";
        if (!im.is_object() || !im.contains("file_name") || !im["file_name"].is_string() || !im.contains("id")) {
            addProblem(d, where, "needs id and file_name; kept unchanged");
            d.m_state["loose_images"].push_back(im);
            continue;
        }
        DatasetItem item;
        item.fileName = im["file_name"];
        item.imagePath = detail::absoluteNormal(detail::joinPaths(d.m_root, item.fileName));
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
            d.m_items.push_back(std::move(item));
        } else {
            addProblem(d, where, "image " + item.fileName + " not found in " + d.m_root);
            d.m_orphans.push_back(std::move(item));
        }
    }
    for (const auto& key : annotationOrder) {
        if (seen.count(key)) continue;
        addProblem(d, jsonFile, "annotations for image_id " + key + ", which is not in \"images\"");
        DatasetItem orphan;
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
    d.m_state["coco_document"] = std::move(doc);
    d.m_state["coco_annotations"] = std::move(annotationsById);
}

void DatasetAccess::saveCoco(const CaptionDataset& d) {
    const json& state = d.m_state;
    nlohmann::ordered_json out;
    for (auto it = state.at("coco_document").begin(); it != state.at("coco_document").end(); ++it)
        out[it.key()] = it.value();
    json images = json::array(), annotations = json::array();
    const json& byId = state.at("coco_annotations");
    long long nextId = 0;
    for (const auto& [key, list] : byId.items())
        for (const auto& a : list)
            if (a.contains("id") && a["id"].is_number_integer())
                nextId = std::max(nextId, a["id"].get<long long>() + 1);
    auto add = [&](const DatasetItem& item) {
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
    for (const auto& im : state.value("loose_images", json::array())) images.push_back(im);
    for (const auto& a : state.value("loose_annotations", json::array())) annotations.push_back(a);
    out["images"] = std::move(images);
    out["annotations"] = std::move(annotations);
    detail::replaceWithBackup(d.m_source, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

} // namespace captioner
