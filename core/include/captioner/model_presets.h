#pragma once
// Named model shapes for new models: "git-base" (microsoft/git-base's config.json values) and "tiny" (the
// small config the demo trains in minutes on 2 CPU cores: 64 px images, patch 8, hidden 64, 2 vision +
// 2 text layers, 4 heads, intermediate 256, no dropout). Special token ids stay at BERT's (101/102/0);
// callers with another tokenizer set bosTokenId/eosTokenId/padTokenId themselves.
#include "captioner/git_config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace captioner {

// vocabSize replaces the preset's vocabulary size (30522, bert-base-uncased) when given.
// Throws Error("model preset", ...) listing the valid names for an unknown name.
GitConfig presetConfig(const std::string& name, std::optional<int64_t> vocabSize = std::nullopt);
std::vector<std::string> presetNames();

} // namespace captioner
