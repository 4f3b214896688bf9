// Pillow opens every four-component JPEG as "CMYK" with the raw mode "CMYK;I" (Adobe's inverted
// convention assumed, whatever the markers say); libjpeg turns YCCK into CMYK first. convert("RGB")
// then computes, per channel, R = K' - round(C' * K' / 255) with C' = 255 - C, K' = the stored K
// (Pillow's cmyk2rgb with its MULDIV255 rounding), read for behaviour from Pillow's Convert.c.
#include "image/jpeg_cmyk.h"

#include <captioner/error.h>
#include <captioner/image_io.h>

#include <csetjmp>
#include <cstdio>
#include <vector>

#include <jpeglib.h>

namespace captioner::detail {
namespace {

struct ErrorManager {
    jpeg_error_mgr base;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void onError(j_common_ptr cinfo) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}
void onMessage(j_common_ptr, int) {}

uint8_t mulDiv255(unsigned a, unsigned b) {
    const unsigned t = a * b + 128;
    return uint8_t(((t >> 8) + t) >> 8);
}

// Decodes into out (CMYK rows, already sized by the caller after the header); returns "" or the
// libjpeg error. Kept free of C++ objects with destructors because of longjmp.
const char* decodeRows(jpeg_decompress_struct* cinfo, ErrorManager* err, const uint8_t* p, size_t n,
                       std::vector<uint8_t>* out, int* width, int* height) {
    if (setjmp(err->jump)) return err->message;
    jpeg_create_decompress(cinfo);
    jpeg_mem_src(cinfo, p, static_cast<unsigned long>(n));
    jpeg_read_header(cinfo, TRUE);
    if (cinfo->num_components != 4) return "not a four-component JPEG";
    if (uint64_t(cinfo->image_width) * cinfo->image_height > kMaxImagePixels) return "too large";
    cinfo->out_color_space = JCS_CMYK;
    jpeg_start_decompress(cinfo);
    *width = int(cinfo->output_width);
    *height = int(cinfo->output_height);
    out->resize(size_t(*width) * size_t(*height) * 4);
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = out->data() + size_t(cinfo->output_scanline) * size_t(*width) * 4;
        jpeg_read_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_decompress(cinfo);
    return "";
}

} // namespace

cv::Mat decodeCmykJpegRgb(const uint8_t* p, size_t n, const std::string& name) {
    jpeg_decompress_struct cinfo{};
    ErrorManager err{};
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = onError;
    err.base.emit_message = onMessage;
    std::vector<uint8_t> cmyk;
    int width = 0, height = 0;
    const std::string failure = decodeRows(&cinfo, &err, p, n, &cmyk, &width, &height);
    jpeg_destroy_decompress(&cinfo);
    if (!failure.empty()) throw Error(name, "cannot decode jpeg image: " + failure);
    cv::Mat rgb(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y) {
        const uint8_t* s = cmyk.data() + size_t(y) * size_t(width) * 4;
        cv::Vec3b* d = rgb.ptr<cv::Vec3b>(y);
        for (int x = 0; x < width; ++x, s += 4) {
            const unsigned k = s[3]; // Pillow's nk = 255 - (255 - K)
            for (int c = 0; c < 3; ++c) d[x][c] = uint8_t(k - mulDiv255(255u - s[c], k));
        }
    }
    return rgb;
}

} // namespace captioner::detail
