// Emulation of coco-caption's PTBTokenizer step for ASCII captions; the rules are listed with
// cocoTokenize in metrics.h. The Java tokenizer is not available to the core, and captions are short
// plain sentences, so these few rules reproduce its output for them.
#include "captioner/metrics.h"

#include <array>
#include <cctype>
#include <string_view>

namespace captioner {
namespace {

bool isSeparatorPunctuation(char c) {
    static constexpr std::string_view kChars = ",;:!?()[]{}\"`";
    return kChars.find(c) != std::string_view::npos;
}

bool endsWith(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

// Splits one whitespace/punctuation-delimited chunk into PTB-like tokens, dropping the punctuation
// tokens coco-caption removes (periods, stray quotes, dashes).
void appendWordTokens(std::string word, std::vector<std::string>& out) {
    while (!word.empty() && (word.back() == '.' || word.back() == '\'')) word.pop_back();
    size_t start = 0;
    while (start < word.size() && word[start] == '\'') ++start;
    word.erase(0, start);
    if (word.empty() || word.find_first_not_of('-') == std::string::npos) return;

    if (word.size() > 3 && endsWith(word, "n't")) {
        out.push_back(word.substr(0, word.size() - 3));
        out.push_back("n't");
        return;
    }
    static const std::array<std::string_view, 6> kClitics = {"'s", "'re", "'ve", "'ll", "'d", "'m"};
    for (std::string_view clitic : kClitics) {
        if (word.size() > clitic.size() && endsWith(word, clitic)) {
            out.push_back(word.substr(0, word.size() - clitic.size()));
            out.emplace_back(clitic);
            return;
        }
    }
    out.push_back(std::move(word));
}

} // namespace

std::vector<std::string> cocoTokenize(const std::string& caption) {
    std::vector<std::string> tokens;
    std::string word;
    auto flush = [&] {
        if (!word.empty()) appendWordTokens(std::move(word), tokens);
        word.clear();
    };
    for (size_t i = 0; i < caption.size(); ++i) {
        const char c = caption[i];
        const auto u = static_cast<unsigned char>(c);
        if (std::isspace(u) || isSeparatorPunctuation(c)) {
            flush();
        } else if (c == '.' && i + 1 < caption.size() && caption[i + 1] == '.') {
            // An ellipsis separates words and is itself dropped.
            while (i + 1 < caption.size() && caption[i + 1] == '.') ++i;
            flush();
        } else {
            word.push_back(u < 128 ? static_cast<char>(std::tolower(u)) : c);
        }
    }
    flush();
    return tokens;
}

} // namespace captioner
