#include "image/file_bytes.h"

#include <captioner/error.h>
#include <captioner/image_source.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace captioner::detail {

std::vector<uint8_t> readFileBytes(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 && isEmbeddedImageRef(path))
        return readEmbeddedImage(path); // a Parquet dataset's row: FILE.parquet#row=N
    if (::stat(path.c_str(), &st) != 0)
        throw Error(path, errno == ENOENT ? "file not found" : std::string("cannot access: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw Error(path, "is a directory, not an image file");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        throw Error(path, std::string("cannot open: ") + std::strerror(errno));
    std::vector<uint8_t> bytes;
    uint8_t buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        bytes.insert(bytes.end(), buf, buf + n);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed)
        throw Error(path, "read error");
    return bytes;
}

} // namespace captioner::detail
