#pragma once
// The checkpoint-<step> folders of a training output folder: reading their names and Hugging Face's
// rotation that keeps the newest few (internal to the trainer; the listing itself is public:
// listCheckpoints in captioner/trainer.h, defined in checkpoint_folders.cpp with these).
#include <cstdint>
#include <string>
#include <vector>

namespace captioner::detail {

// Step number of a "checkpoint-<step>" folder name, or -1.
int64_t checkpointStep(const std::string& folderName);

// HF's _rotate_checkpoints: keeps the `limit` newest checkpoint folders, never deleting the best one
// (it is ranked as the second newest). Returns the folders removed.
std::vector<std::string> rotateCheckpoints(const std::string& outputDir, int limit, const std::string& bestCheckpoint);

} // namespace captioner::detail
