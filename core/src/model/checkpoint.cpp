#include "captioner/checkpoint.h"

#include "captioner/error.h"
#include "captioner/atomic_file.h"
#include "captioner/safetensors.h"
#include "model/safetensors_dtype.h"
#include "util/file_io.h"

#include <nlohmann/json.hpp>
#include <torch/cuda.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <unistd.h>

namespace fs = std::filesystem;

namespace captioner {

namespace {

std::string joinPath(const std::string& dir, const std::string& name) { return (fs::path(dir) / name).string(); }

nlohmann::json readJsonFile(const std::string& path) {
    const std::string text = detail::readWholeFile(path, "cannot open file");
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("invalid JSON: ") + e.what());
    }
}

// The weights of a checkpoint folder, opened but not read: which file holds each tensor, from
// model.safetensors or the shards of model.safetensors.index.json; refuses pickles.
std::map<std::string, std::shared_ptr<SafetensorsFile>> openWeights(const std::string& dir, std::string* storedDtype) {
    const std::string single = joinPath(dir, "model.safetensors");
    const std::string index = joinPath(dir, "model.safetensors.index.json");
    std::vector<std::string> files;
    if (fs::exists(single)) {
        files.push_back(single);
    } else if (fs::exists(index)) {
        const auto j = readJsonFile(index);
        if (!j.contains("weight_map") || !j["weight_map"].is_object()) throw Error(index, "no \"weight_map\" object");
        std::set<std::string> shards;
        for (const auto& [name, file] : j["weight_map"].items()) {
            if (!file.is_string()) throw Error(index, "weight_map entry for " + name + " is not a file name");
            const std::string shard = file.get<std::string>();
            if (shard.find('/') != std::string::npos || shard.find("..") != std::string::npos)
                throw Error(index, "shard name '" + shard + "' must be a plain file name in the checkpoint folder");
            shards.insert(shard);
        }
        for (const auto& s : shards) files.push_back(joinPath(dir, s));
    } else if (fs::exists(joinPath(dir, "pytorch_model.bin"))) {
        throw Error(joinPath(dir, "pytorch_model.bin"),
                    "PyTorch pickle checkpoints are not read (they can run arbitrary code); convert the folder to "
                    "safetensors first, e.g. in Python: GitForCausalLM.from_pretrained(dir).save_pretrained(dir, "
                    "safe_serialization=True)");
    } else {
        throw Error(dir, "no model.safetensors in the checkpoint folder");
    }
    std::map<std::string, std::shared_ptr<SafetensorsFile>> all;
    std::set<std::string> dtypes;
    for (const auto& f : files) {
        if (!fs::exists(f)) throw Error(f, "shard listed in model.safetensors.index.json is missing");
        // Named: in a range-for over open(f)->entries() the shared_ptr temporary, and with it the
        // file and its entries, is destroyed before the loop body runs (heap-use-after-free).
        const auto file = SafetensorsFile::open(f);
        for (const auto& e : file->entries()) {
            dtypes.insert(e.dtype);
            const auto* info = safetensors_detail::dtypeByName(e.dtype);
            if (!info || !info->scalar)
                throw Error(f, "tensor '" + e.name + "' has dtype " + e.dtype + ", which LibTorch cannot hold");
            if (all.count(e.name)) throw Error(f, "tensor " + e.name + " appears in more than one shard");
            all.emplace(e.name, file);
        }
    }
    if (storedDtype) {
        std::string s;
        for (const auto& d : dtypes) s += (s.empty() ? "" : "+") + d;
        *storedDtype = s;
    }
    return all;
}

// HF falls back to CLIPImageProcessor defaults sized to the vision tower when the file is absent.
ClipImageProcessor defaultProcessorFor(const GitConfig& config) {
    ClipImageProcessorConfig c;
    c.shortestEdge = config.vision.imageSize;
    c.cropHeight = c.cropWidth = config.vision.imageSize;
    return ClipImageProcessor(c);
}

void checkProcessorMatchesModel(const ClipImageProcessor& p, const GitConfig& config, const std::string& path) {
    if (p.outputHeight() != config.vision.imageSize || p.outputWidth() != config.vision.imageSize)
        throw Error(path, "produces " + std::to_string(p.outputHeight()) + "x" + std::to_string(p.outputWidth()) +
                              " images but the vision model expects " + std::to_string(config.vision.imageSize) + "x" +
                              std::to_string(config.vision.imageSize));
}

