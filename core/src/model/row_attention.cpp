#include "model/row_attention.h"

#include "model/avx2_sums.h"
#include "model/row_gemv.h"

#include <cmath>
#include <vector>

namespace captioner::detail {
namespace {

#ifdef CAPTIONER_AVX2_SUMS

// a . b over n floats: two accumulators of eight lanes, then whatever is left one by one.
__attribute__((target("avx2,fma"))) float dot(const float* a, const float* b, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    }
    if (i + 8 <= n) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        i += 8;
    }
    float sum = sumOfEightLanes(_mm256_add_ps(s0, s1));
    for (; i < n; ++i) sum = std::fma(a[i], b[i], sum);
    return sum;
}

// acc[0..n) += p * v[0..n)
__attribute__((target("avx2,fma"))) void addScaled(float* acc, float p, const float* v, int64_t n) {
    const __m256 pv = _mm256_set1_ps(p);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(pv, _mm256_loadu_ps(v + i), _mm256_loadu_ps(acc + i)));
    for (; i < n; ++i) acc[i] = std::fma(p, v[i], acc[i]);
}

// One head: scores over `images` image keys then `texts` text keys, softmax, context into out[0..d).
// probs: scratch of images + texts floats, left holding the head's probabilities.
__attribute__((target("avx2,fma"))) void attendHead(const float* q, const float* imageKeys, const float* imageValues,
                                                    const float* textKeys, const float* textValues, int64_t images,
                                                    int64_t texts, int64_t d, float scale, float* probs, float* out) {
    const int64_t n = images + texts;
    float maxScore = -INFINITY;
    for (int64_t j = 0; j < n; ++j) {
        const float* k = j < images ? imageKeys + j * d : textKeys + (j - images) * d;
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

bool floatCpuContiguous(const torch::Tensor& t) {
    return t.defined() && t.scalar_type() == torch::kFloat32 && t.device().is_cpu() && t.is_contiguous();
}

#endif

} // namespace

bool rowAttention(const torch::Tensor& q, const torch::Tensor& imageKeys, const torch::Tensor& imageValues,
                  const torch::Tensor& textKeys, const torch::Tensor& textValues, int64_t textLength,
                  const torch::Tensor& out, const torch::Tensor& imageProbs) {
#ifdef CAPTIONER_AVX2_SUMS
    if (!fp32GemvSupported()) return false;
    for (const auto* t : {&q, &imageKeys, &imageValues, &textKeys, &textValues, &out})
        if (!floatCpuContiguous(*t)) return false;
    if (imageKeys.dim() != 4 || imageKeys.size(0) != 1 || imageValues.sizes() != imageKeys.sizes() ||
        textKeys.dim() != 4 || textKeys.size(0) != 1 || textValues.sizes() != textKeys.sizes() ||
        textKeys.size(1) != imageKeys.size(1) || textKeys.size(3) != imageKeys.size(3))
        return false;
    const int64_t heads = imageKeys.size(1), images = imageKeys.size(2), d = imageKeys.size(3);
    const int64_t capacity = textKeys.size(2);
    if (textLength < 1 || textLength > capacity || q.numel() != heads * d || out.numel() != heads * d) return false;
    if (imageProbs.defined() && (!floatCpuContiguous(imageProbs) || imageProbs.numel() != images)) return false;

    const float scale = static_cast<float>(std::sqrt(static_cast<double>(d)));
    std::vector<float> probs(static_cast<size_t>(images + textLength));
    std::vector<float> meanOnImage(imageProbs.defined() ? static_cast<size_t>(images) : 0, 0.0f);
    const float* qp = q.data_ptr<float>();
    float* o = out.data_ptr<float>();
    for (int64_t h = 0; h < heads; ++h) {
        attendHead(qp + h * d, imageKeys.data_ptr<float>() + h * images * d,
                   imageValues.data_ptr<float>() + h * images * d, textKeys.data_ptr<float>() + h * capacity * d,
                   textValues.data_ptr<float>() + h * capacity * d, images, textLength, d, scale, probs.data(),
                   o + h * d);
        for (size_t j = 0; j < meanOnImage.size(); ++j) meanOnImage[j] += probs[j];
    }
    if (imageProbs.defined()) {
        float* p = imageProbs.data_ptr<float>();
        for (size_t j = 0; j < meanOnImage.size(); ++j) p[j] += meanOnImage[j] / static_cast<float>(heads);
    }
    return true;
#else
    (void)q, (void)imageKeys, (void)imageValues, (void)textKeys, (void)textValues, (void)textLength, (void)out,
        (void)imageProbs;
    return false;
#endif
}

} // namespace captioner::detail
