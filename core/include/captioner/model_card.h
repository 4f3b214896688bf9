#pragma once
// The model card (README.md) of a fine-tuned model folder, as the Hub shows it: YAML front matter
// (library_name, base_model, datasets, tags, metrics, pipeline_tag) and a body with the final
// evaluation results from trainer_state.json, the training recipe from training_args.json, how to
// use the model and its intended use and limitations. Written before a push when the folder has none.
#include <string>
#include <vector>

namespace captioner {

struct ModelCardOptions {
    std::string repoId;                // the Hub repository it goes to ("" = the folder's name)
    std::string baseModel;             // Hub id; "" = derived from training_args.json's model path
    std::vector<std::string> datasets; // Hub ids; empty = derived from training_args.json's data path
    std::string license;               // "" = none stated
};

// The card's text. Reads <dir>/trainer_state.json and training_args.json (from dir, else its best or
// newest checkpoint-N folder) when present; a folder without them gets a card without results.
// Throws Error naming the file when one of them is not valid JSON.
std::string modelCardMarkdown(const std::string& modelDir, const ModelCardOptions& options = {});

// Writes <dir>/README.md atomically unless it exists (or overwrite). Returns whether it wrote it.
bool writeModelCard(const std::string& modelDir, const ModelCardOptions& options = {}, bool overwrite = false);

} // namespace captioner
