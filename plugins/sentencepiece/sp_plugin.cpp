// The sentencepiece plugin: a plain C ABI around libsentencepiece, loaded by the core with
// dlmopen(LM_ID_NEWLM) so that sentencepiece's protobuf 3.14 never meets LibTorch's 3.21.
// Nothing but C types crosses the boundary: ids go into caller-owned buffers, errors come back as
// text in caller-owned buffers, and no C++ exception escapes a function.
//
// Buffer convention: functions that fill a buffer return the size they need (ids, or bytes without
// the terminating NUL); when that exceeds the capacity given, the caller calls again with more room.
// A negative return means failure, described in err.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace sentencepiece::logging {
void SetMinLogLevel(int v); // exported by libsentencepiece, not declared in its public headers
}

#define CAPTIONER_SP_API extern "C" __attribute__((visibility("default")))

namespace {

void setError(char* err, size_t errLen, const std::string& message) {
    if (!err || errLen == 0) return;
    const size_t n = message.size() < errLen - 1 ? message.size() : errLen - 1;
    std::memcpy(err, message.data(), n);
    err[n] = '\0';
}

ptrdiff_t copyOut(const std::string& s, char* out, size_t cap) {
    if (out && cap > 0) {
        const size_t n = s.size() < cap - 1 ? s.size() : cap - 1;
        std::memcpy(out, s.data(), n);
        out[n] = '\0';
    }
    return static_cast<ptrdiff_t>(s.size());
}

const sentencepiece::SentencePieceProcessor* processor(const void* handle) {
    return static_cast<const sentencepiece::SentencePieceProcessor*>(handle);
}

} // namespace

CAPTIONER_SP_API int captioner_sp_abi_version() { return 1; }

