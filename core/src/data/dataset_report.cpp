#include "captioner/dataset_report.h"

#include "captioner/error.h"
#include "captioner/image_io.h"
#include "captioner/image_source.h"
#include "data/dataset_files.h"
#include "data/parallel_for.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace captioner {
namespace {

LengthStats statsOf(std::vector<std::size_t> v) {
    LengthStats s;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    s.min = v.front();
    s.max = v.back();
    double sum = 0;
    for (auto x : v) sum += double(x);
    s.mean = sum / double(v.size());
    const std::size_t n = v.size();
    s.median = n % 2 ? double(v[n / 2]) : (double(v[n / 2 - 1]) + double(v[n / 2])) / 2.0;
    return s;
}

// FNV-1a over the whole file (or Parquet row); "" when it cannot be read (the image check reports that).
std::string contentHash(const std::string& path) {
    std::uint64_t h = 1469598103934665603ULL;
    if (isEmbeddedImageRef(path)) {
        try {
            for (std::uint8_t b : readEmbeddedImage(path)) {
                h ^= b;
                h *= 1099511628211ULL;
            }
        } catch (const Error&) {
            return "";
        }
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) return "";
        char buf[1 << 16];
        while (in) {
            in.read(buf, sizeof buf);
            for (std::streamsize i = 0; i < in.gcount(); ++i) {
                h ^= std::uint8_t(buf[i]);
                h *= 1099511628211ULL;
            }
        }
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
    return text;
}

json statsJson(const LengthStats& s) {
    return {{"min", s.min}, {"mean", s.mean}, {"median", s.median}, {"max", s.max}};
}

json problemsJson(const std::vector<DatasetProblem>& list) {
    json a = json::array();
    for (const auto& p : list) a.push_back({{"file", p.file}, {"reason", p.reason}});
    return a;
}

} // namespace

std::string checkImageFile(const std::string& path, bool decode) {
    try {
        const ImageInfo info = probeImage(path);
        if (info.width <= 0 || info.height <= 0) return "image header gives no size";
        const std::uint64_t pixels = std::uint64_t(info.width) * std::uint64_t(info.height);
        if (pixels > kMaxImagePixels)
            return "image is " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                   " pixels, over the limit of " + std::to_string(kMaxImagePixels) + "; not decoded";
        if (decode) decodeImageRgb(path);
        return "";
    } catch (const Error& e) {
        return e.reason();
    } catch (const std::exception& e) {
        return e.what();
    }
}

DatasetReport buildReport(const CaptionDataset& dataset, bool decodeImages, int threads) {
    ReportOptions o;
    o.decodeImages = decodeImages;
    o.threads = threads;
    return buildReport(dataset, o);
}