void writeJsonAtomically(const std::string& path, const nlohmann::json& j) {
    writeFileAtomically(path, j.dump(2) + "\n");
}

void fsyncDir(const fs::path& dir) {
    // Best effort: a rename is durable only once the parent folder is synced.
    if (FILE* f = std::fopen(dir.c_str(), "r")) {
        ::fsync(fileno(f));
        std::fclose(f);
    }
}

} // namespace

int64_t GitCheckpoint::parameterCount() const {
    int64_t n = 0;
    if (model)
        for (const auto& p : model->parameters()) n += p.numel();
    return n;
}

torch::Device resolveDevice(const std::string& name) {
    if (name == "auto")
        return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (name == "cpu") return torch::Device(torch::kCPU);
    if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
        if (!torch::cuda::is_available())
            throw Error("--device " + name, "this LibTorch build has no CUDA device available; use cpu or auto");
        try {
            return torch::Device(name);
        } catch (const std::exception&) {
            throw Error("--device " + name, "not a valid CUDA device name (use cuda or cuda:N)");
        }
    }
    throw Error("--device " + name, "unknown device (use auto, cpu, cuda or cuda:N)");
}

bool isGitCheckpoint(const std::string& dir, std::string* whyNot) {
    auto fail = [&](const std::string& why) {
        if (whyNot) *whyNot = why;
        return false;
    };
    if (!fs::is_directory(dir)) return fail(dir + ": not a folder");
    const std::string cfg = joinPath(dir, "config.json");
    if (!fs::exists(cfg)) return fail(dir + ": no config.json (not a Hugging Face model folder)");
    try {
        gitConfigFromJson(readJsonFile(cfg), cfg);
    } catch (const Error& e) {
        return fail(e.what());
    }
    return true;
}

ClipImageProcessor loadImageProcessor(const std::string& dir) {
    const std::string ppPath = joinPath(dir, "preprocessor_config.json");
    const std::string cfgPath = joinPath(dir, "config.json");
    if (fs::exists(ppPath)) return ClipImageProcessor::fromJsonFile(ppPath);
    if (fs::exists(cfgPath)) return defaultProcessorFor(loadGitConfig(cfgPath));
    throw Error(dir, "neither preprocessor_config.json nor config.json found");
}

GitCheckpoint loadCheckpoint(const std::string& dir, const CheckpointLoadOptions& options) {
    if (!fs::exists(dir)) throw Error(dir, "checkpoint folder does not exist");
    if (!fs::is_directory(dir)) throw Error(dir, "not a folder (give the checkpoint folder holding config.json)");
    const torch::Device device = resolveDevice(options.device);
    GitCheckpoint ck;
    ck.dir = dir;
    const std::string cfgPath = joinPath(dir, "config.json");
    if (!fs::exists(cfgPath)) throw Error(dir, "no config.json in the checkpoint folder");
    ck.config = loadGitConfig(cfgPath);

    const std::string ppPath = joinPath(dir, "preprocessor_config.json");
    ck.processor = fs::exists(ppPath) ? ClipImageProcessor::fromJsonFile(ppPath) : defaultProcessorFor(ck.config);
    checkProcessorMatchesModel(ck.processor, ck.config, fs::exists(ppPath) ? ppPath : dir);

    if (options.loadTokenizer) {
        ck.tokenizer = loadTokenizer(dir);
        if (ck.tokenizer->vocabSize() > ck.config.vocabSize)
            throw Error(dir, "tokenizer has " + std::to_string(ck.tokenizer->vocabSize()) +
                                 " tokens but the model's vocab_size is " + std::to_string(ck.config.vocabSize));
    }

    // Each tensor is read straight into its parameter (converted to fp32 as before), the file's pages
    // given back as they are copied: the peak is the model plus a few MiB, not the model twice.
    const auto weights = openWeights(dir, &ck.storedDtype);
    ck.model = GitForCausalLM(ck.config);
    {
        // The names and shapes are checked first, as loadStateDict checks them (of the fp32 tensors the
        // files convert to: only their shapes are made, on the meta device).
        std::map<std::string, torch::Tensor> shapes;
        for (const auto& [name, file] : weights)
            shapes.emplace(name, torch::empty(file->entry(name).shape,
                                              torch::TensorOptions().dtype(torch::kFloat32).device(torch::kMeta)));
        ck.model->checkStateDict(shapes, joinPath(dir, "model.safetensors"));
    }
    {
        torch::NoGradGuard noGrad;
        for (auto& item : ck.model->named_parameters(true)) weights.at(item.key())->readInto(item.key(), item.value());
    }
    ck.model->eval();
    ck.model->to(device);
    return ck;
}

