#pragma once
// Two models' captions of the same images, side by side: the rows that `captioner compare` and the
// app's compare view export, and the word-level difference between two captions that the app
// highlights. No LibTorch.
#include <string>
#include <vector>

namespace captioner {

struct ComparisonRow {
    std::string image;
    std::vector<std::string> references; // empty for images without a dataset's references
    std::string captionA, captionB;
    double confidenceA = -1, confidenceB = -1; // the captions' confidences; -1: unknown
    std::string errorA, errorB;                // why a model could not caption the image ("" when it did)
    bool differs() const { return captionA != captionB || errorA != errorB; }
};

// One row per image, in order. CSV (RFC 4180): header
//   image,references,caption_a,caption_b,confidence_a,confidence_b,differs,error_a,error_b
// with references as a JSON list of strings, confidences with 6 decimals (empty when unknown) and
// differs as true/false. JSON Lines: one object per row with the same keys (references a list,
// confidences numbers or null, differs a boolean).
std::string comparisonCsv(const std::vector<ComparisonRow>& rows);
std::string comparisonJsonl(const std::vector<ComparisonRow>& rows);
// By the extension: .csv is CSV, .jsonl or .json JSON Lines; anything else is an Error naming the
// file. Written atomically; throws Error naming the file.
void writeComparison(const std::string& path, const std::vector<ComparisonRow>& rows);

// A word-level difference: the longest common subsequence of the two word lists (words equal as
// strings); every word outside it is changed. With several longest subsequences the one matching
// earliest in `a` is taken, so the result is the same on every run.
struct WordDiff {
    std::vector<bool> changedA, changedB; // parallel to the words given
    int changedCountA() const;
    int changedCountB() const;
};
WordDiff diffWords(const std::vector<std::string>& a, const std::vector<std::string>& b);
// A caption's words for diffWords when no tokenizer grouping is at hand: split on ASCII whitespace.
std::vector<std::string> splitWords(const std::string& caption);

} // namespace captioner
