// Precompiled header for the core: LibTorch's headers dominate compile time (~12 s per file).
#pragma once
#include <torch/torch.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <vector>
#include <map>
#include <memory>
