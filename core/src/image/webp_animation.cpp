#include "image/webp_animation.h"

#include <captioner/error.h>
#include <captioner/image_io.h>

#include <webp/demux.h>

#include <cstring>
#include <memory>

namespace captioner::detail {

bool isAnimatedWebP(const uint8_t* p, size_t n) {
    return n >= 21 && std::memcmp(p, "RIFF", 4) == 0 && std::memcmp(p + 8, "WEBPVP8X", 8) == 0 && (p[20] & 0x02) != 0;
}

cv::Mat decodeAnimatedWebPRgb(const uint8_t* p, size_t n, const std::string& name) {
    WebPAnimDecoderOptions options;
    if (!WebPAnimDecoderOptionsInit(&options)) throw Error(name, "cannot decode animated webp image (libwebp)");
    options.color_mode = MODE_RGBA;
    options.use_threads = 0;
    const WebPData data{p, n};
    std::unique_ptr<WebPAnimDecoder, void (*)(WebPAnimDecoder*)> dec(WebPAnimDecoderNew(&data, &options),
                                                                     WebPAnimDecoderDelete);
    if (!dec) throw Error(name, "cannot decode animated webp image (corrupt or truncated data)");
    WebPAnimInfo info;
    if (!WebPAnimDecoderGetInfo(dec.get(), &info) || info.canvas_width == 0 || info.canvas_height == 0)
        throw Error(name, "cannot decode animated webp image (bad canvas)");
    if (uint64_t(info.canvas_width) * info.canvas_height > kMaxImagePixels)
        throw Error(name, "image is " + std::to_string(info.canvas_width) + "x" + std::to_string(info.canvas_height) +
                              " pixels, over the limit of " + std::to_string(kMaxImagePixels) + "; not decoded");
    uint8_t* rgba = nullptr;
    int timestamp = 0;
    if (!WebPAnimDecoderGetNext(dec.get(), &rgba, &timestamp) || !rgba)
        throw Error(name, "cannot decode animated webp image (first frame unreadable)");
    const cv::Mat canvas(int(info.canvas_height), int(info.canvas_width), CV_8UC4, rgba);
    cv::Mat rgb(canvas.size(), CV_8UC3);
    const int fromTo[] = {0, 0, 1, 1, 2, 2};
    cv::mixChannels(&canvas, 1, &rgb, 1, fromTo, 3);
    return rgb;
}

} // namespace captioner::detail
