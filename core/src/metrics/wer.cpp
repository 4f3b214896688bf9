// Word error rate as HF evaluate's "wer" metric (jiwer), see metrics.h for the exact transform.
#include "captioner/error.h"
#include "captioner/metrics.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace captioner {
namespace {

// Python's str.isspace for ASCII (what jiwer's regex \s and str.strip treat as space here).
bool isPySpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || (c >= 0x1c && c <= 0x1f);
}

// jiwer's default wer transform: RemoveMultipleSpaces (\s\s+ -> ' '), Strip, split on ' '. A single
// tab or newline between words is therefore NOT a word boundary, exactly as in jiwer.
std::vector<std::string> jiwerWords(const std::string& text) {
    std::string collapsed;
    collapsed.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (isPySpace(text[i]) && i + 1 < text.size() && isPySpace(text[i + 1])) {
            while (i < text.size() && isPySpace(text[i])) ++i;
            collapsed.push_back(' ');
        } else {
            collapsed.push_back(text[i++]);
        }
    }
    size_t b = 0, e = collapsed.size();
    while (b < e && isPySpace(collapsed[b])) ++b;
    while (e > b && isPySpace(collapsed[e - 1])) --e;
    std::vector<std::string> words;
    std::string current;
    for (size_t i = b; i < e; ++i) {
        if (collapsed[i] == ' ') {
            if (!current.empty()) words.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(collapsed[i]);
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

void addAlignment(const std::vector<std::string>& ref, const std::vector<std::string>& hyp, WerResult& r) {
    const size_t n = ref.size(), m = hyp.size();
    std::vector<int64_t> d((n + 1) * (m + 1));
    auto at = [&](size_t i, size_t j) -> int64_t& { return d[i * (m + 1) + j]; };
    for (size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<int64_t>(i);
    for (size_t j = 0; j <= m; ++j) at(0, j) = static_cast<int64_t>(j);
    for (size_t i = 1; i <= n; ++i)
        for (size_t j = 1; j <= m; ++j)
            at(i, j) =
                std::min({at(i - 1, j - 1) + (ref[i - 1] == hyp[j - 1] ? 0 : 1), at(i - 1, j) + 1, at(i, j - 1) + 1});
    size_t i = n, j = m;
    while (i > 0 || j > 0) {
        if (i > 0 && j > 0 && at(i, j) == at(i - 1, j - 1) + (ref[i - 1] == hyp[j - 1] ? 0 : 1)) {
            (ref[i - 1] == hyp[j - 1] ? r.hits : r.substitutions) += 1;
            --i;
            --j;
        } else if (i > 0 && at(i, j) == at(i - 1, j) + 1) {
            ++r.deletions;
            --i;
        } else {
            ++r.insertions;
            --j;
        }
    }
    r.referenceWords += static_cast<int64_t>(n);
}

} // namespace

WerResult wordErrorRate(const std::vector<std::string>& predictions, const std::vector<std::string>& references) {
    if (predictions.size() != references.size())
        throw Error("word error rate", std::to_string(predictions.size()) + " predictions but " +
                                           std::to_string(references.size()) + " references");
    WerResult r;
    for (size_t k = 0; k < predictions.size(); ++k)
        addAlignment(jiwerWords(references[k]), jiwerWords(predictions[k]), r);
    const int64_t errors = r.substitutions + r.deletions + r.insertions;
    if (r.referenceWords > 0) r.wer = static_cast<double>(errors) / static_cast<double>(r.referenceWords);
    else r.wer = errors == 0 ? 0.0 : std::numeric_limits<double>::infinity();
    return r;
}

} // namespace captioner
