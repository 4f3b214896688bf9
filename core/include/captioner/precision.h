#pragma once
// Mixed precision for training and evaluation, as PyTorch's torch.autocast and torch.cuda.amp.GradScaler
// do it for Hugging Face's Trainer (--bf16 / --fp16): weights, optimizer state and the loss stay float32;
// autocast runs matmuls and convolutions in the low-precision type. fp16 needs dynamic loss scaling so
// small gradients do not flush to zero; bf16 has float32's range and needs none.
// This header is the choice only, free of LibTorch (TrainingOptions and EvalOptions hold one); the
// machinery (autocast, loss scaling) is in captioner/mixed_precision.h.
#include <string>

namespace captioner {

enum class Precision { Fp32, Bf16, Fp16 };

std::string precisionName(Precision precision);    // "fp32", "bf16", "fp16"
Precision parsePrecision(const std::string& name); // inverse; throws Error naming the value

} // namespace captioner
