#pragma once
// Tokenizers turn captions into token ids and back. A caption is encoded as [CLS] tokens [SEP];
// generation starts from [CLS] and stops at [SEP].
//
// Thread-safety: a tokenizer is immutable once built. tokenize/encode/decode and every other const
// member may be called from any number of threads at once on the same object.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace captioner {

// A word of a decoded caption: its text and the positions, in the ids given to words(), of the tokens
// that form it.
struct TokenWord {
    std::string text;
    std::vector<size_t> tokens;
};

// The interface every caption tokenizer offers, whatever its algorithm.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;
    // Pieces of the text, without special tokens.
    virtual std::vector<std::string> tokenize(const std::string& text) const = 0;
    virtual std::vector<int64_t> encode(const std::string& text, bool addSpecialTokens = true) const = 0;
    // As Hugging Face's decode, including clean_up_tokenization_spaces (BertTokenizer's default).
    virtual std::string decode(const std::vector<int64_t>& ids, bool skipSpecialTokens = true) const = 0;
    // The words of decode(ids, true), tokens joined as the detokeniser joins them: a WordPiece token
    // starts a word unless it is a "##" continuation; a SentencePiece piece starts one when it begins
    // with "▁". Special tokens belong to no word. Each word's text is decode() of its tokens (so
    // punctuation split off by the tokenizer is a word of its own).
    virtual std::vector<TokenWord> words(const std::vector<int64_t>& ids) const = 0;
    virtual int64_t vocabSize() const = 0;
    virtual int64_t clsTokenId() const = 0;
    virtual int64_t sepTokenId() const = 0;
    virtual int64_t padTokenId() const = 0;
    virtual int64_t unkTokenId() const = 0;
    virtual std::string kind() const = 0; // "wordpiece" or "sentencepiece"
    // Writes the tokenizer files into dir as Hugging Face's save_pretrained lays them out for this kind,
    // each file atomically (temporary file, then rename). Creates dir if needed.
    virtual void save(const std::string& dir) const = 0;
};

// BERT's WordPiece tokenizer, matching Hugging Face's slow BertTokenizer exactly: text clean-up,
// CJK splitting, NFC, lower-casing and accent stripping, punctuation splitting, then greedy
// longest-match-first sub-words with "##" continuations and [UNK] for words it cannot cover.
// The special tokens [PAD] [UNK] [CLS] [SEP] [MASK] in the text are kept whole, as HF does.
class WordPieceTokenizer : public Tokenizer {
public:
    struct Options {
        bool doLowerCase = true;
        bool stripAccents = true; // BERT: follows doLowerCase when the config leaves it unset
        bool tokenizeChineseChars = true;
        int maxInputCharsPerWord = 100; // longer words become [UNK]
    };

    // vocab.txt: one token per line, the line number is the id.
    static std::unique_ptr<WordPieceTokenizer> fromVocabFile(const std::string& vocabTxt, Options options);
    // (An overload, not a default argument: GCC rejects "Options = {}" inside the enclosing class.)
    static std::unique_ptr<WordPieceTokenizer> fromVocabFile(const std::string& vocabTxt);
    // Hugging Face fast-tokenizer file with a WordPiece model (BertNormalizer options are honoured).
    static std::unique_ptr<WordPieceTokenizer> fromTokenizerJson(const std::string& tokenizerJson);
    WordPieceTokenizer(std::vector<std::string> vocab, Options options, std::string source);

    std::vector<std::string> tokenize(const std::string& text) const override;
    std::vector<int64_t> encode(const std::string& text, bool addSpecialTokens = true) const override;
    std::string decode(const std::vector<int64_t>& ids, bool skipSpecialTokens = true) const override;
    std::vector<TokenWord> words(const std::vector<int64_t>& ids) const override;
    int64_t vocabSize() const override { return static_cast<int64_t>(m_vocab.size()); }
    int64_t clsTokenId() const override { return m_clsId; }
    int64_t sepTokenId() const override { return m_sepId; }
    int64_t padTokenId() const override { return m_padId; }
    int64_t unkTokenId() const override { return m_unkId; }
    std::string kind() const override { return "wordpiece"; }
    // vocab.txt + tokenizer_config.json + special_tokens_map.json.
    void save(const std::string& dir) const override;

