// Parallel, deterministic batch loading for training (see batch_loader.h).
#include "captioner/batch_loader.h"

#include "util/seeding.h"

#include "captioner/distributed.h"
#include "captioner/error.h"
#include "captioner/image_io.h"

#include <torch/torch.h>

#include <algorithm>
#include <random>

namespace captioner {

struct BatchLoader::EpochPlan {
    int epoch = 0;
    std::vector<size_t> order;          // example index at each position of the epoch
    std::vector<uint32_t> captionIndex; // chosen caption, per example index
    int64_t numBatches = 0;
};

namespace {

using detail::splitMix64;

// Separate streams for the order and the captions, so turning shuffle off keeps the captions.
std::mt19937_64 epochRng(uint64_t seed, int epoch, uint64_t stream) {
    return std::mt19937_64(splitMix64(seed ^ splitMix64(uint64_t(int64_t(epoch)) * 0x9E3779B97F4A7C15ull + stream)));
}

} // namespace

BatchLoader::BatchLoader(std::vector<TrainingExample> examples, const ClipImageProcessor& processor,
                         std::shared_ptr<const Tokenizer> tokenizer, BatchLoaderOptions options)
    : m_examples(std::move(examples)), m_processor(processor), m_tokenizer(std::move(tokenizer)), m_options(options) {
    if (!m_tokenizer) throw Error("batch loader", "no tokenizer given");
    if (m_options.batchSize < 1)
        throw Error("batch loader", "batch size must be at least 1 (got " + std::to_string(m_options.batchSize) + ")");
    if (m_options.shardCount < 1 || m_options.shardIndex < 0 || m_options.shardIndex >= m_options.shardCount)
        throw Error("batch loader", "shard " + std::to_string(m_options.shardIndex) + " of " +
                                        std::to_string(m_options.shardCount) + " does not exist");
    if (m_options.maxTextLength != 0 && m_options.maxTextLength < 2)
        throw Error("batch loader", "maximum text length must be 0 (none) or at least 2 (got " +
                                        std::to_string(m_options.maxTextLength) + ")");
    m_options.workers = std::clamp(m_options.workers, 1, 64);
    m_options.prefetchBatches = std::max(1, m_options.prefetchBatches);
    for (int i = 0; i < m_options.workers; ++i) m_workers.emplace_back([this] { workerLoop(); });
}

BatchLoader::~BatchLoader() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_workCv.notify_all();
    for (auto& t : m_workers) t.join();
}

int64_t BatchLoader::batchesPerEpoch() const {
    const auto n = int64_t(m_examples.size()), b = int64_t(m_options.batchSize) * m_options.shardCount;
    return m_options.dropLast ? n / b : (n + b - 1) / b;
}

void BatchLoader::startEpoch(int epoch, int64_t firstBatch) {
    auto plan = std::make_shared<EpochPlan>();
    plan->epoch = epoch;
    plan->numBatches = batchesPerEpoch();
    const size_t n = m_examples.size();
    plan->order.resize(n);
    for (size_t i = 0; i < n; ++i) plan->order[i] = i;
    if (m_options.shuffle) {
        // Own Fisher-Yates: std::shuffle's algorithm differs between standard libraries.
        std::mt19937_64 rng = epochRng(m_options.seed, epoch, 1);
        for (size_t i = n; i > 1; --i) std::swap(plan->order[i - 1], plan->order[size_t(rng() % i)]);
    }
    std::mt19937_64 captionRng = epochRng(m_options.seed, epoch, 2);
    plan->captionIndex.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const uint64_t r = captionRng();
        const size_t count = m_examples[i].captions.size();
        plan->captionIndex[i] = count ? uint32_t(r % count) : 0;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_generation;
        m_plan = std::move(plan);
        m_ready.clear();
        m_nextToDeliver = m_nextToClaim = std::clamp<int64_t>(firstBatch, 0, m_plan->numBatches);
    }
    m_workCv.notify_all();
}

void BatchLoader::skipBatches(int64_t n) {
    if (n <= 0) return;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_plan) throw Error("batch loader", "startEpoch was not called");
        m_nextToDeliver = std::min(m_plan->numBatches, m_nextToDeliver + n);
        m_nextToClaim = std::max(m_nextToClaim, m_nextToDeliver);
        m_ready.erase(m_ready.begin(), m_ready.lower_bound(m_nextToDeliver));
    }
    m_workCv.notify_all();
}

std::optional<Batch> BatchLoader::next() {
    Result result;
    int64_t index = 0;
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (!m_plan) throw Error("batch loader", "startEpoch was not called");
        if (m_nextToDeliver >= m_plan->numBatches) return std::nullopt;
        index = m_nextToDeliver;
        m_readyCv.wait(lock, [&] { return m_ready.count(index) != 0; });
        auto node = m_ready.extract(index);
        result = std::move(node.mapped());
        ++m_nextToDeliver;
    }
    m_workCv.notify_all();
    if (!result.error.empty()) throw Error("batch " + std::to_string(index), result.error);
    return std::move(result.batch);
}

BatchLoaderStats BatchLoader::stats() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_stats;
}

