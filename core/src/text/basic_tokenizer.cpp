#include "text/basic_tokenizer.h"

#include "text/unicode_data.h"

#include <algorithm>

namespace captioner::text {
namespace {

bool isBertWhitespace(char32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || charClass(cp) == CharClass::SpaceSeparator;
}

bool isBertControl(char32_t cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') return false;
    return charClass(cp) == CharClass::Control;
}

std::u32string cleanText(const std::u32string& text) {
    std::u32string out;
    out.reserve(text.size());
    for (char32_t cp : text) {
        if (cp == 0 || cp == 0xFFFD || isBertControl(cp)) continue;
        out.push_back(isBertWhitespace(cp) ? U' ' : cp);
    }
    return out;
}

std::u32string spaceOutCjk(const std::u32string& text) {
    std::u32string out;
    out.reserve(text.size());
    for (char32_t cp : text) {
        if (isCjkIdeograph(cp)) {
            out.push_back(U' ');
            out.push_back(cp);
            out.push_back(U' ');
        } else {
            out.push_back(cp);
        }
    }
    return out;
}

std::u32string stripAccents(const std::u32string& text) {
    std::u32string out;
    for (char32_t cp : nfd(text))
        if (charClass(cp) != CharClass::NonspacingMark) out.push_back(cp);
    return out;
}

void splitOnPunctuation(const std::u32string& token, std::vector<std::u32string>& out) {
    bool startNewWord = true;
    for (char32_t cp : token) {
        if (isBertPunctuation(cp)) {
            out.emplace_back(1, cp);
            startNewWord = true;
        } else {
            if (startNewWord) out.emplace_back();
            startNewWord = false;
            out.back().push_back(cp);
        }
    }
}

} // namespace

bool isBertPunctuation(char32_t cp) {
    // BERT counts every non-alphanumeric printable ASCII character as punctuation ("$", "^", "`" too).
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
        return true;
    return charClass(cp) == CharClass::Punctuation;
}

bool isCjkIdeograph(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
           (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

std::vector<std::u32string> splitOnPythonWhitespace(const std::u32string& text) {
    std::vector<std::u32string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && isPythonSpace(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !isPythonSpace(text[i])) ++i;
        if (i > start) words.push_back(text.substr(start, i - start));
    }
    return words;
}

std::vector<std::u32string> BasicTokenizer::tokenize(const std::u32string& text,
                                                     const std::vector<std::u32string>& neverSplit) const {
    std::u32string cleaned = cleanText(text);
    if (m_tokenizeChineseChars) cleaned = spaceOutCjk(cleaned);
    const auto isNeverSplit = [&](const std::u32string& t) {
        return std::find(neverSplit.begin(), neverSplit.end(), t) != neverSplit.end();
    };

    std::vector<std::u32string> pieces;
    for (std::u32string& token : splitOnPythonWhitespace(nfc(cleaned))) {
        if (isNeverSplit(token)) {
            pieces.push_back(token);
            continue;
        }
        if (m_lowerCase) {
            std::u32string lowered;
            for (char32_t cp : token) appendLower(cp, lowered);
            token = std::move(lowered);
        }
        if (m_stripAccents) token = stripAccents(token);
        splitOnPunctuation(token, pieces);
    }
    // HF re-splits the joined pieces on whitespace, which also drops empty ones.
    std::vector<std::u32string> out;
    for (const std::u32string& piece : pieces)
        for (std::u32string& word : splitOnPythonWhitespace(piece)) out.push_back(std::move(word));
    return out;
}

} // namespace captioner::text
