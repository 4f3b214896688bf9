#include "captioner/tokenizer.h"

#include "captioner/error.h"
#include "text/text_files.h"
#include "util/file_io.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace captioner {
namespace {

// tokenizer_config.json's options for a BERT vocab.txt; absent keys keep BertTokenizer's defaults.
WordPieceTokenizer::Options bertOptions(const std::string& configPath) {
    WordPieceTokenizer::Options options;
    if (!text::fileExists(configPath)) return options;
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(detail::readWholeFile(configPath));
    } catch (const nlohmann::json::exception& e) {
        throw Error(configPath, std::string("not valid JSON: ") + e.what());
    }
    if (!config.is_object()) throw Error(configPath, "expected a JSON object");
    const auto flag = [&](const char* key, bool fallback) {
        if (!config.contains(key) || config[key].is_null()) return fallback;
        if (!config[key].is_boolean())
            throw Error(configPath, std::string("\"") + key + "\" must be true, false or null");
        return config[key].get<bool>();
    };
    if (config.contains("tokenizer_class") && config["tokenizer_class"].is_string()) {
        const std::string cls = config["tokenizer_class"];
        if (cls.rfind("Bert", 0) != 0 && cls.rfind("DistilBert", 0) != 0)
            throw Error(configPath, "tokenizer_class \"" + cls + "\" is not a BERT WordPiece tokenizer");
    }
    options.doLowerCase = flag("do_lower_case", true);
    options.stripAccents = flag("strip_accents", options.doLowerCase);
    options.tokenizeChineseChars = flag("tokenize_chinese_chars", true);
    return options;
}

} // namespace

std::unique_ptr<Tokenizer> loadTokenizer(const std::string& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) throw Error(dir, "not a directory");
    const std::string json = text::joinPath(dir, "tokenizer.json");
    const std::string vocab = text::joinPath(dir, "vocab.txt");
    const std::string model = text::joinPath(dir, "tokenizer.model");
    if (text::fileExists(json)) return WordPieceTokenizer::fromTokenizerJson(json);
    if (text::fileExists(vocab))
        return WordPieceTokenizer::fromVocabFile(vocab, bertOptions(text::joinPath(dir, "tokenizer_config.json")));
    if (text::fileExists(model)) return SentencePieceTokenizer::fromModelFile(model);
    throw Error(dir, "no tokenizer found (expected tokenizer.json, vocab.txt or tokenizer.model)");
}

} // namespace captioner
