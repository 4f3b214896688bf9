#include "captioner/model_card.h"

#include "captioner/atomic_file.h"
#include "captioner/error.h"
#include "captioner/hf_cache.h"
#include "util/json_file.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace captioner {

namespace {

json readJsonIfPresent(const fs::path& p) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) return json();
    return detail::readJsonFile(p.string());
}

// training_args.json: the folder's own, else the best checkpoint's, else the newest checkpoint's.
json trainingArgs(const fs::path& dir, const json& state) {
    json args = readJsonIfPresent(dir / "training_args.json");
    if (!args.is_null()) return args;
    if (state.is_object() && state.contains("best_model_checkpoint") && state["best_model_checkpoint"].is_string()) {
        const fs::path best = state["best_model_checkpoint"].get<std::string>();
        args = readJsonIfPresent(dir / best.filename() / "training_args.json");
        if (!args.is_null()) return args;
    }
    long newest = -1;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("checkpoint-", 0) != 0) continue;
        try {
            const long step = std::stol(name.substr(11));
            if (step > newest && fs::exists(it->path() / "training_args.json")) newest = step;
        } catch (const std::exception&) {}
    }
    if (newest >= 0) return readJsonIfPresent(dir / ("checkpoint-" + std::to_string(newest)) / "training_args.json");
    return json();
}

std::string fixed(double v, int digits = 4) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string scalar(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number()) {
        std::ostringstream os;
        os << v.get<double>();
        return os.str();
    }
    return v.dump();
}

// YAML scalars that could be misread (a colon, a leading special character) are quoted.
std::string yamlString(const std::string& s) {
    const bool plain = !s.empty() && s.find_first_of(":#'\"{}[],&*!|>%@`") == std::string::npos && s.front() != '-' &&
                       s.front() != ' ' && s.back() != ' ';
    if (plain) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + "\"";
}

std::string hubIdFromPath(const json& args, const char* key, HubRepoType type) {
    if (!args.is_object() || !args.contains(key) || !args[key].is_string()) return {};
    const auto repo = hubRepoFromCachePath(args[key].get<std::string>());
    return repo && repo->first == type ? repo->second : std::string();
}

struct MetricRow {
    const char* key;
    const char* label;
};
const MetricRow kMetrics[] = {
    {"eval_loss", "Loss"},
    {"eval_wer", "WER (generated captions)"},
    {"eval_wer_teacher_forced", "WER (teacher-forced argmax, as in the fine-tuning guide)"},
    {"eval_rouge_l", "ROUGE-L"},
    {"eval_bleu4", "BLEU-4"},
    {"eval_cider", "CIDEr-D"},
};

} // namespace

