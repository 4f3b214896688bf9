#include "captioner/tokenizer.h"

#include "captioner/error.h"
#include "text/sentencepiece_plugin.h"
#include "text/text_files.h"
#include "util/file_io.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <unistd.h>

namespace captioner {
namespace {

constexpr std::size_t kErrLen = 1024;

// Pieces of models trained here; ids 0..3 in this order (see train()).
const char* const kTrainArgs = "--character_coverage=1.0 --hard_vocab_limit=false --num_threads=2 "
                               "--pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3 "
                               "--pad_piece=[PAD] --unk_piece=[UNK] --bos_piece=[CLS] --eos_piece=[SEP]";

} // namespace

SentencePieceTokenizer::SentencePieceTokenizer(void* handle, std::string modelBytes, std::string source)
    : m_handle(handle), m_modelBytes(std::move(modelBytes)), m_source(std::move(source)) {
    const auto& api = text::sentencePiecePlugin();
    m_vocabSize = api.vocabSize(m_handle);
    int unk = -1, bos = -1, eos = -1, pad = -1;
    api.specialIds(m_handle, &unk, &bos, &eos, &pad);
    if (bos < 0 || eos < 0) {
        api.free(m_handle);
        m_handle = nullptr;
        throw Error(m_source, "the SentencePiece model defines no bos/eos pieces, which captions need as [CLS]/[SEP]");
    }
    m_unkId = unk;
    m_clsId = bos;
    m_sepId = eos;
    m_padId = pad >= 0 ? pad : eos;
}

SentencePieceTokenizer::~SentencePieceTokenizer() {
    if (m_handle) text::sentencePiecePlugin().free(m_handle);
}

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::fromModelFile(const std::string& tokenizerModel) {
    std::string bytes = detail::readWholeFile(tokenizerModel); // names the file when it is missing
    const auto& api = text::sentencePiecePlugin();
    char err[kErrLen] = {0};
    void* handle = api.load(tokenizerModel.c_str(), err, sizeof err);
    if (!handle) throw Error(tokenizerModel, std::string("not a SentencePiece model: ") + err);
    return std::unique_ptr<SentencePieceTokenizer>(
        new SentencePieceTokenizer(handle, std::move(bytes), tokenizerModel));
}

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::train(const std::vector<std::string>& captions,
                                                                      int vocabSize, const std::string& outDir,
                                                                      const std::string& modelType) {
    if (modelType != "unigram" && modelType != "bpe")
        throw Error(outDir, "unknown SentencePiece model type '" + modelType + "' (valid: unigram, bpe)");
    if (vocabSize < 8)
        throw Error(outDir, "SentencePiece vocabulary size must be at least 8, got " + std::to_string(vocabSize));
    std::string corpus;
    for (const std::string& caption : captions) {
        std::string line = caption;
        for (char& c : line)
            if (c == '\n' || c == '\r') c = ' ';
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        corpus.append(line).push_back('\n');
    }
    if (corpus.empty()) throw Error(outDir, "no captions to train a SentencePiece model on");
    const auto& api = text::sentencePiecePlugin();
    text::ensureDirectory(outDir);
    const std::string tag = std::to_string(::getpid());
    const std::string input = text::joinPath(outDir, ".captions-" + tag + ".txt");
    const std::string prefix = text::joinPath(outDir, ".tokenizer-" + tag);
    writeFileAtomically(input, corpus);
    char err[kErrLen] = {0};
    const std::string args = "--model_type=" + modelType + " " + kTrainArgs;
    const int rc = api.train(input.c_str(), prefix.c_str(), vocabSize, args.c_str(), err, sizeof err);
    std::remove(input.c_str());
    std::remove((prefix + ".vocab").c_str());
    if (rc != 0) {
        std::remove((prefix + ".model").c_str());
        throw Error(outDir, std::string("SentencePiece training failed: ") + err);
    }
    const std::string model = text::joinPath(outDir, "tokenizer.model");
    if (std::rename((prefix + ".model").c_str(), model.c_str()) != 0) {
        std::remove((prefix + ".model").c_str());
        throw Error(model, "cannot move the trained model into place");
    }
    return fromModelFile(model);
}

std::vector<int32_t> SentencePieceTokenizer::encodeRaw(const std::string& text) const {
    const auto& api = text::sentencePiecePlugin();
    std::vector<int32_t> ids(text.size() + 8);
    char err[kErrLen] = {0};
    for (;;) {
        const std::ptrdiff_t n = api.encode(m_handle, text.c_str(), ids.data(), ids.size(), err, sizeof err);
        if (n < 0) throw Error(m_source, std::string("SentencePiece encode failed: ") + err);
        if (static_cast<std::size_t>(n) <= ids.size()) {
            ids.resize(static_cast<std::size_t>(n));
            return ids;
        }
        ids.resize(static_cast<std::size_t>(n));
    }
}

std::string SentencePieceTokenizer::decodeRaw(const std::vector<int32_t>& ids) const {
    const auto& api = text::sentencePiecePlugin();
    std::string out(ids.size() * 8 + 16, '\0');
    char err[kErrLen] = {0};
    for (;;) {
        const std::ptrdiff_t n =
            api.decode(m_handle, ids.data(), ids.size(), out.data(), out.size() + 1, err, sizeof err);
        if (n < 0) throw Error(m_source, std::string("SentencePiece decode failed: ") + err);
        if (static_cast<std::size_t>(n) <= out.size()) {
            out.resize(static_cast<std::size_t>(n));
            return out;
        }
        out.assign(static_cast<std::size_t>(n), '\0');
    }
}

std::vector<std::string> SentencePieceTokenizer::tokenize(const std::string& text) const {
    const auto& api = text::sentencePiecePlugin();
    std::string buffer(text.size() * 4 + 64, '\0');
    char err[kErrLen] = {0};
    std::ptrdiff_t n;
    while ((n = api.encodePieces(m_handle, text.c_str(), buffer.data(), buffer.size(), err, sizeof err)) >
           static_cast<std::ptrdiff_t>(buffer.size()))
        buffer.assign(static_cast<std::size_t>(n), '\0');
    if (n < 0) throw Error(m_source, std::string("SentencePiece encode failed: ") + err);
    std::vector<std::string> pieces;
    for (std::size_t start = 0; start < static_cast<std::size_t>(n);) {
        const std::size_t end = buffer.find('\0', start);
        pieces.push_back(buffer.substr(start, end - start));
        start = end + 1;
    }
    return pieces;
}

std::vector<int64_t> SentencePieceTokenizer::encode(const std::string& text, bool addSpecialTokens) const {
    std::vector<int64_t> ids;
    if (addSpecialTokens) ids.push_back(m_clsId);
    for (int32_t id : encodeRaw(text)) ids.push_back(id);
    if (addSpecialTokens) ids.push_back(m_sepId);
    return ids;
}

std::string SentencePieceTokenizer::decode(const std::vector<int64_t>& ids, bool skipSpecialTokens) const {
    // Ids outside the vocabulary decode as unknown, like HF's convert_ids_to_tokens falls back to unk.
    // Specials are control pieces that sentencepiece itself would drop, so when they are kept they are
    // written out by name between the decoded runs.
    std::string out;
    std::vector<int32_t> run;
    const auto flush = [&] {
        if (run.empty()) return;
        std::string piece = decodeRaw(run);
        if (!out.empty() && !piece.empty()) out.push_back(' ');
        out += piece;
        run.clear();
    };
    for (int64_t rawId : ids) {
        const int64_t id = rawId >= 0 && rawId < m_vocabSize ? rawId : m_unkId;
        const bool special = id == m_clsId || id == m_sepId || id == m_padId || id == m_unkId;
        if (special && skipSpecialTokens) continue;
        if (special && id != m_unkId) {
            flush();
            if (!out.empty()) out.push_back(' ');
            out += idToPiece(id);
            continue;
        }
        run.push_back(static_cast<int32_t>(id));
    }
    flush();
    return out;
}

std::vector<TokenWord> SentencePieceTokenizer::words(const std::vector<int64_t>& ids) const {
    static const std::string kWordStart = "\xE2\x96\x81"; // U+2581, SentencePiece's word boundary
    std::vector<TokenWord> out;
    std::vector<int64_t> pieces;
    const auto flush = [&] {
        if (!out.empty() && !pieces.empty()) out.back().text = decode(pieces, true);
        pieces.clear();
    };
    for (size_t i = 0; i < ids.size(); ++i) {
        const int64_t id = ids[i] >= 0 && ids[i] < m_vocabSize ? ids[i] : m_unkId;
        if (id == m_clsId || id == m_sepId || id == m_padId || id == m_unkId) continue; // as decode(ids, true)
        if (out.empty() || idToPiece(id).rfind(kWordStart, 0) == 0) {
            flush();
            out.push_back({});
        }
        out.back().tokens.push_back(i);
        pieces.push_back(id);
    }
    flush();
    return out;
}

std::string SentencePieceTokenizer::idToPiece(int64_t id) const {
    const auto& api = text::sentencePiecePlugin();
    if (id < 0 || id >= m_vocabSize) return idToPiece(m_unkId);
    std::string out(64, '\0');
    std::ptrdiff_t n;
    while ((n = api.idToPiece(m_handle, static_cast<int>(id), out.data(), out.size() + 1)) >
           static_cast<std::ptrdiff_t>(out.size()))
        out.assign(static_cast<std::size_t>(n), '\0');
    out.resize(static_cast<std::size_t>(n < 0 ? 0 : n));
    return out;
}

void SentencePieceTokenizer::save(const std::string& dir) const {
    text::ensureDirectory(dir);
    writeFileAtomically(text::joinPath(dir, "tokenizer.model"), m_modelBytes);
    const nlohmann::json specials = {{"cls_token", idToPiece(m_clsId)},
                                     {"sep_token", idToPiece(m_sepId)},
                                     {"pad_token", idToPiece(m_padId)},
                                     {"unk_token", idToPiece(m_unkId)}};
    nlohmann::json config = specials;
    config["tokenizer_class"] = "SentencePieceTokenizer"; // captioner's own; HF has no direct equivalent
    config["model_max_length"] = 512;
    config["clean_up_tokenization_spaces"] = false;
    writeFileAtomically(text::joinPath(dir, "tokenizer_config.json"), config.dump(2) + "\n");
    writeFileAtomically(text::joinPath(dir, "special_tokens_map.json"), specials.dump(2) + "\n");
}

} // namespace captioner
