#pragma once
// One row times a bfloat16 weight matrix on CPUs with AVX512-BF16: batch-1 decoding in the bf16 precision
// mode (text_stepper.cpp). LibTorch 1.13 sends a single bf16 row through oneDNN's matmul, whose per-call
// set-up and packing cost more than reading the weights: a git-base text step took ~15 ms in bf16 against
// ~10 ms in fp32, although bf16 reads half the bytes. This kernel streams each weight row once with
// VDPBF16PS (bf16 products, float32 sums, as oneDNN computes them), rows split over LibTorch's threads.
#include <torch/torch.h>

#include <memory>

namespace captioner::detail {

// Whether this CPU runs the kernel (cpuid: AVX512F, AVX512BW and AVX512-BF16, and the OS saves the
// AVX-512 state); read once.
bool bf16GemvSupported();

// out[o] = bias[o] + sum_i weight[o][i] * x[i], summed in float32 and rounded to bfloat16 (to nearest
// even). weight bf16 [out, in] contiguous, x bf16 [in] or [1, in] contiguous, bias bf16 [out] or
// undefined, out bf16 with `out` elements, contiguous. Returns false (writing nothing) when the tensors
// are not that or the CPU lacks the instructions: the caller then takes LibTorch's path.
bool bf16Gemv(const torch::Tensor& weight, const torch::Tensor& x, const torch::Tensor& bias, const torch::Tensor& out);

// While it lives, a second thread takes half the rows of every bf16Gemv call made on the thread that
// created it (other threads' calls are not affected), instead of LibTorch's OpenMP pool: a batch-1 decoding
// step makes ~40 such calls a few hundred microseconds apart, and waking a sleeping OpenMP thread
// (OMP_WAIT_POLICY=PASSIVE, which the programs set) cost 40-55 us per call on the issue-19 machine. Between
// calls the partner spins briefly, then yields the core at every check. Not copyable; one per thread at a time.
class Bf16GemvPartner {
public:
    Bf16GemvPartner();
    ~Bf16GemvPartner();
    Bf16GemvPartner(const Bf16GemvPartner&) = delete;
    Bf16GemvPartner& operator=(const Bf16GemvPartner&) = delete;

    struct State;

private:
    std::unique_ptr<State> m_state;
};

} // namespace captioner::detail
