// Tokenizer files of checkpoints: tokenizer.json (WordPiece) or vocab.txt, chosen by the first byte,
// then a caption tokenised, its ids decoded and grouped into words with the loaded vocabulary.
#include "captioner/tokenizer.h"
#include "fuzz_util.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const bool json = data[0] & 1;
    const std::string dir = fuzz::scratchDir() + "/tokenizer";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string name = json ? "tokenizer/tokenizer.json" : "tokenizer/vocab.txt";
    (void)fuzz::writeScratch(name, data + 1, size - 1);
    fuzz::expectOnlyErrors(json ? "tokenizer.json" : "vocab.txt", [&] {
        const auto tokenizer = captioner::loadTokenizer(dir);
        const std::vector<int64_t> ids = tokenizer->encode("A photo of 2 cats, 猫 and a café.");
        (void)tokenizer->decode(ids);
        (void)tokenizer->words(ids);
    });
    return 0;
}
