#pragma once
// The safetensors dtype table shared by the reader and the writer. `rank` is the position in the Rust
// library's Dtype enum, whose derived ordering its writer uses to lay out data (widest first).
#include <c10/core/ScalarType.h>

#include <optional>
#include <string>

namespace captioner::safetensors_detail {

struct DtypeInfo {
    const char* name;
    int bits; // element size in bits (F4 and F6 pack below a byte)
    int rank;
    std::optional<c10::ScalarType> scalar; // empty where LibTorch has no matching type
};

// nullptr for a name the format does not define.
const DtypeInfo* dtypeByName(const std::string& name);
// nullptr for a LibTorch type safetensors cannot hold (complex, quantized, ...).
const DtypeInfo* dtypeByScalar(c10::ScalarType type);

} // namespace captioner::safetensors_detail
