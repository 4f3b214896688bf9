// Writer of .safetensors files in the layout of the Rust library's `prepare`/`serialize`
// (safetensors/src/tensor.rs), so files we write are byte-identical to safetensors.torch.save_file's.
#include "captioner/atomic_file.h"
#include "captioner/error.h"
#include "captioner/safetensors.h"
#include "model/safetensors_dtype.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace captioner {

using safetensors_detail::dtypeByScalar;
using safetensors_detail::DtypeInfo;

namespace {

struct Prepared {
    std::string name;
    const DtypeInfo* dtype;
    torch::Tensor data; // contiguous, on the CPU
};

bool isValidUtf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else return false;
        if (i + extra >= s.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

std::string jsonString(const std::string& s) { return nlohmann::json(s).dump(); }

} // namespace

void saveSafetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                     const std::map<std::string, std::string>& metadata) {
    std::vector<Prepared> items;
    std::set<std::string> names;
    for (const auto& [name, tensor] : tensors) {
        const std::string where = "tensor '" + name + "'";
        if (name == "__metadata__") throw Error(path, "\"__metadata__\" is reserved and cannot name a tensor");
        if (!names.insert(name).second) throw Error(path, where + " is given twice");
        if (!isValidUtf8(name)) throw Error(path, where + ": name is not valid UTF-8");
        if (!tensor.defined()) throw Error(path, where + " is undefined");
        if (tensor.layout() != torch::kStrided) throw Error(path, where + " is not a dense tensor");
        const DtypeInfo* dtype = dtypeByScalar(tensor.scalar_type());
        if (!dtype)
            throw Error(path, where + std::string(" has dtype ") + c10::toString(tensor.scalar_type()) +
                                  ", which safetensors cannot store");
        items.push_back({name, dtype, tensor.detach().to(torch::kCPU).contiguous()});
    }
    for (const auto& [key, value] : metadata)
        if (!isValidUtf8(key) || !isValidUtf8(value))
            throw Error(path, "metadata entry \"" + key + "\" is not valid UTF-8");

    // The Rust writer orders by dtype, widest (largest enum value) first, then by name bytewise.
    std::stable_sort(items.begin(), items.end(), [](const Prepared& a, const Prepared& b) {
        if (a.dtype->rank != b.dtype->rank) return a.dtype->rank > b.dtype->rank;
        return a.name < b.name;
    });

    std::string header = "{";
    if (!metadata.empty()) {
        header += "\"__metadata__\":{";
        bool first = true;
        for (const auto& [key, value] : metadata) {
            header += (first ? "" : ",") + jsonString(key) + ":" + jsonString(value);
            first = false;
        }
        header += "}";
    }
    uint64_t offset = 0;
    for (const Prepared& item : items) {
        const uint64_t bytes = item.data.nbytes();
        if (header.size() > 1) header += ",";
        header += jsonString(item.name) + ":{\"dtype\":\"" + item.dtype->name + "\",\"shape\":[";
        for (int64_t d = 0; d < item.data.dim(); ++d) header += (d ? "," : "") + std::to_string(item.data.size(d));
        header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
        offset += bytes;
    }
    header += "}";
    header.resize((header.size() + 7) / 8 * 8, ' ');
    if (header.size() > 100000000)
        throw Error(path, "header of " + std::to_string(header.size()) + " bytes is too large");

    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(static_cast<uint64_t>(header.size()) >> (8 * i));
    AtomicFileWriter writer(path);
    writer.write(length, sizeof length);
    writer.write(header);
    for (const Prepared& item : items)
        if (item.data.nbytes() > 0) writer.write(item.data.data_ptr(), item.data.nbytes());
    writer.commit();
}

} // namespace captioner
