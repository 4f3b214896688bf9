#pragma once
// BERT's "basic" pre-tokenisation as Hugging Face's slow BasicTokenizer does it: drop invalid and
// control characters, normalise whitespace, put spaces around CJK ideographs, NFC, split on Python
// whitespace, lower-case and strip accents (NFD, drop Mn), and split off punctuation.
#include <string>
#include <vector>

namespace captioner::text {

class BasicTokenizer {
public:
    BasicTokenizer(bool lowerCase, bool stripAccents, bool tokenizeChineseChars)
        : m_lowerCase(lowerCase), m_stripAccents(stripAccents), m_tokenizeChineseChars(tokenizeChineseChars) {}

    // neverSplit tokens are kept whole and untouched (HF passes the special tokens).
    std::vector<std::u32string> tokenize(const std::u32string& text,
                                         const std::vector<std::u32string>& neverSplit) const;

private:
    bool m_lowerCase;
    bool m_stripAccents;
    bool m_tokenizeChineseChars;
};

// Python's str.split(): runs of str.isspace() characters separate words; no empty words.
std::vector<std::u32string> splitOnPythonWhitespace(const std::u32string& text);
bool isBertPunctuation(char32_t cp);
bool isCjkIdeograph(char32_t cp);

} // namespace captioner::text
