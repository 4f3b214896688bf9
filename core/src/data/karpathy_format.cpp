// Karpathy split files, as in Karpathy & Fei-Fei's caption_datasets.zip (dataset_coco.json,
// dataset_flickr8k.json, dataset_flickr30k.json): {"images": [{"filepath", "filename", "split",
// "sentences": [{"raw", "tokens", "imgid", "sentid"}, ...], "sentids", "imgid", "cocoid"}, ...],
// "dataset": NAME}. An image's captions are its sentences' "raw" texts in order, all kept (the batch
// loader samples one per image and epoch). Its path is ROOT/filepath/filename (COCO) or
// ROOT/filename (Flickr: no filepath), ROOT being the file's folder or a folder the image archives
// unpack to (images/, Images/, flickr30k-images/, ...) or the folder above.
//
// Splits: "train" -> train, "val" -> validation, "test" -> test, and "restval" -> train: restval
// are the COCO val2014 images outside Karpathy's 5,000 val and 5,000 test images, and everyone using
// these splits trains on them (113,287 COCO training images). The image's own "split" stays in
// DatasetItem::extra, so save() writes "restval" back as read. Image fields other than filename and
// sentences go to extra; save() rewrites the sentences from the captions, keeping each sentence's
// fields and its tokens while its text is unchanged.
#include "data/dataset_access.h"
#include "data/dataset_files.h"

#include "captioner/error.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace captioner {
namespace {

std::string splitOf(const std::string& karpathySplit) {
    if (karpathySplit == "train" || karpathySplit == "restval") return "train";
    if (karpathySplit == "val") return "validation";
    if (karpathySplit == "test") return "test";
    return "";
}

// The path of an image relative to the root: filepath/filename, or filename alone.
std::string relativeName(const json& im) {
    const std::string name = im["filename"].get<std::string>();
    const auto fp = im.find("filepath");
    if (fp == im.end() || !fp->is_string() || fp->get_ref<const std::string&>().empty()) return name;
    return fp->get<std::string>() + "/" + name;
}

bool isImageEntry(const json& im) { return im.is_object() && im.contains("filename") && im["filename"].is_string(); }

json parseKarpathy(const std::string& path) {
    json doc = json::parse(detail::readWholeFile(path), nullptr, false);
    if (doc.is_discarded()) throw Error(path, "not valid JSON");
    if (!doc.is_object() || !doc.contains("images") || !doc["images"].is_array())
        throw Error(path, "not a Karpathy split file (needs an \"images\" list of {filename, split, sentences})");
    return doc;
}

std::vector<std::string> rootCandidates(const std::string& jsonFile) {
    const std::string base = detail::parentOf(detail::absoluteNormal(jsonFile));
    std::vector<std::string> out;
    for (const char* sub : {"", "images", "Images", "flickr30k-images", "flickr30k_images", "Flicker8k_Dataset",
                            "Flickr8k_Dataset", "..", "../images", "../Images"})
        out.push_back(detail::absoluteNormal(detail::joinPaths(base, sub)));
    return out;
}

std::vector<std::string> probeNames(const json& doc) {
    std::vector<std::string> names;
    for (const auto& im : doc["images"]) {
        if (isImageEntry(im)) names.push_back(relativeName(im));
        if (names.size() >= 16) break;
    }
    return names;
}

// Karpathy's tokens: lower case, punctuation dropped. Used for captions that were edited.
json tokensOf(const std::string& caption) {
    json tokens = json::array();
    for (std::string w : detail::splitWords(detail::lowerAscii(caption))) {
        std::string t;
        for (char c : w)
            if (!(c >= '!' && c <= '/') && !(c >= ':' && c <= '@') && !(c >= '[' && c <= '`') &&
                !(c >= '{' && c <= '~'))
                t += c;
        if (!t.empty()) tokens.push_back(t);
    }
    return tokens;
}

} // namespace

