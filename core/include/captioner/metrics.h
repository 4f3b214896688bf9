#pragma once
// Caption metrics computed the way the reference libraries compute them, so numbers printed by the
// trainer and `captioner eval` can be compared with papers and with the Hugging Face guide.
//
// - wordErrorRate: HF `evaluate`'s "wer" (jiwer compute_measures, concatenate_texts=False): per pair,
//   jiwer's default WER transform (collapse runs of two or more whitespace characters to one space,
//   strip, split on ' ' dropping empty words; NO case folding, NO punctuation removal), then corpus
//   WER = sum(S + D + I) / sum(reference words). jiwer raises for an empty reference; here an empty
//   reference is counted instead: each predicted word is an insertion and it adds no reference words.
//   If all references together hold no words, wer is 0 when there are no insertions, else +infinity.
//   Only ASCII whitespace counts as space. The S/D/I/H split equals jiwer 2.5.1's (python-Levenshtein)
//   on the test corpus; jiwer 3 (rapidfuzz) may split ties between equally short alignments otherwise;
//   their sum, and so wer, is the exact edit distance either way.
// - rougeL: google's rouge_score RougeScorer(["rougeL"]) F-measure with its default tokenizer
//   (lowercase, every run of characters outside [a-z0-9] is a separator, no stemming), averaged over
//   pairs; a pair with an empty side scores 0.
// - bleu4 / ciderD: pycocoevalcap (tylin/coco-caption) after its PTBTokenizer step, emulated for ASCII
//   (see cocoTokenize). BLEU is corpus-level with the "closest" reference length; CIDEr-D uses n = 4,
//   sigma = 6, IDF from the references of the evaluated set, clipping, Gaussian length penalty (on
//   bigram counts, as the reference code does) and x10, averaged over images. With a single image every
//   n-gram has IDF 0, so CIDEr-D is 0 there, as in pycocoevalcap.
// coco-caption's demo (results/captions_val2014_fakecap_results.json, 1000 images) gives, with this
// tokeniser, its published BLEU counts exactly and its BLEU-1..4, ROUGE_L and CIDEr to the 3 decimals
// printed (tests/test_metrics_coco.cpp).
// All functions throw captioner::Error when predictions and references differ in count, or when an
// image has no reference at all (BLEU/CIDEr). Empty inputs give zeros.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace captioner {

struct WerResult {
    double wer = 0;
    int64_t substitutions = 0, deletions = 0, insertions = 0, hits = 0, referenceWords = 0;
};

WerResult wordErrorRate(const std::vector<std::string>& predictions, const std::vector<std::string>& references);

double rougeL(const std::vector<std::string>& predictions, const std::vector<std::string>& references);

// references[i] holds all reference captions of image i (at least one).
double bleu4(const std::vector<std::string>& predictions, const std::vector<std::vector<std::string>>& references);

// Everything pycocoevalcap's Bleu(4) computes for a corpus: BLEU-1..4 (bleu[n - 1]) and the counts it
// prints ({'testlen', 'reflen', 'guess', 'correct'}), so a run can be compared number by number with
// coco-caption's output. BLEU-n is the geometric mean of the first n clipped precisions (with the
// scorer's 1e-15 / 1e-9 smoothing) times the brevity penalty exp(1 - reflen / testlen) when shorter.
struct BleuStatistics {
    int64_t testLength = 0;      // hypothesis words, summed over images
    int64_t referenceLength = 0; // per image the reference length closest to the hypothesis (ties: shorter)
    std::array<int64_t, 4> guess{}, correct{}; // n-grams in the hypotheses; of those, clipped matches
    std::array<double, 4> bleu{};
    double ratio() const; // testLength / referenceLength, with the scorer's smoothing constants
};
BleuStatistics cocoBleu(const std::vector<std::string>& predictions,
                        const std::vector<std::vector<std::string>>& references);

// coco-caption's ROUGE_L (pycocoevalcap/rouge), which is not google's rouge_score (see rougeL): per
// image, the LCS of the tokenised hypothesis with each reference gives precision LCS/|hyp| and recall
// LCS/|ref|; the maxima of each over the references (taken separately) are combined with beta = 1.2,
// F = (1 + b^2) P R / (R + b^2 P), 0 when either is 0; averaged over images. An empty tokenised caption
// counts as one empty word, as Python's "".split(" ") makes it.
double cocoRougeL(const std::vector<std::string>& predictions, const std::vector<std::vector<std::string>>& references);

double ciderD(const std::vector<std::string>& predictions, const std::vector<std::vector<std::string>>& references);
// CIDEr-D of each image (IDF still from the whole set), as pycocoevalcap's per-image "CIDEr"; ciderD is
// their mean. Lets a report list the worst-captioned images, as coco-caption's demo does.
std::vector<double> ciderDScores(const std::vector<std::string>& predictions,
                                 const std::vector<std::vector<std::string>>& references);

// Approximation of coco-caption's tokenisation (Stanford PTBTokenizer -lowerCase -preserveLines, then
// dropping its punctuation tokens) for ASCII text: lowercase; , ; : ! ? ( ) [ ] { } " ` are split off and
// dropped; periods are dropped at the end of a word and in runs ("..."), kept inside it ("3.5", "e.g");
// clitics 's 're 've 'll 'd 'm n't become their own tokens; other apostrophes and standalone - and --
// are dropped; hyphens inside words are kept. Known differences from CoreNLP: other symbols ($ % # & /)
// stay attached to their word where PTB may split them off, abbreviations lose their final period
// ("mr." -> "mr"), and non-ASCII bytes are kept unchanged (not lowercased).
std::vector<std::string> cocoTokenize(const std::string& caption);

struct CaptionMetrics {
    WerResult wer;
    double rougeL = 0, bleu4 = 0, cider = 0;
    int64_t count = 0;
};

// WER and ROUGE-L use the first reference of each image; BLEU-4 and CIDEr-D use all of them.
CaptionMetrics computeCaptionMetrics(const std::vector<std::string>& predictions,
                                     const std::vector<std::vector<std::string>>& references);

} // namespace captioner
