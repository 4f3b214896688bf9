#include "model/safetensors_dtype.h"

namespace captioner::safetensors_detail {
namespace {

const DtypeInfo kDtypes[] = {
    {"BOOL", 8, 0, c10::ScalarType::Bool},
    {"F4", 4, 1, std::nullopt},
    {"F6_E2M3", 6, 2, std::nullopt},
    {"F6_E3M2", 6, 3, std::nullopt},
    {"U8", 8, 4, c10::ScalarType::Byte},
    {"I8", 8, 5, c10::ScalarType::Char},
    {"F8_E5M2", 8, 6, std::nullopt},
    {"F8_E4M3", 8, 7, std::nullopt},
    {"F8_E8M0", 8, 8, std::nullopt},
    {"F8_E4M3FNUZ", 8, 9, std::nullopt},
    {"F8_E5M2FNUZ", 8, 10, std::nullopt},
    {"I16", 16, 11, c10::ScalarType::Short},
    {"U16", 16, 12, std::nullopt},
    {"F16", 16, 13, c10::ScalarType::Half},
    {"BF16", 16, 14, c10::ScalarType::BFloat16},
    {"I32", 32, 15, c10::ScalarType::Int},
    {"U32", 32, 16, std::nullopt},
    {"F32", 32, 17, c10::ScalarType::Float},
    {"C64", 64, 18, std::nullopt},
    {"F64", 64, 19, c10::ScalarType::Double},
    {"I64", 64, 20, c10::ScalarType::Long},
    {"U64", 64, 21, std::nullopt},
};

} // namespace

const DtypeInfo* dtypeByName(const std::string& name) {
    for (const DtypeInfo& d : kDtypes)
        if (name == d.name) return &d;
    return nullptr;
}

const DtypeInfo* dtypeByScalar(c10::ScalarType type) {
    for (const DtypeInfo& d : kDtypes)
        if (d.scalar && *d.scalar == type) return &d;
    return nullptr;
}

} // namespace captioner::safetensors_detail