GitCheckpoint initCheckpoint(const GitConfig& config, std::shared_ptr<Tokenizer> tokenizer, uint64_t seed) {
    GitCheckpoint ck;
    ck.config = config;
    ck.tokenizer = std::move(tokenizer);
    if (ck.tokenizer) {
        ck.config.vocabSize = ck.tokenizer->vocabSize();
        ck.config.padTokenId = ck.tokenizer->padTokenId();
        ck.config.bosTokenId = ck.tokenizer->clsTokenId();
        ck.config.eosTokenId = ck.tokenizer->sepTokenId();
    }
    ck.processor = defaultProcessorFor(ck.config);
    ck.model = GitForCausalLM(ck.config);
    initializeWeights(ck.model, seed);
    ck.model->eval();
    ck.storedDtype = "F32";
    return ck;
}

namespace {

void writeCheckpointFiles(const GitCheckpoint& ck, const fs::path& dir) {
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (auto& [name, t] : ck.model->namedTensorsHf())
        tensors.emplace_back(name, t.detach().to(torch::kCPU, torch::kFloat32).contiguous());
    saveSafetensors((dir / "model.safetensors").string(), tensors);
    writeJsonAtomically((dir / "config.json").string(), gitConfigToJson(ck.config));
    ck.processor.save((dir / "preprocessor_config.json").string());
    if (ck.tokenizer) ck.tokenizer->save(dir.string());
    fsyncDir(dir);
}

} // namespace

void saveCheckpoint(const GitCheckpoint& ck, const std::string& dir) {
    if (!ck.model) throw Error(dir, "no model to save");
    const fs::path target = fs::absolute(dir);
    const fs::path parent = target.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw Error(parent.string(), "cannot create folder: " + ec.message());
    if (fs::exists(target)) {
        // An existing folder may hold other things (a training run's checkpoint-N folders, a model
        // card): replace our files one by one, each atomically, and leave the rest alone.
        if (!fs::is_directory(target)) throw Error(target.string(), "exists and is not a folder");
        writeCheckpointFiles(ck, target);
        return;
    }
    replaceFolderAtomically(target.string(), [&](const std::string& tmp) { writeCheckpointFiles(ck, tmp); });
}

void saveCheckpointFolder(const GitCheckpoint& ck, const std::string& dir,
                          const std::function<void(const std::string& folder)>& writeExtra) {
    if (!ck.model) throw Error(dir, "no model to save");
    replaceFolderAtomically(fs::absolute(dir).string(), [&](const std::string& tmp) {
        writeCheckpointFiles(ck, tmp);
        if (writeExtra) writeExtra(tmp);
        fsyncDir(tmp);
    });
}

void replaceFolderAtomically(const std::string& dir, const std::function<void(const std::string& folder)>& write) {
    const fs::path target = fs::absolute(dir);
    const fs::path parent = target.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw Error(parent.string(), "cannot create folder: " + ec.message());
    // The folder appears complete or not at all: build it under a temporary name, then rename.
    static std::atomic<int> counter{0};
    const std::string suffix = std::to_string(::getpid()) + "-" + std::to_string(counter++);
    const fs::path tmp = parent / ("." + target.filename().string() + ".tmp-" + suffix);
    fs::remove_all(tmp, ec);
    fs::create_directory(tmp, ec);
    if (ec) throw Error(tmp.string(), "cannot create temporary folder: " + ec.message());
    try {
        write(tmp.string());
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    // An existing folder is moved aside first (rename cannot replace a non-empty folder) and removed
    // only once the new one is in place; a crash in between leaves the old copy under .old-*.
    fs::path old;
    if (fs::exists(target)) {
        old = parent / ("." + target.filename().string() + ".old-" + suffix);
        fs::rename(target, old, ec);
        if (ec) {
            fs::remove_all(tmp);
            throw Error(target.string(), "cannot replace the existing folder: " + ec.message());
        }
    }
    fs::rename(tmp, target, ec);
    if (ec) {
        if (!old.empty()) fs::rename(old, target);
        fs::remove_all(tmp);
        throw Error(target.string(), "cannot move the saved folder into place: " + ec.message());
    }
    fsyncDir(parent);
    if (!old.empty()) fs::remove_all(old, ec);
}

} // namespace captioner
