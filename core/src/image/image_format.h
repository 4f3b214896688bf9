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

// EXIF orientation tag (1..8) found in the JPEG APP1, PNG eXIf, WebP EXIF chunk or TIFF IFD0;
// 1 when there is none or it is unreadable.
int exifOrientation(ImageFormat f, const uint8_t* p, size_t n);

// Fills width/height (as stored), channels, bitDepth and format from the header; false if the
// header is not within [p, p + n) or not understood.
bool readHeader(ImageFormat f, const uint8_t* p, size_t n, ImageInfo& info);

} // namespace captioner::detail
