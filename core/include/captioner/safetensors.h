#pragma once
// Reading and writing the .safetensors format of Hugging Face checkpoints
// (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a JSON header
// naming each tensor's dtype, shape and byte range, then the raw little-endian data.
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace captioner {

struct SafetensorsEntry {
    std::string name;
    std::string dtype; // as written in the file: "F32", "F16", "BF16", "I64", ...
    std::vector<int64_t> shape;
    uint64_t begin = 0, end = 0; // byte offsets in the data section, end exclusive
};

// A memory-mapped, read-only safetensors file. open() validates the whole header the way the Rust
// library does (data section exactly covered, no overlaps or gaps, sizes match shapes and dtypes), so
// every later read stays inside the mapping; any problem is an Error naming the file and the fault.
// Tensors returned by tensor() may be zero-copy views of the mapping: they keep it alive after the
// SafetensorsFile is gone, and they are read-only (the pages are mapped PROT_READ; clone() before
// writing in place). The file is safe to share between threads once opened.
class SafetensorsFile {
public:
    static std::shared_ptr<SafetensorsFile> open(const std::string& path); // throws Error(path, reason)

    const std::string& path() const { return m_path; }
    const std::vector<SafetensorsEntry>& entries() const { return m_entries; }        // file-header order
    const std::map<std::string, std::string>& metadata() const { return m_metadata; } // "__metadata__"
    bool contains(const std::string& name) const { return m_index.count(name) != 0; }
    const SafetensorsEntry& entry(const std::string& name) const; // throws Error naming file and tensor

    // The tensor in its stored dtype (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL); a zero-copy
    // view when the data is suitably aligned, otherwise a copy. Other dtypes throw Error.
    torch::Tensor tensor(const std::string& name) const;

    // Copies tensor `name` into `dst`, which must have its shape (any dtype: the stored values are
    // converted as Tensor::copy_ converts them, the same values tensor(name).to(dst's dtype) gives), and
    // gives the mapped pages back as it goes: a contiguous CPU `dst` is filled 8 MiB at a time, each
    // chunk's pages dropped from the process once copied (they are read from the file again if touched),
    // so that loading a model never holds the file's pages and its parameters resident together.
    // Throws Error naming the file and tensor for a shape mismatch or a dtype LibTorch cannot hold.
    void readInto(const std::string& name, torch::Tensor& dst) const;

    struct Mapping;

private:
    SafetensorsFile() = default;
    void parseHeader(const char* begin, const char* end);
    // Drops the mapped pages of [begin, end) from the process (MADV_DONTNEED; see readInto).
    void releasePages(const unsigned char* begin, const unsigned char* end) const;

    std::string m_path;
    std::shared_ptr<const Mapping> m_mapping;
    const unsigned char* m_data = nullptr; // first byte of the data section
    uint64_t m_dataSize = 0;
    std::vector<SafetensorsEntry> m_entries;
    std::map<std::string, std::string> m_metadata;
    std::map<std::string, std::size_t> m_index;
};

// Every tensor converted to `dtype` (contiguous copies that do not keep the file mapped).
std::map<std::string, torch::Tensor> loadSafetensors(const std::string& path,
                                                     torch::ScalarType dtype = torch::kFloat32);

// Writes atomically (see atomic_file.h) in the layout of the safetensors library's own writer: data
// ordered by dtype (widest first) then name, compact JSON header with "__metadata__" first, padded
// with spaces to a multiple of 8 bytes. Tensors are stored contiguous in their own dtype (CUDA
// tensors are copied to the CPU). An empty `metadata` omits "__metadata__". Throws Error(path, reason)
// for duplicate or reserved names, unsupported dtypes and I/O failures.
void saveSafetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                     const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

} // namespace captioner
