#include "captioner/caption_search.h"

#include "data/dataset_files.h"

namespace captioner {
namespace {

// Letters, digits, '_' and every byte of a multi-byte UTF-8 sequence are word characters.
bool isWordByte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

bool containsTerm(const std::string& haystack, const std::string& term, bool wholeWords) {
    for (std::size_t at = haystack.find(term); at != std::string::npos; at = haystack.find(term, at + 1)) {
        if (!wholeWords) return true;
        const bool startOk = at == 0 || !isWordByte(static_cast<unsigned char>(haystack[at - 1]));
        const std::size_t end = at + term.size();
        const bool endOk = end == haystack.size() || !isWordByte(static_cast<unsigned char>(haystack[end]));
        if (startOk && endOk) return true;
    }
    return false;
}

} // namespace

std::string foldAscii(std::string text) { return detail::lowerAscii(std::move(text)); }

std::vector<std::string> queryTerms(const std::string& text) {
    // A Japanese input method types the full-width space U+3000 between words: it separates terms too.
    static const std::string ideographicSpace = "\xE3\x80\x80";
    std::string spaced = text;
    for (std::size_t at = spaced.find(ideographicSpace); at != std::string::npos;
         at = spaced.find(ideographicSpace, at + 1))
        spaced.replace(at, ideographicSpace.size(), " ");
    std::vector<std::string> terms;
    for (std::string& word : detail::splitWords(spaced))
        if (!word.empty()) terms.push_back(foldAscii(std::move(word)));
    return terms;
}

bool matchesTerms(const std::string& haystack, const std::vector<std::string>& terms, bool wholeWords) {
    for (const std::string& term : terms)
        if (!containsTerm(haystack, term, wholeWords)) return false;
    return true;
}

bool matchesQuery(const DatasetItem& item, const CaptionQuery& query) {
    return matchesQuery(item, queryTerms(query.text), query.wholeWords);
}

bool matchesQuery(const DatasetItem& item, const std::vector<std::string>& terms, bool wholeWords) {
    if (terms.empty()) return true;
    // Fold each text once, then look for every term in any of them.
    std::vector<std::string> texts;
    texts.reserve(item.captions.size() + 1);
    texts.push_back(foldAscii(item.fileName));
    for (const std::string& caption : item.captions) texts.push_back(foldAscii(caption));
    for (const std::string& term : terms) {
        bool found = false;
        for (const std::string& text : texts)
            if (containsTerm(text, term, wholeWords)) {
                found = true;
                break;
            }
        if (!found) return false;
    }
    return true;
}

std::size_t captionLength(const std::string& utf8) { return detail::codePointCount(utf8); }

} // namespace captioner
