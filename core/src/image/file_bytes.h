#pragma once
// The bytes of an image: a file (util/file_io.h's checked read) or a Parquet row reference.
#include <cstdint>
#include <string>
#include <vector>

namespace captioner::detail {

// Also reads Parquet row references ("FILE.parquet#row=N", see captioner/image_source.h).
std::vector<uint8_t> readFileBytes(const std::string& path);

} // namespace captioner::detail