void BatchLoader::workerLoop() {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_workCv.wait(lock, [&] {
            return m_stop || (m_plan && m_nextToClaim < m_plan->numBatches &&
                              m_nextToClaim < m_nextToDeliver + m_options.prefetchBatches);
        });
        if (m_stop) return;
        const int64_t index = m_nextToClaim++;
        m_stats.maxPending = std::max(m_stats.maxPending, m_nextToClaim - m_nextToDeliver);
        const std::shared_ptr<const EpochPlan> plan = m_plan;
        const uint64_t generation = m_generation;
        lock.unlock();
        Result r = build(*plan, index);
        lock.lock();
        ++m_stats.batchesBuilt;
        // A restart or skip may have made this batch unwanted while it was being built.
        if (generation == m_generation && index >= m_nextToDeliver) {
            m_ready.emplace(index, std::move(r));
            m_readyCv.notify_all();
        }
    }
}

torch::Tensor BatchLoader::stackPooled(const std::vector<torch::Tensor>& pixels) const {
    std::vector<int64_t> shape = {static_cast<int64_t>(pixels.size())};
    for (const int64_t d : pixels.front().sizes()) shape.push_back(d);
    // Enough for every batch in flight (queued, being built, in the trainer's step) to have its own.
    const size_t poolSize =
        static_cast<size_t>(std::max(1, m_options.workers) + std::max(1, m_options.prefetchBatches) + 2);
    torch::Tensor out;
    {
        std::lock_guard<std::mutex> lock(m_poolMutex);
        for (const auto& t : m_pixelPool)
            // Only the pool holds it (no tensor, no view of its storage anywhere else): free to reuse.
            if (t.use_count() == 1 && t.storage().use_count() == 1 && t.sizes() == at::IntArrayRef(shape) &&
                t.scalar_type() == pixels.front().scalar_type()) {
                out = t;
                break;
            }
        if (!out.defined() && m_pixelPool.size() < poolSize) {
            out = torch::empty(shape, pixels.front().options());
            m_pixelPool.push_back(out);
        }
    }
    if (!out.defined()) return torch::stack(pixels);
    torch::stack_out(out, pixels);
    return out;
}

BatchLoader::Result BatchLoader::build(const EpochPlan& plan, int64_t batchIndex) const {
    Result result;
    try {
        Batch batch;
        batch.batchIndex = batchIndex;
        const size_t global = size_t(m_options.batchSize) * size_t(m_options.shardCount);
        const size_t globalBegin = size_t(batchIndex) * global;
        const size_t globalEnd = std::min(globalBegin + global, plan.order.size());
        const ShardRange part = shardRange(globalEnd - globalBegin, m_options.shardIndex, m_options.shardCount);
        const size_t begin = globalBegin + part.begin, end = globalBegin + part.end;
        std::vector<torch::Tensor> pixels;
        std::vector<std::vector<int64_t>> ids;
        for (size_t k = begin; k < end; ++k) {
            const size_t idx = plan.order[k];
            const TrainingExample& ex = m_examples[idx];
            const bool rendered = static_cast<bool>(m_options.renderer);
            if (ex.captions.empty() && !rendered) {
                batch.skipped.push_back({idx, ex.imagePath, "no caption"});
                continue;
            }
            std::string caption;
            try {
                if (rendered) {
                    RenderedExample made = m_options.renderer(plan.epoch, idx);
                    pixels.push_back(m_processor.preprocess(made.rgb));
                    caption = std::move(made.caption);
                } else {
                    pixels.push_back(m_processor.preprocess(decodeImageRgb(ex.imagePath)));
                    caption = ex.captions[plan.captionIndex[idx]];
                }
            } catch (const Error& e) {
                batch.skipped.push_back({idx, ex.imagePath, e.reason()});
                continue;
            } catch (const std::exception& e) {
                batch.skipped.push_back({idx, ex.imagePath, e.what()});
                continue;
            }
            std::vector<int64_t> tokens = m_tokenizer->encode(caption, true);
            // As HF's truncation: keep [CLS] and the first tokens, end with [SEP].
            if (m_options.maxTextLength > 0 && int64_t(tokens.size()) > m_options.maxTextLength) {
                tokens.resize(size_t(m_options.maxTextLength));
                tokens.back() = m_tokenizer->sepTokenId();
            }
            ids.push_back(std::move(tokens));
            batch.indices.push_back(idx);
            batch.captions.push_back(caption);
        }
        const int64_t rows = int64_t(ids.size());
        size_t longest = 0;
        for (const auto& t : ids) longest = std::max(longest, t.size());
        if (rows > 0) {
            batch.pixelValues = stackPooled(pixels);
        } else {
            const int h = m_processor.outputHeight(), w = m_processor.outputWidth();
            batch.pixelValues = torch::empty({0, 3, h, w}, torch::kFloat32);
        }
        batch.inputIds = torch::full({rows, int64_t(longest)}, m_tokenizer->padTokenId(), torch::kInt64);
        batch.attentionMask = torch::zeros({rows, int64_t(longest)}, torch::kInt64);
        auto idsAcc = batch.inputIds.accessor<int64_t, 2>();
        auto maskAcc = batch.attentionMask.accessor<int64_t, 2>();
        for (int64_t r = 0; r < rows; ++r) {
            const auto& t = ids[size_t(r)];
            for (size_t c = 0; c < t.size(); ++c) {
                idsAcc[r][int64_t(c)] = t[c];
                maskAcc[r][int64_t(c)] = 1;
            }
        }
        result.batch = std::move(batch);
    } catch (const std::exception& e) {
        result.error = e.what();
        result.batch.reset();
    }
    return result;
}

} // namespace captioner
