#include "captioner/tokenizer.h"

#include "captioner/error.h"
#include "text/basic_tokenizer.h"
#include "text/text_files.h"
#include "text/unicode_data.h"
#include "util/file_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace captioner {
namespace {

const char* const kSpecialTokens[] = {"[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"};

// HF's clean_up_tokenization, in its order.
std::string cleanUpTokenization(std::string s) {
    static const std::pair<const char*, const char*> kReplacements[] = {
        {" .", "."},     {" ?", "?"},   {" !", "!"},   {" ,", ","},     {" ' ", "'"},
        {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
    for (const auto& [from, to] : kReplacements) {
        const std::string f(from), t(to);
        std::string out;
        std::size_t pos = 0;
        for (std::size_t hit; (hit = s.find(f, pos)) != std::string::npos; pos = hit + f.size())
            out.append(s, pos, hit - pos).append(t);
        out.append(s, pos, std::string::npos);
        s = std::move(out);
    }
    return s;
}

std::string stripPythonWhitespace(const std::string& s) {
    const std::u32string u = text::utf8ToUtf32(s);
    std::size_t b = 0, e = u.size();
    while (b < e && text::isPythonSpace(u[b])) ++b;
    while (e > b && text::isPythonSpace(u[e - 1])) --e;
    return text::utf32ToUtf8(u.substr(b, e - b));
}

} // namespace

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> vocab, Options options, std::string source)
    : m_vocab(std::move(vocab)), m_options(options), m_source(std::move(source)) {
    if (m_vocab.empty()) throw Error(m_source, "the vocabulary is empty");
    m_ids.reserve(m_vocab.size());
    // As HF's load_vocab: a repeated token keeps its last line.
    for (std::size_t i = 0; i < m_vocab.size(); ++i) m_ids[m_vocab[i]] = static_cast<int64_t>(i);
    m_padId = requireToken("[PAD]");
    m_unkId = requireToken("[UNK]");
    m_clsId = requireToken("[CLS]");
    m_sepId = requireToken("[SEP]");
    auto mask = m_ids.find("[MASK]");
    m_maskId = mask == m_ids.end() ? -1 : mask->second;
}

int64_t WordPieceTokenizer::requireToken(const std::string& token) const {
    auto it = m_ids.find(token);
    if (it == m_ids.end()) throw Error(m_source, "the vocabulary has no " + token + " token");
    return it->second;
}

std::unique_ptr<WordPieceTokenizer> WordPieceTokenizer::fromVocabFile(const std::string& vocabTxt, Options options) {
    const std::string bytes = detail::readWholeFile(vocabTxt);
    // Python's text mode reads "\r\n" and "\r" as line ends too.
    std::vector<std::string> vocab;
    std::string line;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
            vocab.push_back(std::move(line));
            line.clear();
        } else {
            line.push_back(c);
        }
    }
    if (!line.empty()) vocab.push_back(std::move(line));
    return std::make_unique<WordPieceTokenizer>(std::move(vocab), options, vocabTxt);
}

std::unique_ptr<WordPieceTokenizer> WordPieceTokenizer::fromVocabFile(const std::string& vocabTxt) {
    return fromVocabFile(vocabTxt, Options());
}

