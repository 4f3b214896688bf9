#pragma once
// Container-level facts read straight from the bytes: which format a file is, whether it is visibly
// cut short (libjpeg and some OpenCV decoders fill missing data silently), its EXIF orientation and
// its header fields. OpenCV decodes the pixels; this code only reads structure.
#include <captioner/image_io.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace captioner::detail {

enum class ImageFormat { Unknown, Png, Jpeg, WebP, Bmp, Tiff, Gif, Pnm };

ImageFormat sniffFormat(const uint8_t* p, size_t n);
const char* formatName(ImageFormat f);

// Throws Error(name, "truncated ...") when the data ends before the format's end marker or sizes.
void checkComplete(ImageFormat f, const uint8_t* p, size_t n, const std::string& name);

// Refuses (Error naming the file and the reason) an image before anything is allocated for it when
// it has more than kMaxImagePixels pixels, or when it is a decompression bomb: more than 64 MiB of
// samples as stored (width x height x channels x bitDepth / 8) that is over 256 times the file's
// size (zlib's best is about 1032:1, so a real photo or scan is far below), or more than 16 Mi
// pixels at over 4096 pixels per file byte (bilevel and palette bombs). channels and bitDepth <= 0
// count as 1 channel of 8 bits.
void checkDecodeBudget(uint64_t width, uint64_t height, int channels, int bitDepth, size_t fileBytes,
                       const std::string& name);

// EXIF orientation tag (1..8) found in the JPEG APP1, PNG eXIf, WebP EXIF chunk or TIFF IFD0;
// 1 when there is none or it is unreadable.
int exifOrientation(ImageFormat f, const uint8_t* p, size_t n);

// Fills width/height (as stored), channels, bitDepth and format from the header; false if the
// header is not within [p, p + n) or not understood.
bool readHeader(ImageFormat f, const uint8_t* p, size_t n, ImageInfo& info);

} // namespace captioner::detail
