// Captions a model made elsewhere, read back for review: `captioner caption --json` / `--out` lines, the
// Caption page's CSV and JSON Lines exports, and the match of their image paths to a dataset's images.
#include "captioner/caption_import.h"

#include "captioner/csv.h"
#include "captioner/error.h"

#include "../util/file_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <unordered_map>

namespace captioner {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string lowerAscii(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

std::string trimmed(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

bool isBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

double jsonConfidence(const json& v, const std::string& where, const std::string& what) {
    // The message quotes the value as the file writes it.
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0 || v.get<double>() > 1)
        throw Error(where, what + " is " + v.dump() + ", not a number from 0 to 1");
    return v.get<double>();
}

std::vector<ReviewWord> jsonWords(const json& words, const std::string& where) {
    if (!words.is_array()) throw Error(where, "\"words\" is not a list of {\"word\", \"confidence\"} objects");
    std::vector<ReviewWord> out;
    out.reserve(words.size());
    for (std::size_t i = 0; i < words.size(); ++i) {
        const json& w = words[i];
        const std::string what = "words[" + std::to_string(i) + "]";
        if (!w.is_object() || !w.contains("word") || !w["word"].is_string() || !w.contains("confidence"))
            throw Error(where, what + " is not a {\"word\", \"confidence\"} object");
        out.push_back({w["word"].get<std::string>(), jsonConfidence(w["confidence"], where, what + ".confidence")});
    }
    return out;
}

ImportedCaption fromObject(const json& j, const std::string& where) {
    if (!j.is_object()) throw Error(where, "not a JSON object (expected {\"image\", \"caption\", ...})");
    ImportedCaption c;
    c.where = where;
    const auto image = j.find("image");
    if (image == j.end() || !image->is_string() || image->get<std::string>().empty())
        throw Error(where, "no \"image\" (the image's path as a string)");
    c.image = image->get<std::string>();
    const auto error = j.find("error");
    if (error != j.end() && !error->is_null()) {
        if (!error->is_string()) throw Error(where, "\"error\" is not a string");
        c.error = error->get<std::string>();
    }
    const auto caption = j.find("caption");
    if (c.error.empty()) {
        if (caption == j.end() || !caption->is_string())
            throw Error(where, "no \"caption\" string (nor an \"error\" saying why there is none)");
        c.caption = caption->get<std::string>();
    }
    const auto confidence = j.find("confidence");
    if (confidence != j.end() && !confidence->is_null())
        c.confidence = jsonConfidence(*confidence, where, "\"confidence\"");
    const auto words = j.find("words");
    if (words != j.end() && !words->is_null()) c.words = jsonWords(*words, where);
    if (c.failed()) {
        c.confidence = -1;
        c.words.clear();
    }
    return c;
}

json parseJson(const std::string& text, const std::string& where) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw Error(where, std::string("not valid JSON (") + e.what() + ")");
    }
}

std::vector<ImportedCaption> parseJsonLines(const std::string& text, const std::string& name) {
    std::vector<ImportedCaption> out;
    std::size_t start = 0, line = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        ++line;
        const std::string row = text.substr(start, end - start);
        if (!isBlank(row)) {
            const std::string where = name + ":" + std::to_string(line);
            out.push_back(fromObject(parseJson(row, where), where));
        }
        start = end + 1;
    }
    return out;
}

std::vector<ImportedCaption> parseJsonArray(const std::string& text, const std::string& name) {
    const json doc = parseJson(text, name);
    if (!doc.is_array()) throw Error(name, "not a JSON array of caption objects");
    std::vector<ImportedCaption> out;
    for (std::size_t i = 0; i < doc.size(); ++i)
        out.push_back(fromObject(doc[i], name + ": entry " + std::to_string(i + 1)));
    return out;
}

double csvConfidence(const std::string& cell, const std::string& where) {
    const std::string s = trimmed(cell);
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) || v < 0 || v > 1)
        throw Error(where, "confidence \"" + cell + "\" is not a number from 0 to 1");
    return v;
}