std::unique_ptr<WordPieceTokenizer> WordPieceTokenizer::fromTokenizerJson(const std::string& tokenizerJson) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(detail::readWholeFile(tokenizerJson));
    } catch (const nlohmann::json::exception& e) {
        throw Error(tokenizerJson, std::string("not valid JSON: ") + e.what());
    }
    try {
        const auto& model = j.at("model");
        const std::string type = model.value("type", std::string("(none)"));
        if (type != "WordPiece")
            throw Error(tokenizerJson,
                        "unsupported tokenizer model type \"" + type + "\" (only WordPiece is supported)");
        if (model.value("continuing_subword_prefix", std::string("##")) != "##")
            throw Error(tokenizerJson, "unsupported continuing_subword_prefix (only \"##\" is supported)");
        const auto& vocabJson = model.at("vocab");
        std::vector<std::string> vocab(vocabJson.size());
        std::vector<bool> seen(vocabJson.size(), false);
        for (auto it = vocabJson.begin(); it != vocabJson.end(); ++it) {
            const int64_t id = it.value().get<int64_t>();
            if (id < 0 || id >= static_cast<int64_t>(vocab.size()) || seen[static_cast<std::size_t>(id)])
                throw Error(tokenizerJson, "vocabulary ids are not 0.." + std::to_string(vocab.size() - 1) +
                                               " without gaps (token \"" + it.key() + "\")");
            seen[static_cast<std::size_t>(id)] = true;
            vocab[static_cast<std::size_t>(id)] = it.key();
        }
        Options options;
        options.maxInputCharsPerWord = model.value("max_input_chars_per_word", 100);
        const auto& normalizer = j.contains("normalizer") ? j["normalizer"] : nlohmann::json();
        if (normalizer.is_null()) {
            options.doLowerCase = options.stripAccents = options.tokenizeChineseChars = false;
        } else {
            const std::string ntype = normalizer.value("type", std::string("(none)"));
            if (ntype != "BertNormalizer")
                throw Error(tokenizerJson,
                            "unsupported normalizer \"" + ntype + "\" (only BertNormalizer is supported)");
            options.doLowerCase = normalizer.value("lowercase", true);
            options.tokenizeChineseChars = normalizer.value("handle_chinese_chars", true);
            const auto strip = normalizer.contains("strip_accents") ? normalizer["strip_accents"] : nlohmann::json();
            options.stripAccents = strip.is_boolean() ? strip.get<bool>() : options.doLowerCase;
        }
        if (j.contains("pre_tokenizer") && !j["pre_tokenizer"].is_null()) {
            const std::string ptype = j["pre_tokenizer"].value("type", std::string("(none)"));
            if (ptype != "BertPreTokenizer")
                throw Error(tokenizerJson,
                            "unsupported pre_tokenizer \"" + ptype + "\" (only BertPreTokenizer is supported)");
        }
        return std::make_unique<WordPieceTokenizer>(std::move(vocab), options, tokenizerJson);
    } catch (const nlohmann::json::exception& e) {
        throw Error(tokenizerJson, std::string("not a WordPiece tokenizer.json: ") + e.what());
    }
}

void WordPieceTokenizer::splitIntoWordPieces(const std::u32string& word, std::vector<std::string>& out) const {
    if (static_cast<int64_t>(word.size()) > m_options.maxInputCharsPerWord) {
        out.push_back("[UNK]");
        return;
    }
    std::vector<std::string> pieces;
    std::size_t start = 0;
    while (start < word.size()) {
        std::size_t end = word.size();
        std::string found;
        while (start < end) {
            std::string candidate = (start > 0 ? "##" : "") + text::utf32ToUtf8(word.substr(start, end - start));
            if (m_ids.count(candidate)) {
                found = std::move(candidate);
                break;
            }
            --end;
        }
        if (found.empty()) {
            out.push_back("[UNK]");
            return;
        }
        pieces.push_back(std::move(found));
        start = end;
    }
    for (auto& p : pieces) out.push_back(std::move(p));
}

std::vector<std::string> WordPieceTokenizer::tokenize(const std::string& textUtf8) const {
    const std::u32string input = text::utf8ToUtf32(textUtf8);
    std::vector<std::u32string> specials;
    for (const char* s : kSpecialTokens)
        if (m_ids.count(s)) specials.push_back(text::utf8ToUtf32(s));
    const auto specialAt = [&](std::size_t pos) -> const std::u32string* {
        for (const auto& s : specials)
            if (input.compare(pos, s.size(), s) == 0) return &s;
        return nullptr;
    };

    // HF first splits out special tokens (lower-casing everything else one character at a time),
    // then runs the basic and WordPiece tokenizers on the text between them.
    const text::BasicTokenizer basic(m_options.doLowerCase, m_options.stripAccents, m_options.tokenizeChineseChars);
    std::vector<std::string> out;
    std::u32string chunk;
    const auto flush = [&] {
        for (const auto& word : basic.tokenize(chunk, specials)) {
            if (std::find(specials.begin(), specials.end(), word) != specials.end())
                out.push_back(text::utf32ToUtf8(word));
            else splitIntoWordPieces(word, out);
        }
        chunk.clear();
    };
    for (std::size_t pos = 0; pos < input.size();) {
        if (const std::u32string* special = specialAt(pos)) {
            flush();
            out.push_back(text::utf32ToUtf8(*special));
            pos += special->size();
            continue;
        }
        if (m_options.doLowerCase) text::appendLower(input[pos], chunk);
        else chunk.push_back(input[pos]);
        ++pos;
    }
    flush();
    return out;
}

std::vector<int64_t> WordPieceTokenizer::encode(const std::string& text, bool addSpecialTokens) const {
    std::vector<int64_t> ids;
    if (addSpecialTokens) ids.push_back(m_clsId);
    for (const std::string& token : tokenize(text)) ids.push_back(tokenToId(token));
    if (addSpecialTokens) ids.push_back(m_sepId);
    return ids;
}