    const Options& options() const { return m_options; }
    // Token text of an id; [UNK] for ids outside the vocabulary (as HF).
    const std::string& idToToken(int64_t id) const;
    // Id of a token; the [UNK] id when it is not in the vocabulary.
    int64_t tokenToId(const std::string& token) const;

private:
    int64_t requireToken(const std::string& token) const;
    void splitIntoWordPieces(const std::u32string& word, std::vector<std::string>& out) const;

    std::vector<std::string> m_vocab;
    std::unordered_map<std::string, int64_t> m_ids;
    Options m_options;
    std::string m_source;
    int64_t m_padId = 0, m_unkId = 0, m_clsId = 0, m_sepId = 0, m_maskId = 0;
};

// SentencePiece (unigram) tokenizer for models trained from scratch. sentencepiece itself runs in an
// isolated plugin (see sentencePieceAvailable); nothing of it is linked into this library.
// Models trained here define [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3; a foreign tokenizer.model uses its own
// bos (as [CLS]), eos (as [SEP]), pad (eos when it has none) and unk ids.
class SentencePieceTokenizer : public Tokenizer {
public:
    static std::unique_ptr<SentencePieceTokenizer> fromModelFile(const std::string& tokenizerModel);
    // Trains a unigram (or BPE) model on captions (one per element) and writes <outDir>/tokenizer.model.
    // vocabSize is an upper bound: a corpus with few distinct words yields fewer pieces, so size the
    // model's embeddings from vocabSize() afterwards.
    // modelType "bpe" suits tiny closed vocabularies: with a vocabulary a little above words + letters it
    // keeps every word whole, where unigram training on the demo captions kept splitting words into letters.
    static std::unique_ptr<SentencePieceTokenizer> train(const std::vector<std::string>& captions, int vocabSize,
                                                         const std::string& outDir,
                                                         const std::string& modelType = "unigram");
    ~SentencePieceTokenizer() override;

    std::vector<std::string> tokenize(const std::string& text) const override;
    std::vector<int64_t> encode(const std::string& text, bool addSpecialTokens = true) const override;
    std::string decode(const std::vector<int64_t>& ids, bool skipSpecialTokens = true) const override;
    std::vector<TokenWord> words(const std::vector<int64_t>& ids) const override;
    int64_t vocabSize() const override { return m_vocabSize; }
    int64_t clsTokenId() const override { return m_clsId; }
    int64_t sepTokenId() const override { return m_sepId; }
    int64_t padTokenId() const override { return m_padId; }
    int64_t unkTokenId() const override { return m_unkId; }
    std::string kind() const override { return "sentencepiece"; }
    // tokenizer.model + tokenizer_config.json + special_tokens_map.json.
    void save(const std::string& dir) const override;

    std::string idToPiece(int64_t id) const;

private:
    SentencePieceTokenizer(void* handle, std::string modelBytes, std::string source);
    std::vector<int32_t> encodeRaw(const std::string& text) const;
    std::string decodeRaw(const std::vector<int32_t>& ids) const;

    void* m_handle = nullptr; // owned by the plugin
    std::string m_modelBytes;
    std::string m_source;
    int64_t m_vocabSize = 0, m_padId = 0, m_unkId = 0, m_clsId = 0, m_sepId = 0;
};

// The tokenizer of a checkpoint folder: tokenizer.json (WordPiece) > vocab.txt (with
// tokenizer_config.json's do_lower_case / strip_accents / tokenize_chinese_chars) > tokenizer.model.
// Throws Error when none is there or the one there is unsupported (e.g. a BPE tokenizer.json).
std::unique_ptr<Tokenizer> loadTokenizer(const std::string& dir);

// Whether the sentencepiece plugin can be found and loaded; whyNot says why not.
bool sentencePieceAvailable(std::string* whyNot = nullptr);

} // namespace captioner