std::string modelCardMarkdown(const std::string& modelDir, const ModelCardOptions& options) {
    const fs::path dir(modelDir);
    const json state = readJsonIfPresent(dir / "trainer_state.json");
    const json args = trainingArgs(dir, state);

    const std::string baseModel =
        !options.baseModel.empty() ? options.baseModel : hubIdFromPath(args, "model", HubRepoType::Model);
    std::vector<std::string> datasets = options.datasets;
    if (datasets.empty()) {
        const std::string d = hubIdFromPath(args, "data", HubRepoType::Dataset);
        if (!d.empty()) datasets.push_back(d);
    }
    std::string name = options.repoId;
    if (name.empty()) name = fs::absolute(dir).lexically_normal().filename().string();
    if (name.empty()) name = fs::absolute(dir).lexically_normal().parent_path().filename().string();

    // The last log entry with eval metrics is the final evaluation.
    json finalEval;
    if (state.is_object() && state.contains("log_history") && state["log_history"].is_array())
        for (const auto& entry : state["log_history"])
            if (entry.is_object() && entry.contains("eval_loss")) finalEval = entry;

    std::ostringstream md;
    md << "---\n";
    md << "library_name: transformers\n";
    if (!options.license.empty()) md << "license: " << yamlString(options.license) << "\n";
    if (!baseModel.empty()) md << "base_model: " << yamlString(baseModel) << "\n";
    if (!datasets.empty()) {
        md << "datasets:\n";
        for (const auto& d : datasets) md << "- " << yamlString(d) << "\n";
    }
    md << "pipeline_tag: image-to-text\n";
    md << "tags:\n- image-to-text\n- image-captioning\n- git\n- captioner\n";
    md << "metrics:\n- wer\n- rouge\n- bleu\n";
    md << "---\n\n";

    md << "# " << name << "\n\n";
    md << "A GIT (GenerativeImage2Text, `GitForCausalLM`) image-captioning model";
    if (!baseModel.empty()) md << " fine-tuned from [" << baseModel << "](https://huggingface.co/" << baseModel << ")";
    if (!datasets.empty()) {
        md << " on ";
        for (size_t i = 0; i < datasets.size(); ++i)
            md << (i ? ", " : "") << "[" << datasets[i] << "](https://huggingface.co/datasets/" << datasets[i] << ")";
    } else if (args.is_object() && args.contains("data") && args["data"].is_string()) {
        md << " on a local dataset (`" << fs::path(args["data"].get<std::string>()).filename().string() << "`)";
    }
    md << ", trained with Captioner.\n\n";

    md << "## Results\n\n";
    if (finalEval.is_object()) {
        md << "Final evaluation";
        std::vector<std::string> facts;
        if (finalEval.contains("step")) facts.push_back("step " + scalar(finalEval["step"]));
        if (finalEval.contains("epoch") && finalEval["epoch"].is_number())
            facts.push_back("epoch " + fixed(finalEval["epoch"].get<double>(), 2));
        if (finalEval.contains("eval_count")) facts.push_back(scalar(finalEval["eval_count"]) + " held-out images");
        for (size_t i = 0; i < facts.size(); ++i)
            md << (i ? ", " : " (") << facts[i] << (i + 1 == facts.size() ? ")" : "");
        md << ":\n\n| Metric | Value |\n| --- | --- |\n";
        for (const auto& m : kMetrics)
            if (finalEval.contains(m.key) && finalEval[m.key].is_number())
                md << "| " << m.label << " | " << fixed(finalEval[m.key].get<double>()) << " |\n";
        md << "\n";
        if (state.contains("best_model_checkpoint") && state["best_model_checkpoint"].is_string() &&
            state.contains("best_metric") && state["best_metric"].is_number()) {
            std::string metric = "eval_loss";
            if (state.contains("captioner") && state["captioner"].is_object())
                metric = state["captioner"].value("metric_for_best_model", metric);
            md << "Best checkpoint: `"
               << fs::path(state["best_model_checkpoint"].get<std::string>()).filename().string() << "` (" << metric
               << " " << fixed(state["best_metric"].get<double>()) << ").\n\n";
        }
    } else {
        md << "No evaluation results were recorded for this model.\n\n";
    }

    md << "## Training procedure\n\n";
    if (args.is_object()) {
        md << "| Hyperparameter | Value |\n| --- | --- |\n";
        static const char* kArgs[] = {"learning_rate",
                                      "lr_scheduler_type",
                                      "warmup_ratio",
                                      "warmup_steps",
                                      "per_device_train_batch_size",
                                      "per_device_eval_batch_size",
                                      "gradient_accumulation_steps",
                                      "num_train_epochs",
                                      "max_steps",
                                      "weight_decay",
                                      "adam_beta1",
                                      "adam_beta2",
                                      "adam_epsilon",
                                      "max_grad_norm",
                                      "precision",
                                      "seed",
                                      "test_size",
                                      "eval_steps",
                                      "save_steps",
                                      "metric_for_best_model",
                                      "generation_max_length"};
        for (const char* key : kArgs)
            if (args.contains(key) && !args[key].is_null()) md << "| " << key << " | " << scalar(args[key]) << " |\n";
        md << "\n";
    } else {
        md << "The training arguments were not recorded with this model.\n\n";
    }
    if (state.is_object() && state.contains("global_step"))
        md << "Trained for " << scalar(state["global_step"]) << " optimizer steps"
           << (state.contains("epoch") && state["epoch"].is_number()
                   ? " (" + fixed(state["epoch"].get<double>(), 2) + " epochs)"
                   : std::string())
           << ". The full log is in `trainer_state.json`.\n\n";

    const std::string id = options.repoId.empty() ? "path/to/" + name : options.repoId;
    md << "## How to use\n\n```python\nfrom transformers import AutoProcessor, AutoModelForCausalLM\nfrom PIL import Image\n\n"
       << "processor = AutoProcessor.from_pretrained(\"" << id << "\")\n"
       << "model = AutoModelForCausalLM.from_pretrained(\"" << id << "\")\n"
       << "pixel_values = processor(images=Image.open(\"image.jpg\"), return_tensors=\"pt\").pixel_values\n"
       << "ids = model.generate(pixel_values=pixel_values, max_length=50)\n"
       << "print(processor.batch_decode(ids, skip_special_tokens=True)[0])\n```\n\n"
       << "Or with Captioner: `captioner hub download " << id << "` prints the folder for "
       << "`captioner caption --model FOLDER IMAGE`.\n\n";

    md << "## Intended use and limitations\n\n"
       << "Intended for describing images like those it was fine-tuned on, for example drafting alt text that a "
          "person then reviews. Captions reflect the training data's vocabulary, style and biases; on images unlike "
          "it the model may describe the wrong objects, miss important content or state things that are not "
          "there. Do not use its captions unreviewed where a wrong description can cause harm.\n";
    return md.str();
}

bool writeModelCard(const std::string& modelDir, const ModelCardOptions& options, bool overwrite) {
    const fs::path card = fs::path(modelDir) / "README.md";
    std::error_code ec;
    if (!overwrite && fs::exists(card, ec)) return false;
    if (!fs::is_directory(modelDir, ec)) throw Error(modelDir, "not a folder");
    writeFileAtomically(card.string(), modelCardMarkdown(modelDir, options));
    return true;
}

} // namespace captioner
