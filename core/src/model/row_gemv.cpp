#include "model/row_gemv.h"

#include "model/avx2_sums.h"

#include <ATen/Parallel.h>

#include <c10/util/BFloat16.h>

#include <atomic>
#include <cstdint>
#include <thread>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CAPTIONER_ROW_GEMV 1
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace captioner::detail {
namespace {

#ifdef CAPTIONER_ROW_GEMV

// From cpuid itself, not detectCpuCapabilities(): that reads /proc/cpuinfo, which tests replace with a
// fake ($CAPTIONER_CPUINFO), and it does not check what the OS saves.
unsigned savedVectorState() { // XCR0, 0 where the OS enables no XSAVE
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(1, 0, &a, &b, &c, &d) || !(c & (1u << 27))) return 0; // OSXSAVE
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return lo;
}

bool detectBf16Support() {
    if ((savedVectorState() & 0xE6u) != 0xE6u) return false; // SSE, AVX and the three AVX-512 state parts
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool avx512fBw = (b & (1u << 16)) && (b & (1u << 30));
    if (!avx512fBw || !__get_cpuid_count(7, 1, &a, &b, &c, &d)) return false;
    return (a & (1u << 5)) != 0; // AVX512_BF16
}

bool detectFp32Support() {
    if ((savedVectorState() & 0x6u) != 0x6u) return false; // SSE and AVX state
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(1, 0, &a, &b, &c, &d) || !(c & (1u << 12)) || !(c & (1u << 28))) return false; // FMA, AVX
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 5));                                    // AVX2
}

// The sixteen lanes' sum (stored and added: GCC 12's _mm512_reduce_add_ps trips -Wmaybe-uninitialized).
__attribute__((target("avx512f"))) inline float horizontalSum(__m512 acc) {
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, acc);
    float sum = 0;
    for (float v : lanes) sum += v;
    return sum;
}

