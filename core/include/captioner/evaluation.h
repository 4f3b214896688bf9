#pragma once
// Evaluation of a GIT checkpoint on captioned images, as the trainer runs it at every eval step and
// `captioner eval` runs it alone. One pass gives:
// - loss: the model's caption loss (first caption of each image, pad positions ignored), averaged over
//   images like Trainer.evaluate's eval_loss;
// - werTeacherForced: the metric the Hugging Face guide computes: argmax of the logits with the
//   reference fed in (teacher forcing), decoded, against the decoded reference. The guide's code also
//   decodes the logits of the image positions; here only the text positions count, each predicting
//   the next token, which is what that metric means;
// - generated: greedy captions (generate, max_length) scored with WER (first reference), ROUGE-L
//   (first reference), BLEU-4 and CIDEr-D (all references). WER compares against the references as
//   the tokenizer gives them back (encode then decode, as the guide's decoded labels), since an uncased
//   tokenizer can never produce capitals.
// Free of LibTorch (TrainingEvent carries an EvalResult); running it needs captioner/checkpoint.h.
#include "captioner/metrics.h"
#include "captioner/precision.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace captioner {

class CaptionDataset;
class Tokenizer;
struct GitCheckpoint;

struct EvalExample {
    std::string imagePath;
    std::vector<std::string> captions; // the first one is the reference for loss, WER and ROUGE-L
};

// The examples of dataset items `indices` (items without captions are left out).
std::vector<EvalExample> evalExamplesFor(const CaptionDataset& dataset, const std::vector<size_t>& indices);

struct EvalOptions {
    int batchSize = 32;
    int maxLength = 50;     // generation max_length (counts the start token)
    int generateLimit = -1; // how many images get generated captions: -1 all, 0 none (loss only)
    int sampleCount = 4;    // sample captions returned (the first images)
    Precision precision = Precision::Fp32;
    int workers = 2;                                           // image decoding threads
    std::function<bool()> shouldCancel;                        // polled between batches
    std::function<void(int64_t done, int64_t total)> progress; // images done, per batch
};

struct EvalSample {
    std::string imagePath;
    std::string prediction; // generated caption
    std::string reference;  // first reference
};

struct EvalResult {
    double loss = 0;
    WerResult werTeacherForced;
    CaptionMetrics generated; // count 0 when nothing was generated
    int64_t count = 0;        // images evaluated (loss and teacher-forced WER)
    double runtimeSeconds = 0;
    std::vector<EvalSample> samples;
    std::vector<std::string> skipped; // "path: reason" of images that could not be read
    bool cancelled = false;
};

// A reference caption as the trainer's generated-caption WER sees it: encoded as the batch loader
// encodes captions (truncated to maxTextLength tokens ending with the end token; 0: no limit) and
// decoded again, so an uncased tokenizer's lower-casing and spacing do not count as errors.
std::string tokenizedReference(const Tokenizer& tokenizer, const std::string& caption, int maxTextLength);

// The trainer's generated-caption metrics (EvalResult::generated) of captions made elsewhere
// (`captioner compare`, the app's compare view): WER against each first reference as
// tokenizedReference gives it, ROUGE-L, BLEU-4 and CIDEr-D as computeCaptionMetrics. maxTextLength is
// the checkpoint's max_position_embeddings, as the trainer's batch loader uses it.
CaptionMetrics generatedCaptionMetrics(const Tokenizer& tokenizer, int maxTextLength,
                                       const std::vector<std::string>& predictions,
                                       const std::vector<std::vector<std::string>>& references);

// Runs in eval mode (restored after) under `options.precision`, on the model's device. Throws Error
// when no example can be evaluated; unreadable images are skipped and listed.
EvalResult evaluateCheckpoint(GitCheckpoint& checkpoint, const std::vector<EvalExample>& examples,
                              const EvalOptions& options);

} // namespace captioner
