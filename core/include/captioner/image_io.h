#pragma once
// Image decoding for the captioning pipeline. Every decoder returns 8-bit RGB (CV_8UC3, channels in
// R,G,B order) with the pixel values that transformers' load_image would hand to the image processor:
// PIL's Image.open + ImageOps.exif_transpose + convert("RGB"). That means alpha is dropped (not
// composited), grey is replicated, palettes are expanded, 16-bit colour keeps its high byte and
// 16-bit grey is clipped to 0..255 (PIL's "I" to "RGB" conversion), and EXIF orientation is applied
// (our deliberate difference from Pillow's plain open: transformers' load_image applies it too).
// Animated files give their first frame, multi-page TIFF its first page.
// Bad input (missing, unreadable, truncated, not an image) throws captioner::Error naming the file.
#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace captioner {

// Images with more pixels than this are refused from their header, never decoded (Pillow's
// decompression-bomb limit: a hostile 100000x100000 PNG would otherwise ask for 30 GB).
constexpr std::uint64_t kMaxImagePixels = 178956970;

// Before anything is decoded, images over kMaxImagePixels and decompression bombs (far more pixel
// data than a file of that size can honestly hold: see checkDecodeBudget in image_format.h) are
// refused with an Error naming the file and the reason.
// Corrupt data is an error, not a picture: a JPEG whose entropy-coded data libjpeg finds corrupt or
// cut short, a TIFF strip or tile libtiff cannot decode, a PNG, WebP, GIF or JPEG that ends before
// its end marker or sizes.
cv::Mat decodeImageRgb(const std::string& path);
cv::Mat decodeImageRgbFromMemory(const std::vector<uint8_t>& bytes, const std::string& nameForErrors);

// Pillow's ImageFile.LOAD_TRUNCATED_IMAGES, off by default and process-wide (the CLI's
// --load-truncated-images): when on, a JPEG that is cut short or has corrupt data is decoded with
// libjpeg's own recovery (missing blocks grey), and a TIFF whose strips or tiles libtiff cannot
// decode is left to the decoder's recovery, instead of being refused. Other formats stay strict.
void setLoadTruncatedImages(bool on);
bool loadTruncatedImages();

// Header facts read without decoding pixels where the format allows it. width/height are the
// displayed size (after EXIF orientation), channels and bitDepth as stored (palette: 1 channel),
// format is "png", "jpeg", "webp", "bmp", "tiff", "gif" or what the decoder reported.
struct ImageInfo {
    int width = 0, height = 0;
    int channels = 0;
    int bitDepth = 8;
    std::string format;
};
ImageInfo probeImage(const std::string& path);

// File name extensions (lower case, with the dot) of the formats decodeImageRgb reads: PNG, JPEG,
// WebP, BMP, TIFF, GIF and Netpbm (PBM, PGM, PPM, PNM). Every folder listing of images uses this one
// list (listImageFiles, the dataset layouts). GIF (first frame), BMP, four-component JPEG, animated
// WebP and the TIFF layouts OpenCV 4.6 misreads are decoded by our own code (core/src/image/).
const std::vector<std::string>& imageExtensions();
// Whether a file name (or path) ends in one of imageExtensions(), ignoring case (".JPG" counts).
bool isImageFileName(const std::string& name);

// RGB image whose longer side is at most maxSide (never enlarged), for previews. Large JPEGs are
// decoded at 1/2, 1/4 or 1/8 scale by libjpeg, which is several times faster than a full decode.
cv::Mat decodeThumbnailRgb(const std::string& path, int maxSide);

} // namespace captioner
