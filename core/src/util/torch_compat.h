#pragma once
// The one place that names LibTorch versions. The code builds against Debian's LibTorch 1.13 (the
// default, CPU) and PyPI's LibTorch 2.x with CUDA (scripts/setup-libtorch2); where their APIs differ a
// source file tests one of these named guards, never TORCH_VERSION_* directly, so the list of
// differences stays short and greppable.
#include <torch/version.h>

#define CAPTIONER_TORCH_AT_LEAST(major, minor)                                                                         \
    (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

// LibTorch 2.x (any minor).
#define CAPTIONER_TORCH_2 CAPTIONER_TORCH_AT_LEAST(2, 0)

// 2.4 replaced the per-device autocast functions (set_enabled / set_cpu_enabled,
// get_autocast_gpu_dtype / get_autocast_cpu_dtype) with ones that take the device type and deprecated
// the old ones; 1.13 has only the old ones.
#define CAPTIONER_TORCH_AUTOCAST_BY_DEVICE CAPTIONER_TORCH_AT_LEAST(2, 4)