// One weight row after the other, each read as one stream into four accumulators: on the AMD EPYC of
// issue 19 this reads 15.6 GB/s on one core, where four rows interleaved (sharing each load of x) read
// 11.6 GB/s (a plain streaming read: 16-20 GB/s).
__attribute__((target("avx512f,avx512bw,avx512bf16"))) void bf16Rows(const void* weightPtr, const void* xPtr,
                                                                     const void* biasPtr, void* outPtr, int64_t begin,
                                                                     int64_t end, int64_t in) {
    const auto* weight = static_cast<const uint16_t*>(weightPtr);
    const auto* x = static_cast<const uint16_t*>(xPtr);
    const auto* bias = static_cast<const uint16_t*>(biasPtr);
    auto* out = static_cast<uint16_t*>(outPtr);
    const int64_t by128 = in / 128 * 128, by32 = in / 32 * 32;
    const int tail = int(in - by32);
    const __mmask32 tailMask = tail == 0 ? 0 : __mmask32((1u << tail) - 1u);
// (Macros, not lambdas: a lambda does not inherit the function's target instructions.)
#define CAPTIONER_LOAD(p) ((__m512bh)_mm512_loadu_si512(p))
    for (int64_t row = begin; row < end; ++row) {
        const uint16_t* w = weight + row * in;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
        int64_t i = 0;
        for (; i < by128; i += 128) {
            a0 = _mm512_dpbf16_ps(a0, CAPTIONER_LOAD(w + i), CAPTIONER_LOAD(x + i));
            a1 = _mm512_dpbf16_ps(a1, CAPTIONER_LOAD(w + i + 32), CAPTIONER_LOAD(x + i + 32));
            a2 = _mm512_dpbf16_ps(a2, CAPTIONER_LOAD(w + i + 64), CAPTIONER_LOAD(x + i + 64));
            a3 = _mm512_dpbf16_ps(a3, CAPTIONER_LOAD(w + i + 96), CAPTIONER_LOAD(x + i + 96));
        }
        for (; i < by32; i += 32) a0 = _mm512_dpbf16_ps(a0, CAPTIONER_LOAD(w + i), CAPTIONER_LOAD(x + i));
        if (tail)
            a1 = _mm512_dpbf16_ps(a1, (__m512bh)_mm512_maskz_loadu_epi16(tailMask, w + by32),
                                  (__m512bh)_mm512_maskz_loadu_epi16(tailMask, x + by32));
        const float sum = horizontalSum(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
        const float b = bias ? static_cast<float>(c10::BFloat16(bias[row], c10::BFloat16::from_bits())) : 0.0f;
        out[row] = c10::BFloat16(sum + b).x; // rounded to nearest even, as LibTorch converts
    }
#undef CAPTIONER_LOAD
}

// float32 rows: each weight row read as one stream into four accumulators of eight lanes; elements past the
// last whole vector of eight through a masked load (zeros beyond the row).
__attribute__((target("avx2,fma"))) void fp32Rows(const void* weightPtr, const void* xPtr, const void* biasPtr,
                                                  void* outPtr, int64_t begin, int64_t end, int64_t in) {
    const auto* weight = static_cast<const float*>(weightPtr);
    const auto* x = static_cast<const float*>(xPtr);
    const auto* bias = static_cast<const float*>(biasPtr);
    auto* out = static_cast<float*>(outPtr);
    const int64_t by32 = in / 32 * 32, by8 = in / 8 * 8;
    const int tail = int(in - by8);
    alignas(32) int32_t maskLanes[8];
    for (int lane = 0; lane < 8; ++lane) maskLanes[lane] = lane < tail ? -1 : 0;
    const __m256i tailMask = _mm256_load_si256(reinterpret_cast<const __m256i*>(maskLanes));
    for (int64_t row = begin; row < end; ++row) {
        const float* w = weight + row * in;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        int64_t i = 0;
        for (; i < by32; i += 32) {
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 16), _mm256_loadu_ps(x + i + 16), a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 24), _mm256_loadu_ps(x + i + 24), a3);
        }
        for (; i < by8; i += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
        if (tail)
            a1 = _mm256_fmadd_ps(_mm256_maskload_ps(w + by8, tailMask), _mm256_maskload_ps(x + by8, tailMask), a1);
        const float sum = sumOfEightLanes(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
        out[row] = bias ? sum + bias[row] : sum;
    }
}

#endif

} // namespace

using RowKernel = void (*)(const void* weight, const void* x, const void* bias, void* out, int64_t begin, int64_t end,
                           int64_t in);

// One job at a time: the creating thread writes the job, publishes it by bumping `posted`, runs its own
// rows and waits until `done` equals `posted`.
struct RowGemvPartner::State {
    RowKernel kernel = nullptr;
    const void *weight = nullptr, *x = nullptr, *bias = nullptr;
    void* out = nullptr;
    int64_t rows = 0, in = 0; // the partner's rows: the first `rows` of the matrix
    std::atomic<uint64_t> posted{0}, done{0};
    std::atomic<bool> stop{false};
    std::thread thread;
};

namespace {

thread_local RowGemvPartner::State* t_partner = nullptr;

// Spin with the CPU's pause hint; past a few thousand rounds give the core away at every round, so a
// partner left waiting on a busy machine costs next to nothing.
class Backoff {
public:
    void wait() {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        if (++m_rounds > 4096) std::this_thread::yield();
    }

private:
    int m_rounds = 0;
};

void partnerLoop(RowGemvPartner::State* s) {
    uint64_t seen = 0;
    for (;;) {
        Backoff backoff;
        uint64_t posted;
        while ((posted = s->posted.load(std::memory_order_acquire)) == seen) {
            if (s->stop.load(std::memory_order_acquire)) return;
            backoff.wait();
        }
        seen = posted;
        s->kernel(s->weight, s->x, s->bias, s->out, 0, s->rows, s->in);
        s->done.store(seen, std::memory_order_release);
    }
}

} // namespace

RowGemvPartner::RowGemvPartner() : m_state(std::make_unique<State>()) {
    m_state->thread = std::thread(partnerLoop, m_state.get());
    if (!t_partner) t_partner = m_state.get();
}