DatasetReport buildReport(const CaptionDataset& dataset, const ReportOptions& options) {
    DatasetReport r;
    r.format = dataset.format();
    r.source = dataset.source();
    r.problems = dataset.problems();
    const auto& items = dataset.items();
    r.images = items.size();

    std::vector<std::size_t> words, chars;
    for (const auto& item : items) {
        r.captions += item.captions.size();
        for (const auto& c : item.captions) {
            words.push_back(detail::splitWords(c).size());
            chars.push_back(detail::codePointCount(c));
        }
        if (item.captions.empty()) r.missingCaptions.push_back(item.fileName);
        ++r.splits[item.split.empty() ? "train" : item.split];
    }
    r.words = statsOf(words);
    r.chars = statsOf(chars);
    for (const auto& o : dataset.orphans()) r.orphanCaptions.push_back(o.fileName);

    std::vector<std::string> reasons(items.size());
    if (!detail::parallelFor(
            items.size(), options.threads,
            [&](std::size_t i) { reasons[i] = checkImageFile(items[i].imagePath, options.decodeImages); },
            options.progress, options.shouldCancel))
        throw Error(dataset.source(), "report cancelled");
    for (std::size_t i = 0; i < items.size(); ++i)
        if (!reasons[i].empty()) r.unreadable.push_back({items[i].fileName, reasons[i]});

    // Duplicates: the same path twice, then equal bytes among files of equal size.
    std::map<std::string, std::vector<std::size_t>> byPath;
    for (std::size_t i = 0; i < items.size(); ++i) byPath[items[i].imagePath].push_back(i);
    std::vector<std::pair<std::size_t, DuplicateGroup>> groups; // keyed by first item, for item order
    std::map<std::uintmax_t, std::vector<std::string>> bySize;
    for (const auto& [path, list] : byPath) {
        if (list.size() > 1) {
            DuplicateGroup g{"listed twice", {}};
            for (auto i : list) g.files.push_back(items[i].fileName);
            groups.push_back({list.front(), g});
        }
        std::error_code ec;
        std::uintmax_t size = 0;
        if (isEmbeddedImageRef(path)) {
            try {
                size = readEmbeddedImage(path).size();
            } catch (const Error&) {
                ec = std::make_error_code(std::errc::io_error);
            }
        } else {
            size = fs::file_size(path, ec);
        }
        if (!ec && size > 0) bySize[size].push_back(path);
    }
    for (const auto& [size, paths] : bySize) {
        if (paths.size() < 2) continue;
        std::map<std::string, std::vector<std::string>> byHash;
        for (const auto& p : paths)
            if (auto h = contentHash(p); !h.empty()) byHash[h].push_back(p);
        for (const auto& [hash, same] : byHash) {
            if (same.size() < 2) continue;
            DuplicateGroup g{"same content", {}};
            std::size_t first = items.size();
            for (const auto& p : same) {
                g.files.push_back(items[byPath[p].front()].fileName);
                first = std::min(first, byPath[p].front());
            }
            groups.push_back({first, g});
        }
    }
    std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& g : groups) r.duplicates.push_back(std::move(g.second));
    return r;
}

json DatasetReport::toJson() const {
    json dup = json::array();
    for (const auto& g : duplicates) dup.push_back({{"kind", g.kind}, {"files", g.files}});
    json sp = json::object();
    for (const auto& [k, v] : splits) sp[k] = v;
    return {{"format", formatName(format)},
            {"source", source},
            {"images", images},
            {"captions", captions},
            {"caption_words", statsJson(words)},
            {"caption_chars", statsJson(chars)},
            {"unreadable", problemsJson(unreadable)},
            {"missing_captions", missingCaptions},
            {"orphan_captions", orphanCaptions},
            {"duplicates", dup},
            {"splits", sp},
            {"problems", problemsJson(problems)}};
}

std::string DatasetReport::toText() const {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(1);
    s << "Dataset: " << source << " (" << formatName(format) << ")\n";
    s << "Images: " << images << ", captions: " << captions << "\n";
    s << "Splits:";
    for (const auto& [k, v] : splits) s << ' ' << k << '=' << v;
    s << "\n";
    if (captions) {
        s << "Caption words: min " << words.min << ", mean " << words.mean << ", median " << words.median << ", max "
          << words.max << "\n";
        s << "Caption characters: min " << chars.min << ", mean " << chars.mean << ", median " << chars.median
          << ", max " << chars.max << "\n";
    }
    auto list = [&](const char* title, const std::vector<std::string>& v) {
        s << title << ": " << v.size() << "\n";
        for (const auto& f : v) s << "  " << f << "\n";
    };
    s << "Unreadable images: " << unreadable.size() << "\n";
    for (const auto& p : unreadable) s << "  " << p.file << ": " << p.reason << "\n";
    list("Images without captions", missingCaptions);
    list("Captions without images", orphanCaptions);
    s << "Duplicates: " << duplicates.size() << "\n";
    for (const auto& g : duplicates) {
        s << "  " << g.kind << ":";
        for (const auto& f : g.files) s << ' ' << f;
        s << "\n";
    }
    s << "Problems while reading: " << problems.size() << "\n";
    for (const auto& p : problems) s << "  " << p.file << ": " << p.reason << "\n";
    return s.str();
}

} // namespace captioner