std::vector<ImportedCaption> parseCsvCaptions(const std::string& text, const std::string& name) {
    const std::vector<CsvRecord> records = parseCsv(text, name);
    std::size_t first = 0;
    while (first < records.size() && std::all_of(records[first].fields.begin(), records[first].fields.end(), isBlank))
        ++first;
    if (first == records.size()) throw Error(name, "holds no captions");
    const CsvRecord& header = records[first];
    int image = -1, caption = -1, confidence = -1, error = -1, words = -1;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string f = lowerAscii(trimmed(header.fields[i]));
        int* column = f == "image"        ? &image
                      : f == "caption"    ? &caption
                      : f == "confidence" ? &confidence
                      : f == "error"      ? &error
                      : f == "words"      ? &words
                                          : nullptr;
        if (column && *column < 0) *column = static_cast<int>(i);
    }
    const std::string headerWhere = name + ":" + std::to_string(header.line);
    if (image < 0 || caption < 0)
        throw Error(headerWhere, std::string("the header has no ") + (image < 0 ? "image" : "caption") +
                                     " column (a caption file's header is image,caption[,seconds,error,confidence])");
    std::vector<ImportedCaption> out;
    for (std::size_t r = first + 1; r < records.size(); ++r) {
        const CsvRecord& rec = records[r];
        if (std::all_of(rec.fields.begin(), rec.fields.end(), isBlank)) continue;
        const std::string where = name + ":" + std::to_string(rec.line);
        if (rec.fields.size() != header.fields.size())
            throw Error(where, "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                                   std::to_string(header.fields.size()));
        ImportedCaption c;
        c.where = where;
        c.image = rec.fields[static_cast<std::size_t>(image)];
        if (c.image.empty()) throw Error(where, "the image cell is empty");
        if (error >= 0) c.error = rec.fields[static_cast<std::size_t>(error)];
        if (c.failed()) {
            out.push_back(std::move(c));
            continue;
        }
        c.caption = rec.fields[static_cast<std::size_t>(caption)];
        if (confidence >= 0 && !isBlank(rec.fields[static_cast<std::size_t>(confidence)]))
            c.confidence = csvConfidence(rec.fields[static_cast<std::size_t>(confidence)], where);
        if (words >= 0 && !isBlank(rec.fields[static_cast<std::size_t>(words)]))
            c.words = jsonWords(parseJson(rec.fields[static_cast<std::size_t>(words)], where), where);
        out.push_back(std::move(c));
    }
    return out;
}

// A path's components, lexically normal, without root, "." and ".."; backslashes split too.
std::vector<std::string> components(std::string path) {
    std::replace(path.begin(), path.end(), '\\', '/');
    std::vector<std::string> out;
    for (const fs::path& part : fs::path(path).lexically_normal().relative_path()) {
        const std::string s = part.string();
        if (s.empty() || s == "." || s == "..") continue;
        out.push_back(s);
    }
    return out;
}

std::string joinTail(const std::vector<std::string>& parts, std::size_t count) {
    std::string out;
    for (std::size_t i = parts.size() - count; i < parts.size(); ++i) {
        if (!out.empty()) out += '/';
        out += parts[i];
    }
    return out;
}

} // namespace

std::vector<ImportedCaption> parseImportedCaptions(const std::string& text, const std::string& name) {
    std::string body = text;
    if (body.rfind("\xEF\xBB\xBF", 0) == 0) body.erase(0, 3); // a UTF-8 byte-order mark
    const auto firstChar = body.find_first_not_of(" \t\r\n");
    if (firstChar == std::string::npos) throw Error(name, "holds no captions");
    const std::string ext = lowerAscii(fs::path(name).extension().string());
    std::vector<ImportedCaption> out;
    if (body[firstChar] == '[') out = parseJsonArray(body, name);
    else if (body[firstChar] == '{' || ext == ".json" || ext == ".jsonl" || ext == ".ndjson")
        out = parseJsonLines(body, name);
    else out = parseCsvCaptions(body, name);
    if (out.empty()) throw Error(name, "holds no captions");
    return out;
}