RowGemvPartner::~RowGemvPartner() {
    if (t_partner == m_state.get()) t_partner = nullptr;
    m_state->stop.store(true, std::memory_order_release);
    m_state->thread.join();
}

#ifdef CAPTIONER_ROW_GEMV
namespace {

// Rows split with the calling thread's partner where it has one (the partner the first half), else over
// LibTorch's threads, at least 64 rows (~100-200 KB of git-base weights) per thread, so a small matrix
// stays on one thread.
void runRows(RowKernel kernel, const void* w, const void* x, const void* b, void* y, int64_t rows, int64_t in) {
    if (RowGemvPartner::State* p = t_partner; p && rows >= 128) {
        const int64_t split = rows / 2;
        p->kernel = kernel;
        p->weight = w;
        p->x = x;
        p->bias = b;
        p->out = y;
        p->rows = split;
        p->in = in;
        const uint64_t job = p->posted.load(std::memory_order_relaxed) + 1;
        p->posted.store(job, std::memory_order_release);
        kernel(w, x, b, y, split, rows, in);
        Backoff backoff;
        while (p->done.load(std::memory_order_acquire) != job) backoff.wait();
        return;
    }
    at::parallel_for(0, rows, 64, [&](int64_t begin, int64_t end) { kernel(w, x, b, y, begin, end, in); });
}

// The checks both kernels make: a contiguous CPU matrix of `type`, a row and an output of its sizes, a bias
// of its rows or none.
bool acceptable(const torch::Tensor& weight, const torch::Tensor& x, const torch::Tensor& bias,
                const torch::Tensor& out, torch::ScalarType type) {
    const auto ok = [type](const torch::Tensor& t) {
        return t.scalar_type() == type && t.device().is_cpu() && t.is_contiguous();
    };
    if (weight.dim() != 2 || !ok(weight) || !ok(x) || !ok(out)) return false;
    if (x.numel() != weight.size(1) || out.numel() != weight.size(0)) return false;
    return !bias.defined() || (ok(bias) && bias.numel() == weight.size(0));
}

// One entry point's work: where the CPU has the kernel and the tensors suit it, the product through it.
bool gemvThrough(bool supported, RowKernel kernel, torch::ScalarType type, const torch::Tensor& weight,
                 const torch::Tensor& x, const torch::Tensor& bias, const torch::Tensor& out) {
    if (!supported || !acceptable(weight, x, bias, out, type)) return false;
    runRows(kernel, weight.data_ptr(), x.data_ptr(), bias.defined() ? bias.data_ptr() : nullptr, out.data_ptr(),
            weight.size(0), weight.size(1));
    return true;
}

} // namespace
#endif

bool bf16GemvSupported() {
#ifdef CAPTIONER_ROW_GEMV
    static const bool supported = detectBf16Support();
    return supported;
#else
    return false;
#endif
}

bool fp32GemvSupported() {
#ifdef CAPTIONER_ROW_GEMV
    static const bool supported = detectFp32Support();
    return supported;
#else
    return false;
#endif
}

bool bf16Gemv(const torch::Tensor& weight, const torch::Tensor& x, const torch::Tensor& bias,
              const torch::Tensor& out) {
#ifdef CAPTIONER_ROW_GEMV
    return gemvThrough(bf16GemvSupported(), bf16Rows, torch::kBFloat16, weight, x, bias, out);
#else
    (void)weight, (void)x, (void)bias, (void)out;
    return false;
#endif
}

bool fp32Gemv(const torch::Tensor& weight, const torch::Tensor& x, const torch::Tensor& bias,
              const torch::Tensor& out) {
#ifdef CAPTIONER_ROW_GEMV
    return gemvThrough(fp32GemvSupported(), fp32Rows, torch::kFloat32, weight, x, bias, out);
#else
    (void)weight, (void)x, (void)bias, (void)out;
    return false;
#endif
}

} // namespace captioner::detail
