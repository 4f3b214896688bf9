// Reader of .safetensors files; validation follows the Rust library's SafeTensors::read_metadata and
// Metadata::validate (safetensors/src/tensor.rs), with messages that say which tensor and which bytes.
#include "captioner/safetensors.h"

#include "captioner/error.h"
#include "model/safetensors_dtype.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors data is little-endian; this reader assumes a little-endian host"
#endif

namespace captioner {

using safetensors_detail::dtypeByName;
using safetensors_detail::DtypeInfo;

struct SafetensorsFile::Mapping {
    void* address = MAP_FAILED;
    std::size_t length = 0;
    ~Mapping() {
        if (address != MAP_FAILED) munmap(address, length);
    }
};

namespace {

using Json = nlohmann::ordered_json;

constexpr uint64_t kMaxHeaderSize = 100000000; // the Rust library's MAX_HEADER_SIZE
constexpr int kMaxJsonDepth = 128;             // serde_json's recursion limit

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string shapeText(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

// A non-negative JSON integer that fits in uint64 (floats, negatives and bigger numbers are refused,
// as serde refuses them for usize).
bool readUnsigned(const Json& v, uint64_t& out) {
    if (v.is_number_unsigned()) {
        out = v.get<uint64_t>();
        return true;
    }
    if (v.is_number_integer() && v.get<int64_t>() >= 0) {
        out = static_cast<uint64_t>(v.get<int64_t>());
        return true;
    }
    return false;
}

// Element count with overflow checks. Dimensions are bounded by int64 (LibTorch's size type), and the
// product of the non-zero ones too, so that an empty tensor with absurd dimensions cannot overflow
// LibTorch's stride arithmetic later.
bool elementCount(const std::vector<int64_t>& shape, uint64_t& numel) {
    uint64_t product = 1, nonZeroProduct = 1;
    for (int64_t d : shape) {
        const auto u = static_cast<uint64_t>(d);
        if (u != 0 && nonZeroProduct > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / u) return false;
        if (u != 0) nonZeroProduct *= u;
        product = (u == 0) ? 0 : product * u;
    }
    numel = product;
    return true;
}

} // namespace

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
    Fd fd;
    fd.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK); // O_NONBLOCK: a FIFO must not hang us
    if (fd.fd < 0) throw Error(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (fstat(fd.fd, &st) != 0) throw Error(path, std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw Error(path, "is a directory, not a safetensors file");
    if (!S_ISREG(st.st_mode)) throw Error(path, "is not a regular file");
    const auto fileSize = static_cast<uint64_t>(st.st_size);
    if (fileSize < 8)
        throw Error(path, "file is " + std::to_string(fileSize) +
                              " bytes, too short for the 8-byte header length of a safetensors file");

    auto mapping = std::make_shared<Mapping>();
    mapping->address = mmap(nullptr, static_cast<std::size_t>(fileSize), PROT_READ, MAP_PRIVATE, fd.fd, 0);
    if (mapping->address == MAP_FAILED) throw Error(path, std::string("cannot map: ") + std::strerror(errno));
    mapping->length = static_cast<std::size_t>(fileSize);
    const auto* bytes = static_cast<const unsigned char*>(mapping->address);

    uint64_t headerSize = 0;
    for (int i = 7; i >= 0; --i) headerSize = (headerSize << 8) | bytes[i];
    if (headerSize > fileSize - 8)
        throw Error(path,
                    "header length " + std::to_string(headerSize) + " exceeds file size " + std::to_string(fileSize));
    if (headerSize > kMaxHeaderSize)
        throw Error(path, "header length " + std::to_string(headerSize) + " exceeds the limit of " +
                              std::to_string(kMaxHeaderSize) + " bytes");

    std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
    file->m_path = path;
    file->m_data = bytes + 8 + headerSize;
    file->m_dataSize = fileSize - 8 - headerSize;
    file->parseHeader(reinterpret_cast<const char*>(bytes + 8), reinterpret_cast<const char*>(bytes + 8 + headerSize));
    file->m_mapping = std::move(mapping);
    return file;
}

void SafetensorsFile::parseHeader(const char* begin, const char* end) {
    const std::string& path = m_path;
    // nlohmann skips a UTF-8 byte-order mark; JSON parsers of the Rust and Python libraries do not.
    if (end - begin >= 3 && std::memcmp(begin, "\xEF\xBB\xBF", 3) == 0)
        throw Error(path, "header starts with a UTF-8 byte-order mark, which is not valid JSON here");

    // nlohmann keeps the last of duplicate keys silently; serde refuses them, and so do we. The
    // callback sees every key of every object, so a stack of key sets catches duplicates at any level.
    std::vector<std::unordered_set<std::string>> keysPerObject;
    auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
        switch (event) {
        case Json::parse_event_t::object_start:
        case Json::parse_event_t::array_start:
            if (depth >= kMaxJsonDepth)
                throw Error(path, "header JSON is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
            if (event == Json::parse_event_t::object_start) keysPerObject.emplace_back();
            break;
        case Json::parse_event_t::object_end:
            if (!keysPerObject.empty()) keysPerObject.pop_back();
            break;
        case Json::parse_event_t::key: {
            if (keysPerObject.empty()) break;
            const std::string& key = parsed.get_ref<const std::string&>();
            if (!keysPerObject.back().insert(key).second)
                throw Error(path, "header has the key \"" + key + "\" twice" +
                                      (keysPerObject.size() == 1 ? "" : " in one object"));
            break;
        }
        default: break;
        }
        return true;
    };

    Json header;
    try {
        header = Json::parse(begin, end, callback);
    } catch (const Json::exception& e) {
        throw Error(path, std::string("header is not valid UTF-8 JSON: ") + e.what());
    }
    if (!header.is_object()) throw Error(path, "header is JSON but not an object");

    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const Json& value = it.value();
        if (name == "__metadata__") {
            if (value.is_null()) continue;
            if (!value.is_object()) throw Error(path, "\"__metadata__\" is not an object of strings");
            for (auto m = value.begin(); m != value.end(); ++m) {
                if (!m.value().is_string())
                    throw Error(path, "\"__metadata__\" value of \"" + m.key() + "\" is not a string");
                m_metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "'";
        if (!value.is_object()) throw Error(path, where + ": header entry is not an object");
        for (const char* field : {"dtype", "shape", "data_offsets"})
            if (!value.contains(field)) throw Error(path, where + ": header entry has no \"" + field + "\"");

        SafetensorsEntry e;
        e.name = name;
        const Json& dtype = value["dtype"];
        if (!dtype.is_string()) throw Error(path, where + ": \"dtype\" is not a string");
        e.dtype = dtype.get<std::string>();
        const DtypeInfo* info = dtypeByName(e.dtype);
        if (!info) throw Error(path, where + ": unknown dtype \"" + e.dtype + "\"");

        const Json& shape = value["shape"];
        if (!shape.is_array()) throw Error(path, where + ": \"shape\" is not an array");
        for (const Json& d : shape) {
            uint64_t u = 0;
            if (!readUnsigned(d, u))
                throw Error(path, where + ": shape has an entry that is not a non-negative integer");
            if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                throw Error(path, where + ": shape dimension " + std::to_string(u) + " is too large");
            e.shape.push_back(static_cast<int64_t>(u));
        }

        const Json& offsets = value["data_offsets"];
        if (!offsets.is_array() || offsets.size() != 2 || !readUnsigned(offsets[0], e.begin) ||
            !readUnsigned(offsets[1], e.end))
            throw Error(path, where + ": \"data_offsets\" is not a pair of non-negative integers");
        const std::string range = "[" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
        if (e.end < e.begin) throw Error(path, where + ": data offsets " + range + " end before they begin");
        if (e.end > m_dataSize)
            throw Error(path, where + ": data offsets " + range + " reach beyond the data section of " +
                                  std::to_string(m_dataSize) + " bytes");

        uint64_t numel = 0;
        if (!elementCount(e.shape, numel) ||
            numel > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(info->bits))
            throw Error(path, where + ": shape " + shapeText(e.shape) + " overflows");
        const uint64_t bits = numel * static_cast<uint64_t>(info->bits);
        if (bits % 8 != 0)
            throw Error(path,
                        where + ": shape " + shapeText(e.shape) + " of " + e.dtype + " is not a whole number of bytes");
        if (e.end - e.begin != bits / 8)
            throw Error(path, where + ": data offsets " + range + " hold " + std::to_string(e.end - e.begin) +
                                  " bytes but shape " + shapeText(e.shape) + " of " + e.dtype + " needs " +
                                  std::to_string(bits / 8));
        m_index[name] = m_entries.size();
        m_entries.push_back(std::move(e));
    }

    // The data section must be covered exactly: sorted by offsets, each tensor starts where the
    // previous one ended, and the last one ends at the end of the file.
    std::vector<const SafetensorsEntry*> byOffset;
    for (const auto& e : m_entries) byOffset.push_back(&e);
    std::sort(byOffset.begin(), byOffset.end(), [](const SafetensorsEntry* a, const SafetensorsEntry* b) {
        return std::make_pair(a->begin, a->end) < std::make_pair(b->begin, b->end);
    });
    uint64_t covered = 0;
    for (const SafetensorsEntry* e : byOffset) {
        if (e->begin < covered)
            throw Error(path, "tensor '" + e->name + "' starts at byte " + std::to_string(e->begin) +
                                  " of the data section, overlapping data that ends at byte " +
                                  std::to_string(covered));
        if (e->begin > covered)
            throw Error(path, "data section has a gap: bytes " + std::to_string(covered) + " to " +
                                  std::to_string(e->begin) + " before tensor '" + e->name + "' belong to no tensor");
        covered = e->end;
    }
    if (covered != m_dataSize)
        throw Error(path, "data section is " + std::to_string(m_dataSize) + " bytes but its tensors cover " +
                              std::to_string(covered));
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
    auto it = m_index.find(name);
    if (it == m_index.end()) throw Error(m_path, "has no tensor named '" + name + "'");
    return m_entries[it->second];
}

torch::Tensor SafetensorsFile::tensor(const std::string& name) const {
    const SafetensorsEntry& e = entry(name);
    const DtypeInfo* info = dtypeByName(e.dtype);
    if (!info || !info->scalar)
        throw Error(m_path, "tensor '" + name + "' has dtype " + e.dtype + ", which LibTorch cannot hold");
    const unsigned char* src = m_data + e.begin;
    const auto bytes = static_cast<std::size_t>(e.end - e.begin);
    try {
        if (*info->scalar == c10::ScalarType::Bool) {
            // Bytes other than 0 and 1 are not valid bools; normalise them rather than trust the file.
            torch::Tensor raw = torch::empty(e.shape, torch::kUInt8);
            if (bytes) std::memcpy(raw.data_ptr(), src, bytes);
            return raw.ne(0);
        }
        const auto options = torch::TensorOptions().dtype(*info->scalar);
        const std::size_t itemSize = static_cast<std::size_t>(info->bits / 8);
        if (bytes == 0 || reinterpret_cast<std::uintptr_t>(src) % itemSize != 0) {
            torch::Tensor copy = torch::empty(e.shape, options);
            if (bytes) std::memcpy(copy.data_ptr(), src, bytes);
            return copy;
        }
        std::shared_ptr<const Mapping> keepAlive = m_mapping;
        return torch::from_blob(
            const_cast<unsigned char*>(src), e.shape, [keepAlive](void*) mutable { keepAlive.reset(); }, options);
    } catch (const c10::Error& err) {
        throw Error(m_path, "tensor '" + name + "': " + err.what_without_backtrace());
    }
}

namespace {
// Pages of the mapping handed back per step of readInto: big enough that the madvise calls cost nothing
// beside the copy, small beside a model.
constexpr std::size_t kReadChunkBytes = std::size_t(8) << 20;
} // namespace

void SafetensorsFile::releasePages(const unsigned char* begin, const unsigned char* end) const {
    static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    if (begin >= end || page == 0) return;
    const auto mapBegin = reinterpret_cast<std::uintptr_t>(m_mapping->address);
    const auto mapEnd = mapBegin + m_mapping->length;
    // Whole pages round the range, within the mapping: a page shared with a neighbouring tensor is
    // dropped too, which only means it is read from the file again if that tensor is read later (the
    // mapping is private and read-only, so no page holds anything the file does not).
    const std::uintptr_t from = std::max(mapBegin, reinterpret_cast<std::uintptr_t>(begin) / page * page);
    const std::uintptr_t to = std::min(mapEnd, (reinterpret_cast<std::uintptr_t>(end) + page - 1) / page * page);
    if (from < to) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED); // advice: failure is harmless
}

void SafetensorsFile::readInto(const std::string& name, torch::Tensor& dst) const {
    const SafetensorsEntry& e = entry(name);
    const DtypeInfo* info = dtypeByName(e.dtype);
    if (!info || !info->scalar)
        throw Error(m_path, "tensor '" + name + "' has dtype " + e.dtype + ", which LibTorch cannot hold");
    if (!dst.defined() || dst.sizes() != c10::IntArrayRef(e.shape))
        throw Error(m_path, "tensor '" + name + "' has shape " + shapeText(e.shape) + ", but it was to be read into " +
                                (dst.defined() ? "a tensor of shape " + shapeText(dst.sizes().vec()) : "no tensor"));
    const unsigned char* src = m_data + e.begin;
    const auto bytes = static_cast<std::size_t>(e.end - e.begin);
    try {
        const c10::ScalarType stored = *info->scalar;
        if (!dst.device().is_cpu() || !dst.is_contiguous() || stored == c10::ScalarType::Bool) {
            dst.copy_(tensor(name)); // tensor() normalises bools
            releasePages(src, src + bytes);
            return;
        }
        if (dst.scalar_type() == stored) {
            auto* out = static_cast<unsigned char*>(dst.data_ptr());
            for (std::size_t done = 0; done < bytes; done += kReadChunkBytes) {
                const std::size_t n = std::min(kReadChunkBytes, bytes - done);
                std::memcpy(out + done, src + done, n);
                releasePages(src + done, src + done + n);
            }
            return;
        }
        const auto itemSize = static_cast<std::size_t>(info->bits / 8);
        const auto numel = static_cast<int64_t>(bytes / itemSize);
        const auto perChunk = static_cast<int64_t>(std::max<std::size_t>(1, kReadChunkBytes / itemSize));
        const auto options = torch::TensorOptions().dtype(stored);
        const bool aligned = reinterpret_cast<std::uintptr_t>(src) % itemSize == 0;
        torch::Tensor staging; // LibTorch's kernels want aligned elements: misaligned data is copied first
        if (!aligned) staging = torch::empty({std::min(perChunk, numel)}, options);
        torch::Tensor flat = dst.view({-1});
        for (int64_t start = 0; start < numel; start += perChunk) {
            const int64_t n = std::min(perChunk, numel - start);
            const unsigned char* part = src + static_cast<std::size_t>(start) * itemSize;
            const std::size_t partBytes = static_cast<std::size_t>(n) * itemSize;
            torch::Tensor values;
            if (aligned) {
                values = torch::from_blob(const_cast<unsigned char*>(part), {n}, options);
            } else {
                values = staging.narrow(0, 0, n);
                std::memcpy(values.data_ptr(), part, partBytes);
            }
            flat.narrow(0, start, n).copy_(values);
            releasePages(part, part + partBytes);
        }
    } catch (const c10::Error& err) {
        throw Error(m_path, "tensor '" + name + "': " + err.what_without_backtrace());
    }
}

std::map<std::string, torch::Tensor> loadSafetensors(const std::string& path, torch::ScalarType dtype) {
    auto file = SafetensorsFile::open(path);
    std::map<std::string, torch::Tensor> out;
    for (const SafetensorsEntry& e : file->entries()) {
        torch::Tensor t = torch::empty(e.shape, torch::TensorOptions().dtype(dtype));
        file->readInto(e.name, t); // the values of tensor(name).to(dtype), without keeping the file's pages
        out[e.name] = std::move(t);
    }
    return out;
}

} // namespace captioner