// Trains a model from a text file with one sentence per line; writes <modelPrefix>.model and .vocab.
// extraArgs are more "--flag=value" options, space separated (paths go in the named arguments, so
// they may contain spaces). Training logs only warnings and errors. Returns 0 on success.
CAPTIONER_SP_API int captioner_sp_train(const char* inputPath, const char* modelPrefix, int vocabSize,
                                        const char* extraArgs, char* err, size_t errLen) {
    try {
        std::unordered_map<std::string, std::string> kwargs = {
            {"input", inputPath}, {"model_prefix", modelPrefix}, {"vocab_size", std::to_string(vocabSize)}};
        std::istringstream extra(extraArgs ? extraArgs : "");
        for (std::string arg; extra >> arg;) {
            if (arg.rfind("--", 0) == 0) arg.erase(0, 2);
            const size_t eq = arg.find('=');
            if (eq == std::string::npos) {
                kwargs[arg] = "true";
            } else {
                kwargs[arg.substr(0, eq)] = arg.substr(eq + 1);
            }
        }
        sentencepiece::logging::SetMinLogLevel(1);
        const auto status = sentencepiece::SentencePieceTrainer::Train(kwargs);
        if (!status.ok()) {
            setError(err, errLen, status.ToString());
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        setError(err, errLen, e.what());
    } catch (...) {
        setError(err, errLen, "unknown error in sentencepiece training");
    }
    return 1;
}

// Loads a model file; nullptr on failure. Free the handle with captioner_sp_free.
CAPTIONER_SP_API void* captioner_sp_load(const char* modelPath, char* err, size_t errLen) {
    try {
        auto* sp = new sentencepiece::SentencePieceProcessor();
        const auto status = sp->Load(modelPath);
        if (!status.ok()) {
            setError(err, errLen, status.ToString());
            delete sp;
            return nullptr;
        }
        return sp;
    } catch (const std::exception& e) {
        setError(err, errLen, e.what());
    } catch (...) {
        setError(err, errLen, "unknown error loading a sentencepiece model");
    }
    return nullptr;
}

CAPTIONER_SP_API void captioner_sp_free(void* handle) {
    delete static_cast<sentencepiece::SentencePieceProcessor*>(handle);
}

CAPTIONER_SP_API ptrdiff_t captioner_sp_encode(const void* handle, const char* text, int32_t* ids, size_t cap,
                                               char* err, size_t errLen) {
    try {
        std::vector<int> out;
        const auto status = processor(handle)->Encode(text, &out);
        if (!status.ok()) {
            setError(err, errLen, status.ToString());
            return -1;
        }
        for (size_t i = 0; i < out.size() && i < cap; ++i) ids[i] = out[i];
        return static_cast<ptrdiff_t>(out.size());
    } catch (const std::exception& e) {
        setError(err, errLen, e.what());
    } catch (...) {
        setError(err, errLen, "unknown error in sentencepiece encode");
    }
    return -1;
}

// Pieces of the text, NUL-separated in out; returns the bytes needed (with the separators).
CAPTIONER_SP_API ptrdiff_t captioner_sp_encode_pieces(const void* handle, const char* text, char* out, size_t cap,
                                                      char* err, size_t errLen) {
    try {
        std::vector<std::string> pieces;
        const auto status = processor(handle)->Encode(text, &pieces);
        if (!status.ok()) {
            setError(err, errLen, status.ToString());
            return -1;
        }
        std::string joined;
        for (const auto& p : pieces) joined.append(p).push_back('\0');
        if (out && joined.size() <= cap) std::memcpy(out, joined.data(), joined.size());
        return static_cast<ptrdiff_t>(joined.size());
    } catch (const std::exception& e) {
        setError(err, errLen, e.what());
    } catch (...) {
        setError(err, errLen, "unknown error in sentencepiece encode");
    }
    return -1;
}

CAPTIONER_SP_API ptrdiff_t captioner_sp_decode(const void* handle, const int32_t* ids, size_t count, char* out,
                                               size_t cap, char* err, size_t errLen) {
    try {
        const auto* sp = processor(handle);
        std::vector<int> in;
        in.reserve(count);
        for (size_t i = 0; i < count; ++i) {
            if (ids[i] < 0 || ids[i] >= sp->GetPieceSize()) {
                setError(err, errLen, "id " + std::to_string(ids[i]) + " is outside the vocabulary");
                return -1;
            }
            in.push_back(ids[i]);
        }
        std::string text;
        const auto status = sp->Decode(in, &text);
        if (!status.ok()) {
            setError(err, errLen, status.ToString());
            return -1;
        }
        return copyOut(text, out, cap);
    } catch (const std::exception& e) {
        setError(err, errLen, e.what());
    } catch (...) {
        setError(err, errLen, "unknown error in sentencepiece decode");
    }
    return -1;
}

CAPTIONER_SP_API int captioner_sp_piece_to_id(const void* handle, const char* piece) {
    return processor(handle)->PieceToId(piece);
}

// Returns -1 for an id outside the vocabulary.
CAPTIONER_SP_API ptrdiff_t captioner_sp_id_to_piece(const void* handle, int id, char* out, size_t cap) {
    const auto* sp = processor(handle);
    if (id < 0 || id >= sp->GetPieceSize()) return -1;
    return copyOut(sp->IdToPiece(id), out, cap);
}

CAPTIONER_SP_API int captioner_sp_vocab_size(const void* handle) { return processor(handle)->GetPieceSize(); }

// -1 for a special the model does not define.
CAPTIONER_SP_API void captioner_sp_special_ids(const void* handle, int* unk, int* bos, int* eos, int* pad) {
    const auto* sp = processor(handle);
    *unk = sp->unk_id();
    *bos = sp->bos_id();
    *eos = sp->eos_id();
    *pad = sp->pad_id();
}

CAPTIONER_SP_API int captioner_sp_is_control(const void* handle, int id) {
    const auto* sp = processor(handle);
    if (id < 0 || id >= sp->GetPieceSize()) return 0;
    return sp->IsControl(id) ? 1 : 0;
}
