#include "model/bf16_gemv.h"

#include <ATen/Parallel.h>

#include <c10/util/BFloat16.h>

#include <atomic>
#include <cstdint>
#include <thread>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CAPTIONER_BF16_GEMV 1
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace captioner::detail {
namespace {

#ifdef CAPTIONER_BF16_GEMV

// From cpuid itself, not detectCpuCapabilities(): that reads /proc/cpuinfo, which tests replace with a
// fake ($CAPTIONER_CPUINFO), and it does not check AVX512BW or the OS's AVX-512 state.
bool detectSupport() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(1, 0, &a, &b, &c, &d) || !(c & (1u << 27))) return false; // OSXSAVE
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6u) != 0xE6u) return false; // the OS saves SSE, AVX and the three AVX-512 state parts
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool avx512fBw = (b & (1u << 16)) && (b & (1u << 30));
    if (!avx512fBw || !__get_cpuid_count(7, 1, &a, &b, &c, &d)) return false;
    return (a & (1u << 5)) != 0; // AVX512_BF16
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
__attribute__((target("avx512f,avx512bw,avx512bf16"))) void gemvRows(const uint16_t* weight, const uint16_t* x,
                                                                     const uint16_t* bias, uint16_t* out, int64_t begin,
                                                                     int64_t end, int64_t in) {
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

#endif

} // namespace

// One job at a time: the creating thread writes the job, publishes it by bumping `posted`, runs its own
// rows and waits until `done` equals `posted`.
struct Bf16GemvPartner::State {
    const uint16_t *weight = nullptr, *x = nullptr, *bias = nullptr;
    uint16_t* out = nullptr;
    int64_t rows = 0, in = 0; // the partner's rows: the first `rows` of the matrix
    std::atomic<uint64_t> posted{0}, done{0};
    std::atomic<bool> stop{false};
    std::thread thread;
};

namespace {

thread_local Bf16GemvPartner::State* t_partner = nullptr;

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

void partnerLoop(Bf16GemvPartner::State* s) {
    uint64_t seen = 0;
    for (;;) {
        Backoff backoff;
        uint64_t posted;
        while ((posted = s->posted.load(std::memory_order_acquire)) == seen) {
            if (s->stop.load(std::memory_order_acquire)) return;
            backoff.wait();
        }
        seen = posted;
#ifdef CAPTIONER_BF16_GEMV
        gemvRows(s->weight, s->x, s->bias, s->out, 0, s->rows, s->in);
#endif
        s->done.store(seen, std::memory_order_release);
    }
}

} // namespace

Bf16GemvPartner::Bf16GemvPartner() : m_state(std::make_unique<State>()) {
    m_state->thread = std::thread(partnerLoop, m_state.get());
    if (!t_partner) t_partner = m_state.get();
}

Bf16GemvPartner::~Bf16GemvPartner() {
    if (t_partner == m_state.get()) t_partner = nullptr;
    m_state->stop.store(true, std::memory_order_release);
    m_state->thread.join();
}

bool bf16GemvSupported() {
#ifdef CAPTIONER_BF16_GEMV
    static const bool supported = detectSupport();
    return supported;
#else
    return false;
#endif
}

bool bf16Gemv(const torch::Tensor& weight, const torch::Tensor& x, const torch::Tensor& bias,
              const torch::Tensor& out) {
#ifdef CAPTIONER_BF16_GEMV
    if (!bf16GemvSupported()) return false;
    const auto bf16 = torch::kBFloat16;
    if (weight.dim() != 2 || weight.scalar_type() != bf16 || x.scalar_type() != bf16 || out.scalar_type() != bf16 ||
        !weight.device().is_cpu() || !x.device().is_cpu() || !out.device().is_cpu() || !weight.is_contiguous() ||
        !x.is_contiguous() || !out.is_contiguous())
        return false;
    const int64_t rows = weight.size(0), in = weight.size(1);
    if (x.numel() != in || out.numel() != rows) return false;
    if (bias.defined() &&
        (bias.scalar_type() != bf16 || !bias.device().is_cpu() || !bias.is_contiguous() || bias.numel() != rows))
        return false;
    const auto* w = reinterpret_cast<const uint16_t*>(weight.data_ptr<at::BFloat16>());
    const auto* xv = reinterpret_cast<const uint16_t*>(x.data_ptr<at::BFloat16>());
    const auto* b = bias.defined() ? reinterpret_cast<const uint16_t*>(bias.data_ptr<at::BFloat16>()) : nullptr;
    auto* y = reinterpret_cast<uint16_t*>(out.data_ptr<at::BFloat16>());
    if (Bf16GemvPartner::State* p = t_partner; p && rows >= 128) {
        const int64_t split = rows / 2;
        p->weight = w;
        p->x = xv;
        p->bias = b;
        p->out = y;
        p->rows = split;
        p->in = in;
        const uint64_t job = p->posted.load(std::memory_order_relaxed) + 1;
        p->posted.store(job, std::memory_order_release);
        gemvRows(w, xv, b, y, split, rows, in);
        Backoff backoff;
        while (p->done.load(std::memory_order_acquire) != job) backoff.wait();
        return true;
    }
    // At least 64 rows (~100 KB of git-base weights) per thread, so a small matrix stays on one thread.
    at::parallel_for(0, rows, 64, [&](int64_t begin, int64_t end) { gemvRows(w, xv, b, y, begin, end, in); });
    return true;
#else
    (void)weight, (void)x, (void)bias, (void)out;
    return false;
#endif
}

} // namespace captioner::detail
