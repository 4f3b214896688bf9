// `captioner init`: a new, randomly initialised GIT checkpoint from a preset, in Hugging Face layout.
#include "command.h"

#include "captioner/checkpoint.h"
#include "captioner/error.h"
#include "captioner/model_presets.h"
#include "captioner/runtime.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace {

std::string presetList() {
    std::string s;
    for (const auto& n : captioner::presetNames()) s += (s.empty() ? "" : ", ") + n;
    return s;
}

void define(cli::ArgParser& p) {
    p.addOption("preset", "NAME", "Model shape: " + presetList(), "tiny");
    p.addOption("out", "DIR", "Folder to create (Hugging Face checkpoint layout)");
    p.addOption("seed", "N", "Seed of the random initialisation", "0");
    p.addOption("vocab", "FILE", "WordPiece vocab.txt (default: bert-base-uncased, git-base's vocabulary)");
    p.addOption("train-tokenizer", "CAPTIONS.txt", "Train a SentencePiece tokenizer on these captions (one per line)");
    p.addOption("vocab-size", "N", "Vocabulary size of the trained SentencePiece tokenizer", "1000");
    p.addFlag("force", "Replace the output folder's model files if it already has a checkpoint");
}

std::vector<std::string> readLines(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw captioner::Error(path, "cannot open captions file");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line != "\r") lines.push_back(line);
    if (lines.empty()) throw captioner::Error(path, "no captions in file");
    return lines;
}

int run(const cli::ArgParser& p) {
    if (!p.isSet("out")) throw cli::UsageError("--out DIR is required");
    if (p.isSet("vocab") && p.isSet("train-tokenizer"))
        throw cli::UsageError("give either --vocab or --train-tokenizer, not both");
    const std::string out = p.value("out");
    if (std::filesystem::exists(std::filesystem::path(out) / "config.json") && !p.flag("force"))
        throw captioner::Error(out, "already holds a checkpoint (config.json); use --force to replace it");
    const int seed = p.intValue("seed");
    if (seed < 0) throw cli::UsageError("--seed must be >= 0");

    std::shared_ptr<captioner::Tokenizer> tokenizer;
    if (p.isSet("train-tokenizer")) {
        const int vocabSize = p.intValue("vocab-size");
        if (vocabSize < 16) throw cli::UsageError("--vocab-size must be at least 16");
        const auto tmp = std::filesystem::temp_directory_path() / ("captioner-sp-" + std::to_string(::getpid()));
        tokenizer =
            captioner::SentencePieceTokenizer::train(readLines(p.value("train-tokenizer")), vocabSize, tmp.string());
        std::filesystem::remove_all(tmp);
    } else {
        const std::string vocab =
            p.isSet("vocab") ? p.value("vocab") : captioner::findDataFile("bert-base-uncased-vocab.txt");
        tokenizer = captioner::WordPieceTokenizer::fromVocabFile(vocab);
    }
    const auto config = captioner::presetConfig(p.value("preset"));
    const auto ck = captioner::initCheckpoint(config, tokenizer, static_cast<uint64_t>(seed));
    captioner::saveCheckpoint(ck, out);
    std::cout << "created " << out << ": preset " << p.value("preset") << ", " << ck.parameterCount()
              << " parameters, vocabulary " << ck.config.vocabSize << " (" << tokenizer->kind() << "), image "
              << ck.config.vision.imageSize << " px, seed " << seed << "\n";
    return 0;
}

cli::CommandRegistrar reg({"init", "Create a new randomly initialised GIT checkpoint from a preset", define, run});

} // namespace
