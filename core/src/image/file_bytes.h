#pragma once
// Whole-file reads for the image module, with errors that name the file.
#include <cstdint>
#include <string>
#include <vector>

namespace captioner::detail {

// Also reads Parquet row references ("FILE.parquet#row=N", see captioner/image_source.h).
std::vector<uint8_t> readFileBytes(const std::string& path);

} // namespace captioner::detail
