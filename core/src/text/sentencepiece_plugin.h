#pragma once
// Finding and loading the sentencepiece plugin (plugins/sentencepiece). It is loaded with
// dlmopen(LM_ID_NEWLM) into its own link namespace, because libsentencepiece carries a protobuf that
// clashes with LibTorch's. Only the C functions below cross over; see sp_plugin.cpp for their contract.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace captioner::text {

struct SentencePieceApi {
    int (*abiVersion)();
    int (*train)(const char* inputPath, const char* modelPrefix, int vocabSize, const char* extraArgs, char* err,
                 std::size_t errLen);
    void* (*load)(const char* modelPath, char* err, std::size_t errLen);
    void (*free)(void* handle);
    std::ptrdiff_t (*encode)(const void* handle, const char* text, int32_t* ids, std::size_t cap, char* err,
                             std::size_t errLen);
    std::ptrdiff_t (*encodePieces)(const void* handle, const char* text, char* out, std::size_t cap, char* err,
                                   std::size_t errLen);
    std::ptrdiff_t (*decode)(const void* handle, const int32_t* ids, std::size_t count, char* out, std::size_t cap,
                             char* err, std::size_t errLen);
    int (*pieceToId)(const void* handle, const char* piece);
    std::ptrdiff_t (*idToPiece)(const void* handle, int id, char* out, std::size_t cap);
    int (*vocabSize)(const void* handle);
    void (*specialIds)(const void* handle, int* unk, int* bos, int* eos, int* pad);
    int (*isControl)(const void* handle, int id);
};

constexpr const char* kSentencePiecePluginName = "captioner_sentencepiece.so";

// Directories searched, in order: $CAPTIONER_PLUGIN_DIR, <exe dir>/../lib, <exe dir>/../lib/<multiarch>/captioner,
// the directory of libcaptioner_core, the install directory, the build directory.
std::vector<std::string> sentencePiecePluginSearchPath();
// First dir holding the plugin; Error listing every directory tried when none does.
std::string findSentencePiecePlugin(const std::vector<std::string>& dirs);
// Loads the plugin file at path into a new link namespace; Error naming path when that fails.
// Each call uses up one of the process's few (16) link namespaces: load once and keep it.
SentencePieceApi loadSentencePiecePlugin(const std::string& path);
// The process-wide plugin, found and loaded on first use (thread-safe); the same Error every time
// when it cannot be.
const SentencePieceApi& sentencePiecePlugin();

} // namespace captioner::text
