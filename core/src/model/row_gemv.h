#pragma once
// One row times a weight matrix on the CPU: batch-1 decoding's projections (text_stepper.cpp), for the
// fp32 path and the bf16 precision mode, where a step is ~40 matrix-vector products a few hundred
// microseconds apart and reading the weights is the whole cost.
//   - bf16 (CPUs with AVX512-BF16): LibTorch 1.13 sends a single bf16 row through oneDNN's matmul, whose
//     per-call set-up and packing cost more than reading the weights: a git-base text step took ~15 ms in
//     bf16 against ~10 ms in fp32, although bf16 reads half the bytes. The kernel streams each weight row
//     once with VDPBF16PS (bf16 products, float32 sums, as oneDNN computes them).
//   - fp32 (CPUs with AVX2 and FMA): OpenBLAS's matrix-vector product reads the weights at the machine's
//     rate, but each call wakes OpenBLAS's own thread while LibTorch's pool sleeps beside it (a third thread
//     on a 2-core machine); a git-base fp32 step spent 10.2 ms in addmv and ~1.5 ms more around it. The
//     kernel streams each weight row once into float32 multiply-adds, rows split as for bf16.
// Each output row is one dot product on one thread whichever thread runs it, so splitting rows between
// threads (LibTorch's pool or a RowGemvPartner) never changes a bit of the result.
#include <torch/torch.h>

#include <memory>

namespace captioner::detail {

// Whether this CPU runs the kernels (cpuid, and the OS saves the vector state); read once.
bool bf16GemvSupported(); // AVX512F, AVX512BW and AVX512-BF16
bool fp32GemvSupported(); // AVX2 and FMA

// out[o] = bias[o] + sum_i weight[o][i] * x[i], summed in float32 and rounded to bfloat16 (to nearest
// even). weight bf16 [out, in] contiguous, x bf16 [in] or [1, in] contiguous, bias bf16 [out] or
// undefined, out bf16 with `out` elements, contiguous. Returns false (writing nothing) when the tensors
// are not that or the CPU lacks the instructions: the caller then takes LibTorch's path.
bool bf16Gemv(const torch::Tensor& weight, const torch::Tensor& x, const torch::Tensor& bias, const torch::Tensor& out);

// The same in float32 throughout: out[o] = (sum_i weight[o][i] * x[i]) + bias[o], the products summed with
// fused multiply-adds in 32 interleaved partial sums (4 vectors of 8 lanes), which are then added pairwise,
// then the bias. Not the order of BLAS's gemv or gemm: results differ from LibTorch's in the last bits
// (test_row_gemv measures by how much). Returns false, writing nothing, as bf16Gemv does.
bool fp32Gemv(const torch::Tensor& weight, const torch::Tensor& x, const torch::Tensor& bias, const torch::Tensor& out);

// While it lives, a second thread takes half the rows of every bf16Gemv and fp32Gemv call made on the thread
// that created it (other threads' calls are not affected), instead of LibTorch's OpenMP pool: waking a
// sleeping OpenMP thread (OMP_WAIT_POLICY=PASSIVE, which the programs set) cost 40-55 us per call on the
// issue-19 machine. Between calls the partner spins briefly, then yields the core at every check. Not
// copyable; one per thread at a time.
class RowGemvPartner {
public:
    RowGemvPartner();
    ~RowGemvPartner();
    RowGemvPartner(const RowGemvPartner&) = delete;
    RowGemvPartner& operator=(const RowGemvPartner&) = delete;

    struct State;

private:
    std::unique_ptr<State> m_state;
};

} // namespace captioner::detail
