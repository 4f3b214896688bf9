#include "text/sentencepiece_plugin.h"

#include "captioner/error.h"
#include "captioner/tokenizer.h"
#include "text/text_files.h"

#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <mutex>
#include <optional>
#include <unistd.h>

namespace captioner::text {
namespace {

#if defined(__x86_64__)
constexpr const char* kMultiarch = "x86_64-linux-gnu";
#elif defined(__aarch64__)
constexpr const char* kMultiarch = "aarch64-linux-gnu";
#else
constexpr const char* kMultiarch = "";
#endif

std::string executableDir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

std::string coreLibraryDir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void*>(&sentencePiecePluginSearchPath), &info) == 0 || !info.dli_fname) return {};
    std::error_code ec;
    const auto path = std::filesystem::canonical(info.dli_fname, ec);
    return ec ? std::string() : path.parent_path().string();
}

template <typename Fn> void resolve(void* lib, const std::string& path, const char* name, Fn& fn) {
    void* symbol = dlsym(lib, name);
    if (!symbol) throw Error(path, std::string("not a captioner sentencepiece plugin: it lacks ") + name);
    fn = reinterpret_cast<Fn>(symbol);
}

} // namespace

std::vector<std::string> sentencePiecePluginSearchPath() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("CAPTIONER_PLUGIN_DIR"); env && *env) dirs.emplace_back(env);
    const std::string exeDir = executableDir();
    if (!exeDir.empty()) {
        dirs.push_back(exeDir + "/../lib");
        if (*kMultiarch) dirs.push_back(exeDir + "/../lib/" + kMultiarch + "/captioner");
    }
    if (const std::string libDir = coreLibraryDir(); !libDir.empty()) dirs.push_back(libDir);
#ifdef CAPTIONER_PLUGIN_INSTALL_DIR
    dirs.emplace_back(CAPTIONER_PLUGIN_INSTALL_DIR);
#endif
#ifdef CAPTIONER_PLUGIN_BUILD_DIR
    dirs.emplace_back(CAPTIONER_PLUGIN_BUILD_DIR);
#endif
    return dirs;
}

std::string findSentencePiecePlugin(const std::vector<std::string>& dirs) {
    std::string tried;
    for (const auto& dir : dirs) {
        const std::string candidate = joinPath(dir, kSentencePiecePluginName);
        if (fileExists(candidate)) return candidate;
        tried += (tried.empty() ? "" : ", ") + dir;
    }
    throw Error(kSentencePiecePluginName, "SentencePiece plugin not found (looked in: " +
                                              (tried.empty() ? std::string("no directories") : tried) +
                                              "); build or install it, or point CAPTIONER_PLUGIN_DIR at its directory");
}

SentencePieceApi loadSentencePiecePlugin(const std::string& path) {
    if (!fileExists(path)) throw Error(path, "SentencePiece plugin file does not exist");
    dlerror();
    void* lib = dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* why = dlerror();
        throw Error(path,
                    std::string("cannot load the SentencePiece plugin: ") + (why ? why : "unknown dlmopen error"));
    }
    SentencePieceApi api{};
    try {
        resolve(lib, path, "captioner_sp_abi_version", api.abiVersion);
        if (api.abiVersion() != 1)
            throw Error(path,
                        "SentencePiece plugin has ABI version " + std::to_string(api.abiVersion()) + ", expected 1");
        resolve(lib, path, "captioner_sp_train", api.train);
        resolve(lib, path, "captioner_sp_load", api.load);
        resolve(lib, path, "captioner_sp_free", api.free);
        resolve(lib, path, "captioner_sp_encode", api.encode);
        resolve(lib, path, "captioner_sp_encode_pieces", api.encodePieces);
        resolve(lib, path, "captioner_sp_decode", api.decode);
        resolve(lib, path, "captioner_sp_piece_to_id", api.pieceToId);
        resolve(lib, path, "captioner_sp_id_to_piece", api.idToPiece);
        resolve(lib, path, "captioner_sp_vocab_size", api.vocabSize);
        resolve(lib, path, "captioner_sp_special_ids", api.specialIds);
        resolve(lib, path, "captioner_sp_is_control", api.isControl);
    } catch (...) {
        dlclose(lib);
        throw;
    }
    // Deliberately never dlclose'd: models hold pointers into it until the process ends.
    return api;
}

const SentencePieceApi& sentencePiecePlugin() {
    static std::once_flag once;
    static std::optional<SentencePieceApi> api;
    static std::optional<Error> failure;
    std::call_once(once, [] {
        try {
            api = loadSentencePiecePlugin(findSentencePiecePlugin(sentencePiecePluginSearchPath()));
        } catch (const Error& e) {
            failure = e;
        }
    });
    if (failure) throw *failure;
    return *api;
}

} // namespace captioner::text

namespace captioner {

bool sentencePieceAvailable(std::string* whyNot) {
    try {
        text::sentencePiecePlugin();
        return true;
    } catch (const Error& e) {
        if (whyNot) *whyNot = e.what();
        return false;
    }
}

} // namespace captioner