bool DatasetAccess::looksLikeKarpathy(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::string head(64 * 1024, '\0');
    in.read(&head[0], std::streamsize(head.size()));
    head.resize(size_t(in.gcount()));
    return head.find("\"images\"") != std::string::npos && head.find("\"sentences\"") != std::string::npos &&
           head.find("\"filename\"") != std::string::npos;
}

std::vector<std::string> DatasetAccess::findKarpathyFiles(const std::string& dir) {
    return findJsonFiles(dir, looksLikeKarpathy);
}

void DatasetAccess::readKarpathyFolder(CaptionDataset& d, const std::string& dir, const std::vector<std::string>& files,
                                       const std::string& imageRoot, const std::string& shownPath) {
    std::string chosen = files.size() == 1 ? files.front() : std::string();
    if (chosen.empty()) {
        // caption_datasets.zip unpacks all three files together: use the one whose images are here.
        std::vector<std::string> matching;
        for (const auto& f : files) {
            std::vector<std::string> candidates = rootCandidates(f);
            if (!imageRoot.empty()) candidates = {imageRoot};
            if (!detail::findImageRoot(candidates, probeNames(parseKarpathy(f))).empty()) matching.push_back(f);
        }
        if (matching.size() != 1)
            throw Error(shownPath, "several Karpathy split files (" + files[0] + ", " + files[1] +
                                       (files.size() > 2 ? ", ..." : "") + ") and " +
                                       (matching.empty() ? "the images of none" : "images of several") +
                                       " of them here; open one of them");
        chosen = matching.front();
    }
    readKarpathy(d, chosen, imageRoot);
    for (const auto& f : files)
        if (f != chosen) addProblem(d, f, "not used: its images are not here (" + chosen + " is used)");
    // COCO's own caption files beside it are not read (their splits are not Karpathy's).
    for (const std::string& folder : {dir, detail::joinPaths(dir, "annotations")}) {
        std::error_code ec;
        std::vector<std::string> unused;
        for (const auto& e : fs::directory_iterator(folder, ec)) {
            const std::string name = detail::lowerAscii(e.path().filename().string());
            if (e.is_regular_file(ec) && name.rfind("captions_", 0) == 0 && e.path().extension() == ".json")
                unused.push_back(e.path().string());
        }
        std::sort(unused.begin(), unused.end());
        for (const auto& f : unused) addProblem(d, f, "not used: the Karpathy split file " + chosen + " is");
    }
}

