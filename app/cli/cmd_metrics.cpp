// `captioner metrics`: WER, ROUGE-L, BLEU-1..4 and CIDEr-D of any caption file against references,
// with the core's definitions (computeCaptionMetrics, what `captioner train` and `captioner eval`
// report, plus coco-caption's BLEU-1..3 and ROUGE_L).
#include "caption_table.h"
#include "command.h"

#include "captioner/error.h"
#include "captioner/metrics.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <unordered_map>

namespace {

using captioner::Error;
using nlohmann::json;

constexpr size_t kExamples = 5; // unmatched keys named in messages

const char* kFileHelp = "JSONL, JSON or CSV file: one image key and caption(s) per row\n"
                        "      key: the first field of image, file_name, image_id, filename, path, file, id (or "
                        "--key-field)\n"
                        "      caption: the first of caption, captions, text, prediction, reference, references, "
                        "sentence\n"
                        "      .json: an array of rows (COCO results) or a COCO captions file ({\"annotations\": "
                        "[...]})";

void define(cli::ArgParser& p) {
    p.addOption(
        "predictions", "FILE",
        std::string(kFileHelp) +
            "\n      One caption per image; rows with an \"error\" and no caption (`captioner caption --out`) are left out");
    p.addOption("references", "FILE",
                std::string(kFileHelp) +
                    "\n      Several captions per image: repeated rows, or a JSON list (JSON: [\"a\", \"b\"]; CSV: "
                    "in a column\n      named captions or references, as a JSON list). The first one is the "
                    "reference of WER and ROUGE-L");
    p.addOption("tokenize", "MODE",
                "coco: the trainer's definitions exactly (WER on the raw words as HF evaluate/jiwer, ROUGE-L\n"
                "      with rouge_score's tokenizer; BLEU, CIDEr-D and ROUGE-L (coco) on coco-caption's PTB-style\n"
                "      tokens). none: every metric on lower-cased (ASCII), whitespace-split words",
                "coco");
    p.addOption("key-field", "NAME", "Image key field in both files, instead of the first known one");
    p.addOption("prediction-field", "NAME", "Caption field of --predictions, instead of the first known one");
    p.addOption("reference-field", "NAME", "Caption field of --references, instead of the first known one");
    p.addFlag("by-name", "Match images by file name (the key's last path component), not the whole key");
    p.addFlag("json", "One JSON object: wer, rouge_l, rouge_l_coco, bleu1..bleu4, cider, count, and the counts");
}

std::string fileNameOf(const std::string& key) {
    const size_t slash = key.find_last_of("/\\");
    return slash == std::string::npos ? key : key.substr(slash + 1);
}

bool isPySpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || (c >= 0x1c && c <= 0x1f);
}

