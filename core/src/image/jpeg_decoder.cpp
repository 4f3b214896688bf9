#include "image/jpeg_decoder.h"

#include "image/image_format.h"

#include <captioner/error.h>

#include <csetjmp>
#include <cstdio>
#include <vector>

#include <jpeglib.h>
// After jpeglib.h, which it needs.
#include <jerror.h>

namespace captioner::detail {
namespace {

constexpr long kMaxDecoderMemory = 512L << 20;

struct ErrorManager {
    jpeg_error_mgr base;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    bool lenient;
};

[[noreturn]] void fail(j_common_ptr cinfo) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}

void onError(j_common_ptr cinfo) { fail(cinfo); }

// The warnings that mean the pixels are not what the file's author encoded.
bool corruptData(int code) {
    switch (code) {
    case JWRN_ARITH_BAD_CODE:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_JPEG_EOF:
    case JWRN_MUST_RESYNC:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_TOO_MUCH_DATA: return true;
    default: return false;
    }
}

void onMessage(j_common_ptr cinfo, int level) {
    // level < 0: a warning; others are trace messages.
    if (level < 0 && !reinterpret_cast<ErrorManager*>(cinfo->err)->lenient && corruptData(cinfo->err->msg_code))
        fail(cinfo);
}

uint8_t mulDiv255(unsigned a, unsigned b) {
    const unsigned t = a * b + 128;
    return uint8_t(((t >> 8) + t) >> 8);
}

// The steps that may longjmp, kept free of C++ objects with destructors. Each returns "" or the
// libjpeg message.
const char* readHeader(jpeg_decompress_struct* cinfo, ErrorManager* err, const uint8_t* p, size_t n) {
    if (setjmp(err->jump)) return err->message;
    jpeg_create_decompress(cinfo);
    cinfo->mem->max_memory_to_use = kMaxDecoderMemory;
    jpeg_mem_src(cinfo, p, static_cast<unsigned long>(n));
    jpeg_read_header(cinfo, TRUE);
    return "";
}

const char* decodeRows(jpeg_decompress_struct* cinfo, ErrorManager* err, cv::Mat* rgb, std::vector<uint8_t>* cmyk) {
    if (setjmp(err->jump)) return err->message;
    const bool fourComponents = cinfo->num_components == 4;
    cinfo->out_color_space = fourComponents ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(cinfo);
    if (int(cinfo->output_width) != rgb->cols || int(cinfo->output_height) != rgb->rows ||
        int(cinfo->output_components) != (fourComponents ? 4 : 3))
        return "unexpected output size";
    if (fourComponents) cmyk->resize(size_t(rgb->cols) * 4);
    while (cinfo->output_scanline < cinfo->output_height) {
        const int y = int(cinfo->output_scanline);
        JSAMPROW row = fourComponents ? cmyk->data() : rgb->ptr<uint8_t>(y);
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1) return "no scanline decoded";
        if (!fourComponents) continue;
        cv::Vec3b* d = rgb->ptr<cv::Vec3b>(y);
        const uint8_t* s = cmyk->data();
        for (int x = 0; x < rgb->cols; ++x, s += 4) {
            const unsigned k = s[3]; // Pillow's nk = 255 - (255 - K)
            for (int c = 0; c < 3; ++c) d[x][c] = uint8_t(k - mulDiv255(255u - s[c], k));
        }
    }
    jpeg_finish_decompress(cinfo);
    return "";
}

std::string describe(const jpeg_decompress_struct& cinfo, const std::string& message) {
    if (cinfo.err->msg_code == JERR_NO_BACKING_STORE || cinfo.err->msg_code == JERR_OUT_OF_MEMORY)
        return "needs more than " + std::to_string(kMaxDecoderMemory >> 20) + " MiB of decoder memory; not decoded";
    return message;
}

} // namespace

cv::Mat decodeJpegRgb(const uint8_t* p, size_t n, const std::string& name, bool lenient) {
    jpeg_decompress_struct cinfo{};
    ErrorManager err{};
    err.lenient = lenient;
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = onError;
    err.base.emit_message = onMessage;
    struct Destroy {
        jpeg_decompress_struct* c;
        ~Destroy() { jpeg_destroy_decompress(c); }
    } destroy{&cinfo};
    std::string failure = readHeader(&cinfo, &err, p, n);
    if (!failure.empty()) throw Error(name, "cannot decode jpeg image: " + describe(cinfo, failure));
    const int components = cinfo.num_components;
    if (components != 1 && components != 3 && components != 4)
        throw Error(name, "cannot decode jpeg image with " + std::to_string(components) + " components");
    checkDecodeBudget(cinfo.image_width, cinfo.image_height, components, 8, n, name);
    cv::Mat rgb(int(cinfo.image_height), int(cinfo.image_width), CV_8UC3);
    std::vector<uint8_t> cmyk;
    failure = decodeRows(&cinfo, &err, &rgb, &cmyk);
    if (!failure.empty()) throw Error(name, "cannot decode jpeg image: " + describe(cinfo, failure));
    return rgb;
}

} // namespace captioner::detail