void DatasetAccess::readKarpathy(CaptionDataset& d, const std::string& jsonFile, const std::string& imageRoot) {
    d.m_format = DatasetFormat::Karpathy;
    d.m_source = detail::absoluteNormal(jsonFile);
    json doc = parseKarpathy(jsonFile);
    const std::vector<std::string> candidates =
        imageRoot.empty() ? rootCandidates(jsonFile) : std::vector<std::string>{detail::absoluteNormal(imageRoot)};
    std::string root = detail::findImageRoot(candidates, probeNames(doc));
    const bool rootFound = !root.empty();
    if (!rootFound) root = candidates.front();
    d.m_root = root;

    json& state = d.m_state;
    state["karpathy_sentences"] = json::object();
    state["loose_images"] = json::array();
    std::vector<std::pair<std::string, std::string>> missing; // where, file name
    size_t found = 0;
    const json& images = doc["images"];
    for (size_t i = 0; i < images.size(); ++i) {
        const json& im = images[i];
        const std::string where = jsonFile + ": images[" + std::to_string(i) + "]";
        if (!isImageEntry(im)) {
            addProblem(d, where, "needs filename; kept unchanged");
            state["loose_images"].push_back(im);
            continue;
        }
        DatasetItem item;
        item.fileName = relativeName(im);
        item.imagePath = detail::absoluteNormal(detail::joinPaths(root, item.fileName));
        const json split = im.value("split", json());
        if (split.is_string()) item.split = splitOf(split.get<std::string>());
        if (item.split.empty())
            addProblem(d, where, "split " + split.dump() + " is not train, restval, val or test; no split");
        for (auto it = im.begin(); it != im.end(); ++it)
            if (it.key() != "filename" && it.key() != "sentences") item.extra[it.key()] = it.value();
        const json sentences = im.value("sentences", json());
        if (!sentences.is_array()) {
            addProblem(d, where, "no \"sentences\" list; no captions");
        } else {
            for (size_t k = 0; k < sentences.size(); ++k) {
                const json& s = sentences[k];
                if (s.is_object() && s.contains("raw") && s["raw"].is_string())
                    item.captions.push_back(s["raw"].get<std::string>());
                else addProblem(d, where + ".sentences[" + std::to_string(k) + "]", "no \"raw\" text; kept unchanged");
            }
            state["karpathy_sentences"][item.fileName] = sentences;
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
        std::string looked;
        for (const auto& c : candidates) looked += (looked.empty() ? "" : ", ") + c;
        addProblem(d, jsonFile,
                   "image folder not found: none of its " + std::to_string(missing.size()) + " images (such as " +
                       missing.front().second + ") is in " + looked);
    } else {
        for (const auto& [where, name] : missing) addProblem(d, where, "image " + name + " not found in " + root);
    }
    doc.erase("images");
    state["karpathy_document"] = std::move(doc);
}

void DatasetAccess::saveKarpathy(const CaptionDataset& d) {
    const json& state = d.m_state;
    const json& sentencesByName = state.at("karpathy_sentences");
    long long nextSentId = 0;
    for (const auto& [name, list] : sentencesByName.items())
        for (const auto& s : list)
            if (s.is_object() && s.contains("sentid") && s["sentid"].is_number_integer())
                nextSentId = std::max(nextSentId, s["sentid"].get<long long>() + 1);

    json images = json::array();
    auto add = [&](const DatasetItem& item) {
        json im = item.extra;
        im["filename"] = fs::path(item.fileName).filename().string();
        const json original = sentencesByName.contains(item.fileName) ? sentencesByName[item.fileName] : json::array();
        json sentences = json::array();
        size_t k = 0;
        for (const auto& s : original) {
            if (!(s.is_object() && s.contains("raw") && s["raw"].is_string())) {
                sentences.push_back(s); // unreadable sentences are kept as they were
                continue;
            }
            if (k >= item.captions.size()) continue; // a caption that was removed
            json n = s;
            if (n["raw"] != item.captions[k]) {
                n["raw"] = item.captions[k];
                if (n.contains("tokens")) n["tokens"] = tokensOf(item.captions[k]);
            }
            sentences.push_back(std::move(n));
            ++k;
        }
        for (; k < item.captions.size(); ++k) {
            json n = {{"raw", item.captions[k]}, {"tokens", tokensOf(item.captions[k])}, {"sentid", nextSentId++}};
            if (im.contains("imgid")) n["imgid"] = im["imgid"];
            sentences.push_back(std::move(n));
        }
        if (im.contains("sentids") && im["sentids"].is_array()) {
            json ids = json::array();
            for (const auto& s : sentences)
                if (s.is_object() && s.contains("sentid")) ids.push_back(s["sentid"]);
            im["sentids"] = std::move(ids);
        }
        im["sentences"] = std::move(sentences);
        images.push_back(std::move(im));
    };
    for (const auto& item : d.m_items) add(item);
    for (const auto& item : d.m_orphans) add(item);
    for (const auto& im : state.value("loose_images", json::array())) images.push_back(im);
    nlohmann::ordered_json out;
    out["images"] = std::move(images);
    for (auto it = state.at("karpathy_document").begin(); it != state.at("karpathy_document").end(); ++it)
        out[it.key()] = it.value();
    detail::replaceWithBackup(d.m_source, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

} // namespace captioner
