#include "model/row_attention.h"

#include "model/avx2_sums.h"
#include "model/row_gemv.h"

#include <c10/util/BFloat16.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <vector>

namespace captioner::detail {
namespace {

#ifdef CAPTIONER_AVX2_SUMS

// Eight elements as floats: float32 as they are, bfloat16 widened (its bits are a float's upper half).
__attribute__((target("avx2,fma"))) inline __m256 loadEight(const float* p) { return _mm256_loadu_ps(p); }
__attribute__((target("avx2,fma"))) inline __m256 loadEight(const uint16_t* p) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}
inline float toFloat(float v) { return v; }
inline float toFloat(uint16_t bits) { return static_cast<float>(c10::BFloat16(bits, c10::BFloat16::from_bits())); }

// a . b over n elements (a float32): two accumulators of eight lanes, then whatever is left one by one.
template <class T> __attribute__((target("avx2,fma"))) float dot(const float* a, const T* b, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), loadEight(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), loadEight(b + i + 8), s1);
    }
    if (i + 8 <= n) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), loadEight(b + i), s0);
        i += 8;
    }
    float sum = sumOfEightLanes(_mm256_add_ps(s0, s1));
    for (; i < n; ++i) sum = std::fma(a[i], toFloat(b[i]), sum);
    return sum;
}

// acc[0..n) += p * v[0..n)
template <class T> __attribute__((target("avx2,fma"))) void addScaled(float* acc, float p, const T* v, int64_t n) {
    const __m256 pv = _mm256_set1_ps(p);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(pv, loadEight(v + i), _mm256_loadu_ps(acc + i)));
    for (; i < n; ++i) acc[i] = std::fma(p, toFloat(v[i]), acc[i]);
}

// One head: scores over `images` image keys then `texts` text keys, softmax, context into out[0..d), all in
// float32. probs: scratch of images + texts floats, left holding the head's probabilities.
template <class T>
__attribute__((target("avx2,fma"))) void attendHead(const float* q, const T* imageKeys, const T* imageValues,
                                                    const T* textKeys, const T* textValues, int64_t images,
                                                    int64_t texts, int64_t d, float scale, float* probs, float* out) {
    const int64_t n = images + texts;
    float maxScore = -INFINITY;
    for (int64_t j = 0; j < n; ++j) {
        const T* k = j < images ? imageKeys + j * d : textKeys + (j - images) * d;
        probs[j] = dot(q, k, d) / scale;
        maxScore = std::fmax(maxScore, probs[j]);
    }
    float sum = 0;
    for (int64_t j = 0; j < n; ++j) {
        probs[j] = std::exp(probs[j] - maxScore);
        sum += probs[j];
    }
    for (int64_t j = 0; j < n; ++j) probs[j] /= sum;
    for (int64_t i = 0; i < d; ++i) out[i] = 0;
    for (int64_t j = 0; j < images; ++j) addScaled(out, probs[j], imageValues + j * d, d);
    for (int64_t j = 0; j < texts; ++j) addScaled(out, probs[images + j], textValues + j * d, d);
}

// The whole row for element type T (float or bf16 bits); shapes checked by the caller.
template <class T>
void attendRow(const torch::Tensor& q, const torch::Tensor& imageKeys, const torch::Tensor& imageValues,
               const torch::Tensor& textKeys, const torch::Tensor& textValues, int64_t textLength,
               const torch::Tensor& out, const torch::Tensor& imageProbs) {
    const int64_t heads = imageKeys.size(1), images = imageKeys.size(2), d = imageKeys.size(3);
    const int64_t capacity = textKeys.size(2);
    const float scale = static_cast<float>(std::sqrt(static_cast<double>(d)));
    std::vector<float> query(static_cast<size_t>(heads * d)), context(static_cast<size_t>(heads * d));
    const T* qp = static_cast<const T*>(q.data_ptr());
    for (size_t i = 0; i < query.size(); ++i) query[i] = toFloat(qp[i]);
    std::vector<float> probs(static_cast<size_t>(images + textLength));
    std::vector<float> meanOnImage(imageProbs.defined() ? static_cast<size_t>(images) : 0, 0.0f);
    const T *ik = static_cast<const T*>(imageKeys.data_ptr()), *iv = static_cast<const T*>(imageValues.data_ptr());
    const T *tk = static_cast<const T*>(textKeys.data_ptr()), *tv = static_cast<const T*>(textValues.data_ptr());
    for (int64_t h = 0; h < heads; ++h) {
        attendHead(query.data() + h * d, ik + h * images * d, iv + h * images * d, tk + h * capacity * d,
                   tv + h * capacity * d, images, textLength, d, scale, probs.data(), context.data() + h * d);
        for (size_t j = 0; j < meanOnImage.size(); ++j) meanOnImage[j] += probs[j];
    }
    T* o = static_cast<T*>(out.data_ptr());
    for (size_t i = 0; i < context.size(); ++i) {
        if constexpr (std::is_same_v<T, float>) o[i] = context[i];
        else o[i] = c10::BFloat16(context[i]).x; // rounded to nearest even, as LibTorch converts
    }
    if (imageProbs.defined()) {
        float* p = imageProbs.data_ptr<float>();
        for (size_t j = 0; j < meanOnImage.size(); ++j) p[j] += meanOnImage[j] / static_cast<float>(heads);
    }
}

// Contiguous CPU tensors of one element type, float32 or bf16.
bool sameTypeCpuContiguous(std::initializer_list<const torch::Tensor*> tensors, torch::ScalarType type) {
    for (const auto* t : tensors)
        if (!t->defined() || t->scalar_type() != type || !t->device().is_cpu() || !t->is_contiguous()) return false;
    return true;
}

#endif

} // namespace

bool rowAttention(const torch::Tensor& q, const torch::Tensor& imageKeys, const torch::Tensor& imageValues,
                  const torch::Tensor& textKeys, const torch::Tensor& textValues, int64_t textLength,
                  const torch::Tensor& out, const torch::Tensor& imageProbs) {
#ifdef CAPTIONER_AVX2_SUMS
    if (!fp32GemvSupported()) return false;
    const auto type = q.scalar_type();
    if ((type != torch::kFloat32 && type != torch::kBFloat16) ||
        !sameTypeCpuContiguous({&q, &imageKeys, &imageValues, &textKeys, &textValues, &out}, type))
        return false;
    if (imageKeys.dim() != 4 || imageKeys.size(0) != 1 || imageValues.sizes() != imageKeys.sizes() ||
        textKeys.dim() != 4 || textKeys.size(0) != 1 || textValues.sizes() != textKeys.sizes() ||
        textKeys.size(1) != imageKeys.size(1) || textKeys.size(3) != imageKeys.size(3))
        return false;
    const int64_t heads = imageKeys.size(1), images = imageKeys.size(2), d = imageKeys.size(3);
    if (textLength < 1 || textLength > textKeys.size(2) || q.numel() != heads * d || out.numel() != heads * d)
        return false;
    if (imageProbs.defined() &&
        (!sameTypeCpuContiguous({&imageProbs}, torch::kFloat32) || imageProbs.numel() != images))
        return false;
    if (type == torch::kFloat32)
        attendRow<float>(q, imageKeys, imageValues, textKeys, textValues, textLength, out, imageProbs);
    else attendRow<uint16_t>(q, imageKeys, imageValues, textKeys, textValues, textLength, out, imageProbs);
    return true;
#else
    (void)q, (void)imageKeys, (void)imageValues, (void)textKeys, (void)textValues, (void)textLength, (void)out,
        (void)imageProbs;
    return false;
#endif
}

} // namespace captioner::detail
