#pragma once
// The opt-in fast paths for captioning (`captioner caption --precision`, the app's Preferences): fp32 (the
// default, ids identical to transformers), bf16 (weights and activations in bfloat16, only where the CPU
// computes bf16 natively) and int8 (the text decoder's Linear layers quantized dynamically as
// torch.ao.quantization.quantize_dynamic does it: int8 weights per output channel, activations quantized per
// call, through LibTorch's own quantized engine). bf16 and int8 change the output a little; README's
// "Precision modes" table gives the measured agreement with fp32.
// This header is free of LibTorch; core/src/model/precision_modes.cpp holds the machinery.
#include <string>
#include <vector>

namespace captioner {

struct GitCheckpoint;

enum class InferencePrecision { Fp32, Bf16, Int8 };

std::string inferencePrecisionName(InferencePrecision precision);    // "fp32", "bf16", "int8"
InferencePrecision parseInferencePrecision(const std::string& name); // inverse; throws Error naming the value

// What the CPU says about itself: /proc/cpuinfo's model name and flags on Linux (the kernel lists only the
// features it enabled, AMX included), else cpuid.
struct CpuCapabilities {
    std::string modelName;
    std::vector<std::string> flags; // sorted
    bool has(const std::string& flag) const;
};
// This machine, read once; $CAPTIONER_CPUINFO names a file to read instead of /proc/cpuinfo (tests).
CpuCapabilities detectCpuCapabilities();
CpuCapabilities cpuCapabilitiesFromCpuinfo(const std::string& procCpuinfo); // the first processor's entry

struct PrecisionAvailability {
    bool available = false;
    std::string detail; // what runs it (available) or why not, a whole sentence either way
};

// bf16 is worth it only where the CPU multiplies bf16 natively (AVX512-BF16 or AMX-BF16) and LibTorch has
// oneDNN to use it; elsewhere bf16 is emulated and 10-20x slower than fp32. `torchHasOneDnn`: at::hasMKLDNN().
PrecisionAvailability bf16Availability(const CpuCapabilities& cpu, bool torchHasOneDnn);
PrecisionAvailability bf16Availability(); // this machine and this LibTorch
// int8 needs a quantized engine in LibTorch (oneDNN, FBGEMM/x86 or QNNPACK); detail names the one in use.
PrecisionAvailability int8Availability();
// The quantized engine int8 runs on ("oneDNN", "FBGEMM", "x86", "QNNPACK"), "" when there is none.
std::string int8EngineName();

// Set (to anything but "0") to run bf16 on a CPU without native bf16 anyway: slow, for measuring its effect
// on the output there (tests, benchmarks). CaptionPrecisionOptions::forceBf16 does the same.
constexpr const char* kForceBf16Variable = "CAPTIONER_FORCE_BF16";

// The lines `captioner info` prints and the app's status bar summarises: the CPU, whether bf16 and int8 can run.
std::vector<std::string> precisionSummaryLines();

// Converts a loaded checkpoint's model for captioning in `precision`, once: fp32 changes nothing; bf16 turns
// every weight into bfloat16; int8 quantizes the Linear layers of the text decoder (not the vision encoder,
// the embeddings nor the output head: README) and releases their float weights. Irreversible: load the checkpoint again
// for another precision. The model then captions, explains and scores as before, but must not be trained or saved (int8
// layers no longer hold float weights). Throws Error, changing nothing, when the precision cannot run: bf16 without
// native bf16 (unless forced), int8 without a quantized engine or on a CUDA model, a model already converted to another
// precision.
void applyInferencePrecision(GitCheckpoint& checkpoint, InferencePrecision precision, bool forceBf16 = false);
// The precision a checkpoint's model is in (Fp32 unless applyInferencePrecision converted it).
InferencePrecision inferencePrecisionOf(const GitCheckpoint& checkpoint);

} // namespace captioner