// --tokenize none: lower-case (ASCII), split on whitespace, and write each distinct word as a plain
// token ("w0", "w1", ...) that every tokeniser of the core leaves as it is. The metrics only compare
// words for equality, so they score the words themselves, punctuation included.
class PlainWords {
public:
    std::string operator()(const std::string& caption) {
        std::string out, word;
        auto flush = [&] {
            if (word.empty()) return;
            const auto it = m_ids.try_emplace(word, "w" + std::to_string(m_ids.size())).first;
            out += (out.empty() ? "" : " ") + it->second;
            word.clear();
        };
        for (char c : caption) {
            if (isPySpace(c)) flush();
            else word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
        flush();
        return out;
    }

private:
    std::unordered_map<std::string, std::string> m_ids;
};

std::string examples(const std::vector<std::string>& keys) {
    std::string out;
    for (size_t i = 0; i < std::min(keys.size(), kExamples); ++i) out += (i ? ", " : "") + keys[i];
    if (keys.size() > kExamples) out += ", ...";
    return out;
}

std::string fixed(double v) {
    if (!std::isfinite(v)) return "inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

int run(const cli::ArgParser& p) {
    if (!p.isSet("predictions")) throw cli::UsageError("--predictions FILE is required");
    if (!p.isSet("references")) throw cli::UsageError("--references FILE is required");
    const std::string mode = p.value("tokenize");
    if (mode != "coco" && mode != "none") throw cli::UsageError("--tokenize must be coco or none, not '" + mode + "'");
    const bool byName = p.flag("by-name");
    auto matchKey = [&](const std::string& key) { return byName ? fileNameOf(key) : key; };

    const auto predictions =
        cli::readCaptionTable(p.value("predictions"), p.value("key-field"), p.value("prediction-field"));
    const auto references =
        cli::readCaptionTable(p.value("references"), p.value("key-field"), p.value("reference-field"));

    // References: every caption of an image, rows in file order.
    std::map<std::string, std::vector<std::string>> referenceSets;
    std::map<std::string, std::string> referenceKeys; // match key -> the key as written (for --by-name clashes)
    std::vector<std::string> referenceOrder;
    size_t referenceCaptions = 0;
    for (const auto& row : references.rows) {
        if (row.failed) throw Error(row.where, "no " + references.captionField + " (an error row is no reference)");
        const std::string k = matchKey(row.key);
        const auto [it, added] = referenceKeys.emplace(k, row.key);
        if (!added && it->second != row.key)
            throw Error(row.where, "'" + row.key + "' and '" + it->second +
                                       "' have the same file name; --by-name cannot tell them apart");
        if (added) referenceOrder.push_back(k);
        auto& set = referenceSets[k];
        set.insert(set.end(), row.captions.begin(), row.captions.end());
        referenceCaptions += row.captions.size();
    }

    // Predictions: one caption per image, matched in file order.
    std::vector<std::string> hypotheses, unmatched, failed;
    std::vector<std::vector<std::string>> referenceLists;
    std::map<std::string, std::string> seen; // match key -> where
    for (const auto& row : predictions.rows) {
        const std::string k = matchKey(row.key);
        const auto [it, added] = seen.emplace(k, row.where);
        if (!added)
            throw Error(row.where,
                        "a second prediction for image '" + row.key + "' (the first is at " + it->second + ")");
        if (row.failed) {
            failed.push_back(row.key);
            continue;
        }
        if (row.captions.size() != 1)
            throw Error(row.where, "a prediction must be one caption, found " + std::to_string(row.captions.size()));
        const auto ref = referenceSets.find(k);
        if (ref == referenceSets.end()) {
            unmatched.push_back(row.key);
            continue;
        }
        hypotheses.push_back(row.captions.front());
        referenceLists.push_back(ref->second);
    }
    std::vector<std::string> unscored; // reference images without a prediction
    for (const auto& k : referenceOrder)
        if (!seen.count(k)) unscored.push_back(referenceKeys.at(k));

    if (!failed.empty())
        std::cerr << "captioner metrics: " << failed.size()
                  << " prediction(s) are error rows, left out: " << examples(failed) << "\n";
    if (!unmatched.empty())
        std::cerr << "captioner metrics: " << unmatched.size() << " of " << predictions.rows.size()
                  << " prediction(s) have no reference image in " << p.value("references")
                  << ", left out: " << examples(unmatched) << "\n";
    if (!unscored.empty())
        std::cerr << "captioner metrics: " << unscored.size() << " of " << referenceOrder.size()
                  << " reference image(s) have no prediction: " << examples(unscored) << "\n";
    if (hypotheses.empty() && unmatched.empty())
        throw Error(p.value("predictions"), "no prediction to score (every row is an error row)");
    if (hypotheses.empty())
        throw Error("captioner metrics",
                    "no prediction matches a reference image (predictions keyed by \"" + predictions.keyField +
                        "\", e.g. '" + (predictions.rows.empty() ? "" : predictions.rows.front().key) +
                        "'; references keyed by \"" + references.keyField + "\", e.g. '" + references.rows.front().key +
                        "'" + (byName ? "" : "; --by-name compares file names only") + ")");

    size_t minRefs = referenceLists.front().size(), maxRefs = 0;
    for (const auto& r : referenceLists) {
        minRefs = std::min(minRefs, r.size());
        maxRefs = std::max(maxRefs, r.size());
    }

    if (mode == "none") {
        PlainWords plain;
        for (auto& h : hypotheses) h = plain(h);
        for (auto& set : referenceLists)
            for (auto& r : set) r = plain(r);
    }
    const auto m = captioner::computeCaptionMetrics(hypotheses, referenceLists);
    const auto bleu = captioner::cocoBleu(hypotheses, referenceLists);
    const double rougeCoco = captioner::cocoRougeL(hypotheses, referenceLists);

    if (p.flag("json")) {
        json j{{"wer", cli::jsonNumber(m.wer.wer)},
               {"rouge_l", m.rougeL},
               {"rouge_l_coco", rougeCoco},
               {"bleu1", bleu.bleu[0]},
               {"bleu2", bleu.bleu[1]},
               {"bleu3", bleu.bleu[2]},
               {"bleu4", bleu.bleu[3]},
               {"cider", m.cider},
               {"count", m.count},
               {"tokenize", mode},
               {"predictions", predictions.rows.size()},
               {"predictions_failed", failed.size()},
               {"predictions_unmatched", unmatched.size()},
               {"predictions_unmatched_examples",
                std::vector<std::string>(unmatched.begin(), unmatched.begin() + std::min(unmatched.size(), kExamples))},
               {"reference_images", referenceOrder.size()},
               {"reference_captions", referenceCaptions},
               {"references_without_prediction", unscored.size()},
               {"references_per_image", {{"min", minRefs}, {"max", maxRefs}}},
               {"key_fields", {{"predictions", predictions.keyField}, {"references", references.keyField}}},
               {"wer_counts",
                {{"substitutions", m.wer.substitutions},
                 {"deletions", m.wer.deletions},
                 {"insertions", m.wer.insertions},
                 {"hits", m.wer.hits},
                 {"reference_words", m.wer.referenceWords}}},
               {"bleu_counts",
                {{"testlen", bleu.testLength},
                 {"reflen", bleu.referenceLength},
                 {"guess", bleu.guess},
                 {"correct", bleu.correct}}}};
        std::cout << j.dump() << std::endl;
        return 0;
    }

    const bool coco = mode == "coco";
    std::cout << "Scored " << m.count << " image(s): " << predictions.rows.size() << " prediction row(s), "
              << unmatched.size() << " without a reference, " << failed.size() << " error row(s); " << referenceCaptions
              << " reference caption(s) of " << referenceOrder.size() << " image(s), " << minRefs
              << (minRefs == maxRefs ? "" : "-" + std::to_string(maxRefs)) << " per scored image\n"
              << "Tokenisation: " << mode
              << (coco ? " (the trainer's; see each metric)"
                       : " (lower-cased, whitespace-split words for every metric)")
              << "\n\n";
    auto row = [](const std::string& name, double value, const std::string& how) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "  %-16s %10s", name.c_str(), fixed(value).c_str());
        std::cout << buf << (how.empty() ? "" : "   " + how) << "\n";
    };
    row("WER", m.wer.wer,
        coco ? "first reference; raw words as HF evaluate (case and punctuation count)" : "first reference");
    row("ROUGE-L", m.rougeL,
        coco ? "first reference; rouge_score F1, as `captioner train`/`eval` report" : "first reference; F1");
    row("ROUGE-L (coco)", rougeCoco, "all references; coco-caption's ROUGE_L (beta 1.2)");
    for (size_t n = 0; n < 4; ++n)
        row("BLEU-" + std::to_string(n + 1), bleu.bleu[n],
            n == 0 ? "all references; coco-caption's Bleu, corpus level" : "");
    row("CIDEr-D", m.cider, "all references; coco-caption's CIDEr (CIDEr-D, x10)");
    auto list = [](const std::array<int64_t, 4>& v) {
        return "[" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ", " + std::to_string(v[2]) + ", " +
               std::to_string(v[3]) + "]";
    };
    std::cout << "\n  WER counts: " << m.wer.substitutions << " substitutions, " << m.wer.deletions << " deletions, "
              << m.wer.insertions << " insertions, " << m.wer.referenceWords << " reference words\n"
              << "  BLEU counts: testlen " << bleu.testLength << ", reflen " << bleu.referenceLength << ", guess "
              << list(bleu.guess) << ", correct " << list(bleu.correct) << "\n";
    return 0;
}

cli::CommandRegistrar reg({"metrics", "Score a caption file against references: WER, ROUGE-L, BLEU-1..4, CIDEr-D",
                           define, run});

} // namespace