std::string WordPieceTokenizer::decode(const std::vector<int64_t>& ids, bool skipSpecialTokens) const {
    const auto isSpecialId = [&](int64_t id) {
        return id == m_padId || id == m_unkId || id == m_clsId || id == m_sepId || (m_maskId >= 0 && id == m_maskId);
    };
    const auto isSpecialToken = [&](const std::string& t) {
        for (const char* s : kSpecialTokens)
            if (t == s && m_ids.count(s)) return true;
        return false;
    };
    std::string joined;
    bool first = true;
    for (int64_t id : ids) {
        if (skipSpecialTokens && isSpecialId(id)) continue;
        const std::string& token = idToToken(id);
        if (skipSpecialTokens && isSpecialToken(token)) continue;
        if (!first) joined.push_back(' ');
        joined += token;
        first = false;
    }
    std::string merged;
    std::size_t pos = 0;
    for (std::size_t hit; (hit = joined.find(" ##", pos)) != std::string::npos; pos = hit + 3)
        merged.append(joined, pos, hit - pos);
    merged.append(joined, pos, std::string::npos);
    return cleanUpTokenization(stripPythonWhitespace(merged));
}

std::vector<TokenWord> WordPieceTokenizer::words(const std::vector<int64_t>& ids) const {
    std::vector<TokenWord> out;
    std::vector<int64_t> pieces;
    const auto flush = [&] {
        if (!out.empty() && !pieces.empty()) out.back().text = decode(pieces, true);
        pieces.clear();
    };
    for (size_t i = 0; i < ids.size(); ++i) {
        if (decode({ids[i]}, true).empty()) continue; // a special token (or one decoding to nothing)
        const std::string& token = idToToken(ids[i]);
        if (out.empty() || token.rfind("##", 0) != 0) {
            flush();
            out.push_back({});
        }
        out.back().tokens.push_back(i);
        pieces.push_back(ids[i]);
    }
    flush();
    return out;
}

const std::string& WordPieceTokenizer::idToToken(int64_t id) const {
    static const std::string kUnk = "[UNK]";
    if (id < 0 || id >= static_cast<int64_t>(m_vocab.size())) return kUnk;
    return m_vocab[static_cast<std::size_t>(id)];
}

int64_t WordPieceTokenizer::tokenToId(const std::string& token) const {
    auto it = m_ids.find(token);
    return it == m_ids.end() ? m_unkId : it->second;
}

void WordPieceTokenizer::save(const std::string& dir) const {
    text::ensureDirectory(dir);
    std::string vocab;
    for (const auto& token : m_vocab) vocab.append(token).push_back('\n');
    writeFileAtomically(text::joinPath(dir, "vocab.txt"), vocab);

    nlohmann::json added = nlohmann::json::object();
    for (const char* s : kSpecialTokens) {
        auto it = m_ids.find(s);
        if (it == m_ids.end()) continue;
        added[std::to_string(it->second)] = {{"content", s},    {"lstrip", false},      {"normalized", false},
                                             {"rstrip", false}, {"single_word", false}, {"special", true}};
    }
    nlohmann::json config = {{"added_tokens_decoder", added},
                             {"clean_up_tokenization_spaces", true},
                             {"cls_token", "[CLS]"},
                             {"do_basic_tokenize", true},
                             {"do_lower_case", m_options.doLowerCase},
                             {"mask_token", "[MASK]"},
                             {"model_max_length", 512},
                             {"never_split", nullptr},
                             {"pad_token", "[PAD]"},
                             {"sep_token", "[SEP]"},
                             {"tokenize_chinese_chars", m_options.tokenizeChineseChars},
                             {"tokenizer_class", "BertTokenizer"},
                             {"unk_token", "[UNK]"}};
    // null means "follow do_lower_case", which is how BERT configs usually leave it.
    config["strip_accents"] =
        m_options.stripAccents == m_options.doLowerCase ? nlohmann::json() : nlohmann::json(m_options.stripAccents);
    writeFileAtomically(text::joinPath(dir, "tokenizer_config.json"), config.dump(2) + "\n");
    nlohmann::json specialMap = {{"cls_token", "[CLS]"},
                                 {"mask_token", "[MASK]"},
                                 {"pad_token", "[PAD]"},
                                 {"sep_token", "[SEP]"},
                                 {"unk_token", "[UNK]"}};
    writeFileAtomically(text::joinPath(dir, "special_tokens_map.json"), specialMap.dump(2) + "\n");
}

} // namespace captioner
