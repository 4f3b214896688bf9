#pragma once
// BatchLoader feeds training: worker threads decode and preprocess images and tokenize captions
// ahead of the training step, and next() hands the batches out in a fixed order. Everything about
// a batch (which examples, which of their captions) is a function of (seed, epoch, batch index)
// only, so results do not depend on the number of workers or on timing. Memory is bounded: at most
// prefetchBatches batches are being built or waiting. Text is padded as Hugging Face's GitProcessor
// does with padding=True: to the longest caption in the batch, on the right, with the tokenizer's
// pad id and attention mask 0 there. A bad image never throws from a worker: it is left out of its
// batch and listed in Batch::skipped. Use from one consumer thread; the destructor stops and joins
// the workers.
#include "captioner/clip_image_processor.h"
#include "captioner/example_renderer.h"
#include "captioner/tokenizer.h"

#include <torch/types.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace captioner {

struct TrainingExample {
    std::string imagePath;
    std::vector<std::string> captions; // one is sampled per epoch
};

struct SkippedExample {
    size_t index = 0; // into the examples given to the loader
    std::string imagePath;
    std::string reason;
};

struct Batch {
    torch::Tensor pixelValues;           // [B,3,H,W] float32
    torch::Tensor inputIds;              // [B,L] int64: [CLS] tokens [SEP], then pad ids
    torch::Tensor attentionMask;         // [B,L] int64: 1 on tokens, 0 on padding
    std::vector<size_t> indices;         // example index of each row
    std::vector<std::string> captions;   // the caption sampled for each row
    std::vector<SkippedExample> skipped; // examples of this batch left out (B counts only the others)
    int64_t batchIndex = 0;              // position within the epoch
};

struct BatchLoaderOptions {
    int batchSize = 32;
    bool shuffle = true;
    uint64_t seed = 42;
    int workers = 2;
    int prefetchBatches = 4; // >= workers keeps every worker busy
    int maxTextLength = 0;   // tokens including [CLS] and [SEP]; longer captions are cut (0: never)
    bool dropLast = false;
    // Data parallel: batchSize is per process and the epoch is cut into global batches of
    // batchSize * shardCount in the one seeded order; this loader builds part shardIndex of each
    // (shardRange), so the shards together read exactly the batches one process would.
    int shardIndex = 0;
    int shardCount = 1;
    // When set, every example's image and caption come from renderer(epoch, index) instead of its file
    // and captions (which are then not read).
    ExampleRenderer renderer;
};

struct BatchLoaderStats {
    int64_t batchesBuilt = 0; // by the workers since construction (also counts discarded ones)
    int64_t maxPending = 0;   // the most batches ever claimed but not yet handed out at once
};

class BatchLoader {
public:
    // Throws Error for bad options (batch size < 1, no tokenizer, ...).
    BatchLoader(std::vector<TrainingExample> examples, const ClipImageProcessor& processor,
                std::shared_ptr<const Tokenizer> tokenizer, BatchLoaderOptions options);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    // Starts (or restarts) an epoch: the order is a permutation seeded by (seed, epoch) and so is
    // the caption chosen per example. Workers start prefetching at firstBatch at once.
    void startEpoch(int epoch, int64_t firstBatch = 0);
    // The next batch in order, blocking until it is ready; nullopt at the end of the epoch.
    // A batch whose every example was bad comes back with zero rows and the reasons in skipped.
    // Throws Error if startEpoch was not called, or if building the batch failed as a whole.
    std::optional<Batch> next();
    // Skips n batches of the current epoch without decoding them (resuming mid-epoch).
    void skipBatches(int64_t n);

    int64_t batchesPerEpoch() const;
    size_t size() const { return m_examples.size(); }
    BatchLoaderStats stats() const;

private:
    struct EpochPlan;
    struct Result {
        std::optional<Batch> batch;
        std::string error;
    };
    void workerLoop();
    Result build(const EpochPlan& plan, int64_t batchIndex) const;

    std::vector<TrainingExample> m_examples;
    ClipImageProcessor m_processor;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    BatchLoaderOptions m_options;

    // Batch pixel tensors are built into buffers that come back once the trainer has let go of them:
    // a fresh 1.8 MB tensor per batch cost the loader ~430 page faults per batch (glibc hands large
    // blocks back to the kernel), on the cores the training runs on.
    torch::Tensor stackPooled(const std::vector<torch::Tensor>& pixels) const;
    mutable std::mutex m_poolMutex;
    mutable std::vector<torch::Tensor> m_pixelPool;

    mutable std::mutex m_mutex;
    std::condition_variable m_workCv, m_readyCv;
    std::shared_ptr<const EpochPlan> m_plan;
    uint64_t m_generation = 0;
    int64_t m_nextToClaim = 0, m_nextToDeliver = 0;
    std::map<int64_t, Result> m_ready;
    bool m_stop = false;
    BatchLoaderStats m_stats;
    std::vector<std::thread> m_workers;
};

} // namespace captioner
