// `captioner tokenize`: token ids of texts with a checkpoint's tokenizer.
#include "command.h"

#include "captioner/tokenizer.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

void define(cli::ArgParser& p) {
    p.addOption("model", "DIR",
                "Checkpoint folder holding the tokenizer (vocab.txt, tokenizer.json or tokenizer.model)");
    p.addFlag("no-special", "Leave out [CLS] and [SEP]");
    p.addFlag("json", "One JSON object per text: text, tokens, input_ids");
    p.addPositional("TEXT", "Texts to tokenize", true, 1);
}

int run(const cli::ArgParser& p) {
    if (!p.isSet("model")) throw cli::UsageError("--model DIR is required");
    const auto tok = captioner::loadTokenizer(p.value("model"));
    const bool special = !p.flag("no-special");
    for (const auto& text : p.positionals("TEXT")) {
        const auto ids = tok->encode(text, special);
        if (p.flag("json")) {
            std::cout << nlohmann::json{{"text", text}, {"tokens", tok->tokenize(text)}, {"input_ids", ids}}.dump()
                      << "\n";
        } else {
            for (size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
            std::cout << "\n";
        }
    }
    return 0;
}

cli::CommandRegistrar reg({"tokenize", "Token ids of texts with a model's tokenizer", define, run});

} // namespace
