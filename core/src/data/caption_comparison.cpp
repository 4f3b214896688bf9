#include "captioner/caption_comparison.h"

#include "captioner/atomic_file.h"
#include "captioner/csv.h"
#include "captioner/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace captioner {

namespace {

std::string confidenceText(double c) {
    if (c < 0) return {};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", c);
    return buf;
}

nlohmann::json confidenceJson(double c) { return c < 0 ? nlohmann::json(nullptr) : nlohmann::json(c); }

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && std::equal(tail.rbegin(), tail.rend(), s.rbegin(), [](char a, char b) {
               return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b;
           });
}

} // namespace

std::string comparisonCsv(const std::vector<ComparisonRow>& rows) {
    std::string out = formatCsvRecord({"image", "references", "caption_a", "caption_b", "confidence_a", "confidence_b",
                                       "differs", "error_a", "error_b"});
    for (const auto& r : rows)
        out += formatCsvRecord({r.image, dump(nlohmann::json(r.references)), r.captionA, r.captionB,
                                confidenceText(r.confidenceA), confidenceText(r.confidenceB),
                                r.differs() ? "true" : "false", r.errorA, r.errorB});
    return out;
}

std::string comparisonJsonl(const std::vector<ComparisonRow>& rows) {
    std::string out;
    for (const auto& r : rows) {
        nlohmann::json j;
        j["image"] = r.image;
        j["references"] = r.references;
        j["caption_a"] = r.captionA;
        j["caption_b"] = r.captionB;
        j["confidence_a"] = confidenceJson(r.confidenceA);
        j["confidence_b"] = confidenceJson(r.confidenceB);
        j["differs"] = r.differs();
        j["error_a"] = r.errorA;
        j["error_b"] = r.errorB;
        out += dump(j) + "\n";
    }
    return out;
}

void writeComparison(const std::string& path, const std::vector<ComparisonRow>& rows) {
    if (endsWith(path, ".csv")) return writeFileAtomically(path, comparisonCsv(rows));
    if (endsWith(path, ".jsonl") || endsWith(path, ".json")) return writeFileAtomically(path, comparisonJsonl(rows));
    throw Error(path, "unknown export format: name the file .csv or .jsonl");
}

int WordDiff::changedCountA() const { return static_cast<int>(std::count(changedA.begin(), changedA.end(), true)); }
int WordDiff::changedCountB() const { return static_cast<int>(std::count(changedB.begin(), changedB.end(), true)); }

WordDiff diffWords(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    // lcs[i][j]: length of the LCS of a[i..] and b[j..]; walking forward from (0, 0) and matching
    // whenever a match keeps the optimum takes the earliest matches in a.
    const size_t n = a.size(), m = b.size();
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    WordDiff d;
    d.changedA.assign(n, true);
    d.changedB.assign(m, true);
    size_t i = 0, j = 0;
    while (i < n && j < m) {
        if (a[i] == b[j] && lcs[i][j] == lcs[i + 1][j + 1] + 1) {
            d.changedA[i++] = false;
            d.changedB[j++] = false;
        } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
            ++i;
        } else {
            ++j;
        }
    }
    return d;
}

std::vector<std::string> splitWords(const std::string& caption) {
    std::vector<std::string> words;
    std::string word;
    for (char c : caption) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word.push_back(c);
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

} // namespace captioner
