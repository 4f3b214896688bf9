#include "captioner/review_store.h"

#include "captioner/atomic_file.h"
#include "captioner/caption_search.h"
#include "captioner/error.h"
#include "captioner/csv.h"
#include "data/dataset_files.h"

#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace captioner {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string dumpLine(const ordered_json& j) {
    // Captions read as Latin-1 are already UTF-8 here; `replace` only guards against bytes that are not.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

const std::string& firstCaption(const DatasetItem& item) {
    static const std::string none;
    return item.captions.empty() ? none : item.captions.front();
}

} // namespace

std::string toString(ReviewStatus status) {
    switch (status) {
    case ReviewStatus::Unreviewed: return "unreviewed";
    case ReviewStatus::Accepted: return "accepted";
    case ReviewStatus::Edited: return "edited";
    case ReviewStatus::Flagged: return "flagged";
    }
    return "unreviewed";
}

ReviewStatus parseReviewStatus(const std::string& name) {
    for (ReviewStatus s :
         {ReviewStatus::Unreviewed, ReviewStatus::Accepted, ReviewStatus::Edited, ReviewStatus::Flagged})
        if (toString(s) == name) return s;
    throw Error(name, "unknown review status (expected unreviewed, accepted, edited or flagged)");
}

std::string ReviewStore::defaultPath(const CaptionDataset& dataset) {
    return detail::joinPaths(dataset.root(), "review.jsonl");
}

std::string ReviewStore::keyFor(const CaptionDataset& dataset, const DatasetItem& item) {
    const std::string rel = detail::relativeInside(item.imagePath, dataset.root());
    return rel.empty() ? item.fileName : rel;
}

ReviewStore ReviewStore::load(const std::string& path) {
    ReviewStore store(path);
    std::error_code ec;
    if (!fs::exists(path, ec)) return store;
    const std::string text = detail::readWholeFile(path);
    std::istringstream lines(text);
    std::string line;
    for (std::size_t number = 1; std::getline(lines, line); ++number) {
        if (detail::trim(line).empty()) continue;
        const std::string where = path + ":" + std::to_string(number);
        try {
            const nlohmann::json j = nlohmann::json::parse(line);
            const std::string key = j.at("file").get<std::string>();
            if (key.empty()) throw Error(where, "empty \"file\"");
            ReviewEntry e;
            e.status = parseReviewStatus(j.at("status").get<std::string>());
            e.reason = j.value("reason", std::string());
            e.caption = j.value("caption", std::string());
            e.reviewedAt = j.value("reviewed_at", std::string());
            if (j.contains("confidence") && !j.at("confidence").is_null()) {
                e.confidence = j.at("confidence").get<double>();
                if (!(e.confidence >= 0 && e.confidence <= 1))
                    throw Error(where, "\"confidence\" must be between 0 and 1");
                e.modelCaption = j.value("model_caption", std::string());
                for (const auto& w : j.value("words", nlohmann::json::array()))
                    e.words.push_back({w.at("word").get<std::string>(), w.at("confidence").get<double>()});
            }
            store.set(key, e); // a later line for the same image wins, as appending would intend
        } catch (const std::exception& e) {
            store.m_problems.push_back({where, std::string("ignored line: ") + e.what()});
        }
    }
    return store;
}

ReviewEntry ReviewStore::entry(const std::string& key) const {
    const auto it = m_entries.find(key);
    return it == m_entries.end() ? ReviewEntry{} : it->second;
}

void ReviewStore::set(const std::string& key, const ReviewEntry& entry) {
    if (entry.status == ReviewStatus::Unreviewed && !entry.hasModelConfidence()) m_entries.erase(key);
    else m_entries[key] = entry;
}

std::string ReviewStore::serialize() const {
    std::string out;
    for (const auto& [key, e] : m_entries) {
        ordered_json j;
        j["file"] = key;
        j["status"] = toString(e.status);
        j["reason"] = e.reason;
        j["caption"] = e.caption;
        j["reviewed_at"] = e.reviewedAt;
        if (e.hasModelConfidence()) {
            j["model_caption"] = e.modelCaption;
            j["confidence"] = e.confidence;
            ordered_json words = ordered_json::array();
            for (const auto& w : e.words) words.push_back({{"word", w.word}, {"confidence", w.confidence}});
            j["words"] = words;
        }
        out += dumpLine(j);
    }
    return out;
}

void ReviewStore::save() const {
    if (m_path.empty()) throw Error("review", "the review store has no file");
    writeFileAtomically(m_path, serialize());
}

std::string utcTimestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

void exportReviewCsv(const std::string& path, const CaptionDataset& dataset, const ReviewStore& store) {
    std::string out = formatCsvRecord({"file", "status", "reason", "caption", "caption_chars", "reviewed_at"});
    for (const DatasetItem& item : dataset.items()) {
        const ReviewEntry e = store.entry(ReviewStore::keyFor(dataset, item));
        const std::string& caption = firstCaption(item);
        out += formatCsvRecord({ReviewStore::keyFor(dataset, item), toString(e.status), e.reason, caption,
                                std::to_string(captionLength(caption)), e.reviewedAt});
    }
    writeFileAtomically(path, out);
}

void exportReviewJsonl(const std::string& path, const CaptionDataset& dataset, const ReviewStore& store) {
    std::string out;
    for (const DatasetItem& item : dataset.items()) {
        const ReviewEntry e = store.entry(ReviewStore::keyFor(dataset, item));
        const std::string& caption = firstCaption(item);
        ordered_json j;
        j["file"] = ReviewStore::keyFor(dataset, item);
        j["status"] = toString(e.status);
        j["reason"] = e.reason;
        j["caption"] = caption;
        j["caption_chars"] = captionLength(caption);
        j["reviewed_at"] = e.reviewedAt;
        out += dumpLine(j);
    }
    writeFileAtomically(path, out);
}

} // namespace captioner
