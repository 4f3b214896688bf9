#pragma once
// Searching a dataset's captions and file names as the dataset browser does: the query is split on
// white space (the ideographic space U+3000 that Japanese input methods type included) and every
// term must occur (AND), case-insensitively (ASCII letters are folded; other characters compare
// exactly). With wholeWords a term must match a whole word: the characters around it are not
// letters, digits or '_' (bytes of multi-byte UTF-8 characters count as letters, so "café" is one
// word). Plain functions, thread-safe.
#include <captioner/dataset.h>

#include <cstddef>
#include <string>
#include <vector>

namespace captioner {

struct CaptionQuery {
    std::string text;
    bool wholeWords = false;
};

// Lower-cased terms of a query (ASCII folding); empty when the query is blank.
std::vector<std::string> queryTerms(const std::string& text);
// True when every term occurs in `haystack` (already lower-cased with foldAscii).
bool matchesTerms(const std::string& haystack, const std::vector<std::string>& terms, bool wholeWords);
// True when every term occurs in the item's file name or in one of its captions (a term may match
// the file name and another a caption). A blank query matches everything.
bool matchesQuery(const DatasetItem& item, const CaptionQuery& query);
// The same with terms from queryTerms(), for filtering many items with one query.
bool matchesQuery(const DatasetItem& item, const std::vector<std::string>& terms, bool wholeWords);
std::string foldAscii(std::string text);

// Unicode code points of a UTF-8 string (what a reader counts as characters).
std::size_t captionLength(const std::string& utf8);

} // namespace captioner
