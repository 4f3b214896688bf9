// Flickr8k / Flickr30k token files: one caption per line, "name.jpg#N<TAB>caption", several lines
// per image. Images live beside the token file or in one of the folders the official archives
// unpack to; Flickr_8k.{train,test,dev}Images.txt beside the token file give the splits.
#include "data/dataset_access.h"
#include "data/dataset_files.h"

#include "captioner/error.h"

#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using nlohmann::json;

namespace captioner {
namespace {

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string l = text.substr(pos, end - pos);
        if (!l.empty() && l.back() == '\r') l.pop_back();
        out.push_back(std::move(l));
        pos = end + 1;
    }
    return out;
}

} // namespace

std::vector<std::string> DatasetAccess::findFlickrFiles(const std::string& dir) {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = detail::lowerAscii(e.path().filename().string());
        if (e.is_regular_file(ec) && (endsWith(name, ".token.txt") || endsWith(name, ".token")))
            found.push_back(e.path().string());
    }
    std::sort(found.begin(), found.end());
    return found;
}

void DatasetAccess::readFlickr(CaptionDataset& d, const std::string& tokenFile, const std::string& imageRoot) {
    d.m_format = DatasetFormat::Flickr;
    d.m_source = detail::absoluteNormal(tokenFile);
    const std::string base = detail::parentOf(d.m_source);
    bool latin1 = false;
    const std::string text = detail::decodeText(detail::readWholeFile(tokenFile), latin1);
    if (latin1) addProblem(d, tokenFile, "not valid UTF-8; read as Latin-1");

    std::vector<std::string> order;
    std::map<std::string, std::vector<std::string>> captions;
    const auto all = lines(text);
    for (size_t i = 0; i < all.size(); ++i) {
        const std::string& l = all[i];
        if (detail::trim(l).empty()) continue;
        const std::string where = tokenFile + ":" + std::to_string(i + 1);
        const auto tab = l.find('\t');
        if (tab == std::string::npos) {
            addProblem(d, where, "no TAB between image#index and caption; line ignored");
            continue;
        }
        std::string name = l.substr(0, tab);
        if (const auto hash = name.rfind('#'); hash != std::string::npos) name.resize(hash);
        if (name.empty()) {
            addProblem(d, where, "no image name; line ignored");
            continue;
        }
        if (!captions.count(name)) order.push_back(name);
        captions[name].push_back(detail::trim(l.substr(tab + 1)));
    }

    std::vector<std::string> candidates;
    if (!imageRoot.empty()) candidates.push_back(imageRoot);
    for (const char* sub : {"", "Flicker8k_Dataset", "Flickr8k_Dataset", "Images", "images", "flickr30k_images"})
        candidates.push_back(detail::joinPaths(base, sub));
    d.m_root = imageRoot.empty() ? detail::pickImageRoot(candidates, order) : detail::absoluteNormal(imageRoot);

    // Official split lists: Flickr_8k.trainImages.txt and friends.
    std::map<std::string, std::string> splitOf;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(base, ec)) {
        const std::string name = detail::lowerAscii(e.path().filename().string());
        std::string split;
        if (endsWith(name, "trainimages.txt")) split = "train";
        else if (endsWith(name, "testimages.txt")) split = "test";
        else if (endsWith(name, "devimages.txt")) split = "validation";
        if (split.empty()) continue;
        for (const auto& l : lines(detail::readWholeFile(e.path().string())))
            if (!detail::trim(l).empty()) splitOf[detail::trim(l)] = split;
    }

    for (const auto& name : order) {
        DatasetItem item;
        item.fileName = name;
        item.imagePath = detail::absoluteNormal(detail::joinPaths(d.m_root, name));
        item.captions = captions[name];
        if (auto it = splitOf.find(name); it != splitOf.end()) item.split = it->second;
        if (fs::is_regular_file(item.imagePath, ec)) {
            d.m_items.push_back(std::move(item));
        } else {
            addProblem(d, tokenFile, "image " + name + " not found in " + d.m_root);
            d.m_orphans.push_back(std::move(item));
        }
    }
}

void DatasetAccess::saveFlickr(const CaptionDataset& d) {
    std::string out;
    auto add = [&](const DatasetItem& item) {
        for (size_t k = 0; k < item.captions.size(); ++k) {
            std::string c = item.captions[k];
            for (char& ch : c)
                if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
            out += item.fileName + "#" + std::to_string(k) + "\t" + c + "\n";
        }
    };
    for (const auto& item : d.m_items) add(item);
    for (const auto& item : d.m_orphans) add(item);
    detail::replaceWithBackup(d.m_source, out);
}

} // namespace captioner
