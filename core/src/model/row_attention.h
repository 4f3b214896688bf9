#pragma once
// Attention of one new query row over its image's tokens and its own earlier text tokens, for batch-1
// greedy decoding on the CPU in float32 or bf16 (text_stepper.cpp). LibTorch's path for it is ~15
// operations per layer (two batched products of 12 one-row matrices each for scores and for context, a
// concatenation, a division, a softmax and the views between): ~1 ms of a git-base fp32 step's ~10, more
// in bf16. This computes the same quantities in one pass per head on the calling thread.
#include <torch/torch.h>

namespace captioner::detail {

// q [heads * headDim] contiguous (the query projection of the new token); imageKeys, imageValues
// [1, heads, images, headDim] and textKeys, textValues [1, heads, capacity, headDim] contiguous, of which
// the first textLength text positions are used (the new token's included); all float32 or all bf16, and
// out [heads * headDim] of the same type. bf16 values are widened and everything is computed in float32,
// the context rounded to bf16 at the end (LibTorch's bf16 path rounds scores and probabilities too). For every head:
// scores = (q . k) / sqrt(headDim) over the image keys then the text keys, p = softmax(scores), and
// context = sum p v, written to out [heads * headDim]. Where imageProbs is defined (float32 [images],
// contiguous) the heads' mean probability of each image token is added to it. Returns false, writing
// nothing, where the tensors are not that or the CPU lacks AVX2 and FMA (fp32GemvSupported()): the caller
// takes LibTorch's path. The sums run in another order than LibTorch's products: results differ from that
// path in the last bits (test_row_gemv compares both with float64 sums).
bool rowAttention(const torch::Tensor& q, const torch::Tensor& imageKeys, const torch::Tensor& imageValues,
                  const torch::Tensor& textKeys, const torch::Tensor& textValues, int64_t textLength,
                  const torch::Tensor& out, const torch::Tensor& imageProbs);

} // namespace captioner::detail
