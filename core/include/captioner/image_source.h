#pragma once
// Images that are not files of their own. Parquet datasets (the Hugging Face Hub's layout) hold each
// image's PNG/JPEG bytes in a row; such an item's DatasetItem::imagePath is a reference
// "/abs/file.parquet#row=N" (N counts rows from 0 across the file's row groups). Every image path in
// the core (decodeImageRgb, probeImage, decodeThumbnailRgb, ThumbnailCache, the batch loader and the
// dataset report) accepts these references, so datasets, training and thumbnails need no special
// case. A path that exists as a file is always that file, even if its name looks like a reference.
//
// Reading a row decodes its row group's image column once and keeps it in a bounded cache (about
// 256 MiB, least recently used first), refreshed when the file's size or time changes. All functions
// are thread-safe.
#include <cstdint>
#include <string>
#include <vector>

namespace captioner {

std::string embeddedImageRef(const std::string& parquetFile, std::int64_t row);
// Splits "FILE.parquet#row=N" (extension case-insensitive); false for anything else.
bool parseEmbeddedImageRef(const std::string& path, std::string& file, std::int64_t& row);
// parseEmbeddedImageRef and no file exists at `path` itself.
bool isEmbeddedImageRef(const std::string& path);
// The image bytes of a reference. Throws Error(ref, reason): no such row, a null image, an
// unreadable or unsupported file.
std::vector<uint8_t> readEmbeddedImage(const std::string& ref);
// The file whose size and modification time stand for the image's: the Parquet file of a
// reference, `path` itself otherwise.
std::string imageBackingFile(const std::string& path);
// Size in bytes of the image itself: the file's size, or the row's image bytes (for a detail view
// that would otherwise stat a path that is no file). Throws Error(path, reason) when unreadable.
std::uint64_t imageByteSize(const std::string& path);
// Drops every cached row group (tests, or to give memory back).
void clearEmbeddedImageCache();

} // namespace captioner