std::vector<ImportedCaption> readImportedCaptions(const std::string& path) {
    return parseImportedCaptions(detail::readWholeFile(path), path);
}

std::vector<ImageMatch> matchDatasetImages(const CaptionDataset& dataset, const std::vector<std::string>& names,
                                           const std::string& baseFolder) {
    const auto& items = dataset.items();
    std::unordered_map<std::string, std::size_t> byPath;              // normal absolute path -> item
    std::unordered_map<std::string, std::size_t> byKey;               // relative path ("train/a.png") -> item
    std::unordered_map<std::string, std::vector<std::size_t>> byTail; // its shorter trailing parts -> items
    std::size_t deepest = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        byPath.emplace(fs::path(items[i].imagePath).lexically_normal().string(), i);
        const std::vector<std::string> parts = components(ReviewStore::keyFor(dataset, items[i]));
        if (parts.empty()) continue;
        deepest = std::max(deepest, parts.size());
        byKey.emplace(joinTail(parts, parts.size()), i);
        for (std::size_t k = 1; k < parts.size(); ++k) byTail[joinTail(parts, k)].push_back(i);
    }
    const auto absolute = [](const fs::path& p) {
        std::error_code ec;
        const fs::path a = fs::absolute(p, ec);
        return (ec ? p : a).lexically_normal().string();
    };

    std::vector<ImageMatch> out;
    out.reserve(names.size());
    for (const std::string& name : names) {
        ImageMatch m;
        const fs::path p(name);
        std::vector<std::string> candidates;
        if (p.is_absolute()) candidates.push_back(p.lexically_normal().string());
        else {
            if (!baseFolder.empty()) candidates.push_back(absolute(fs::path(baseFolder) / p));
            if (!dataset.root().empty()) candidates.push_back(absolute(fs::path(dataset.root()) / p));
        }
        for (const std::string& c : candidates) {
            const auto it = byPath.find(c);
            if (it == byPath.end()) continue;
            m = {ImageMatch::How::Path, it->second};
            break;
        }
        if (!m.found()) {
            const std::vector<std::string> parts = components(name);
            // The longest trailing part of the name that is an image's whole relative path.
            std::size_t common = 0, item = 0;
            for (std::size_t k = std::min(parts.size(), deepest); k >= 1 && common == 0; --k) {
                const auto it = byKey.find(joinTail(parts, k));
                if (it != byKey.end()) {
                    common = k;
                    item = it->second;
                }
            }
            if (!parts.empty() && common < parts.size()) {
                // All of the name is the end of deeper relative paths: more in common when unique.
                const auto it = byTail.find(joinTail(parts, parts.size()));
                if (it != byTail.end()) {
                    if (it->second.size() == 1) {
                        common = parts.size();
                        item = it->second.front();
                    } else {
                        common = 0;
                        m.how = ImageMatch::How::Ambiguous;
                    }
                }
            }
            if (common > 0) m = {ImageMatch::How::RelativePath, item};
            else if (m.how != ImageMatch::How::Ambiguous && parts.size() > 1) {
                // Only the file name: one image at the root or deeper with it, and no other.
                const std::string& file = parts.back();
                std::size_t count = 0;
                const auto key = byKey.find(file);
                if (key != byKey.end()) {
                    ++count;
                    item = key->second;
                }
                const auto tail = byTail.find(file);
                if (tail != byTail.end()) {
                    count += tail->second.size();
                    item = tail->second.front();
                }
                if (count == 1) m = {ImageMatch::How::FileName, item};
                else if (count > 1) m.how = ImageMatch::How::Ambiguous;
            }
        }
        out.push_back(m);
    }
    return out;
}

} // namespace captioner
