#include "image/file_bytes.h"

#include "util/file_io.h"

#include <captioner/image_source.h>

#include <sys/stat.h>

namespace captioner::detail {

std::vector<uint8_t> readFileBytes(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 && isEmbeddedImageRef(path))
        return readEmbeddedImage(path); // a Parquet dataset's row: FILE.parquet#row=N
    return readWholeFileBytes(path);
}

} // namespace captioner::detail
