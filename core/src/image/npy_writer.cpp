// writeNpy and ClipImageProcessor::save: the two file writers of the image module.
#include <captioner/clip_image_processor.h>
#include <captioner/error.h>

#include <captioner/atomic_file.h>

#include <ATen/ATen.h>

#include <cstring>

namespace captioner {

void writeNpy(const std::string& path, const torch::Tensor& t) {
    if (t.scalar_type() != torch::kFloat32) throw Error(path, "writeNpy expects a float32 tensor");
    const at::Tensor c = t.to(at::kCPU).contiguous();
    // Same header bytes as numpy.save (format 1.0): dict, 21-digit growth room for the first axis,
    // space padding to a 64-byte boundary, newline.
    std::string shape = "(";
    for (int64_t i = 0; i < c.dim(); ++i) shape += (i ? ", " : "") + std::to_string(c.size(i));
    shape += c.dim() == 1 ? ",)" : ")";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    if (c.dim() > 0) header.append(21 - std::to_string(c.size(0)).size(), ' ');
    const size_t unpadded = 10 + header.size() + 1;
    header.append(64 - unpadded % 64, ' '); // numpy pads a full 64 when already aligned
    header += '\n';
    if (header.size() > 65535) throw Error(path, "tensor has too many dimensions for .npy v1.0");
    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes += char(header.size() & 0xff);
    bytes += char(header.size() >> 8);
    bytes += header;
    const size_t payload = size_t(c.numel()) * sizeof(float);
    const size_t at = bytes.size();
    bytes.resize(at + payload);
    if (payload) std::memcpy(&bytes[at], c.data_ptr<float>(), payload); // x86/ARM hosts are little-endian
    writeFileAtomically(path, bytes);
}

void ClipImageProcessor::save(const std::string& path) const { writeFileAtomically(path, toJson().dump(2) + "\n"); }

} // namespace captioner
