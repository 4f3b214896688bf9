#pragma once
// A Hugging Face GIT checkpoint folder (config.json, model.safetensors, tokenizer files,
// preprocessor_config.json) loaded as one unit, and written back in the same layout so that
// transformers' from_pretrained loads what we save. Loading is strict and every problem names the
// file it is about. Saving is atomic at folder level: files are written into a temporary sibling
// folder that replaces the target only when complete.
#include "captioner/clip_image_processor.h"
#include "captioner/git_config.h"
#include "captioner/git_model.h"
#include "captioner/tokenizer.h"

#include <functional>
#include <memory>
#include <string>

namespace captioner {

struct GitCheckpoint {
    std::string dir; // where it was loaded from ("" for a fresh model)
    GitConfig config;
    GitForCausalLM model{nullptr};
    std::shared_ptr<Tokenizer> tokenizer;
    ClipImageProcessor processor;
    std::string storedDtype; // dtype of the weights on disk ("F32", "F16", "BF16", mixed as "F32+F16")
    int64_t parameterCount() const;
};

struct CheckpointLoadOptions {
    std::string device = "cpu"; // "cpu", "cuda", "cuda:N" or "auto"
    bool loadTokenizer = true;
};

// Parses "auto" | "cpu" | "cuda" | "cuda:N"; "auto" picks CUDA when LibTorch has it.
// Throws Error for unknown names or CUDA asked for where this LibTorch has none.
torch::Device resolveDevice(const std::string& name);

// True when dir looks like a GIT checkpoint (config.json with model_type "git"), without loading weights.
bool isGitCheckpoint(const std::string& dir, std::string* whyNot = nullptr);

// The image processor of a checkpoint folder: preprocessor_config.json, or CLIP defaults sized to
// the vision tower's image_size (from config.json) when the file is absent, as transformers does.
ClipImageProcessor loadImageProcessor(const std::string& dir);

GitCheckpoint loadCheckpoint(const std::string& dir, const CheckpointLoadOptions& options = {});

// Writes config.json, model.safetensors (F32, HF tensor names), tokenizer files and
// preprocessor_config.json into dir, replacing it atomically if it exists.
void saveCheckpoint(const GitCheckpoint& checkpoint, const std::string& dir);

// Writes a complete new folder (the checkpoint files plus whatever writeExtra puts into the folder it
// is given) under a temporary name and renames it to dir, replacing an existing dir only then: a
// crash at any point leaves either the old folder or the complete new one. Used for training's
// checkpoint-N folders.
void saveCheckpointFolder(const GitCheckpoint& checkpoint, const std::string& dir,
                          const std::function<void(const std::string& folder)>& writeExtra);
// The folder-level atomic replacement saveCheckpointFolder uses: write() fills the temporary folder.
void replaceFolderAtomically(const std::string& dir, const std::function<void(const std::string& folder)>& write);

// Builds an untrained checkpoint from a preset name ("tiny", "git-base") with HF's initialisation.
GitCheckpoint initCheckpoint(const GitConfig& config, std::shared_ptr<Tokenizer> tokenizer, uint64_t seed);

} // namespace captioner
