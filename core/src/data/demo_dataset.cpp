// Writing the demo dataset as an imagefolder, rendered by a bounded pool of threads.
#include "captioner/demo_dataset.h"
#include "util/seeding.h"

#include "captioner/atomic_file.h"
#include "captioner/error.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace captioner {
namespace {

using detail::splitMix64;

// Each image has its own generator, derived from (seed, index), so images can be rendered in any
// order on any number of threads and still come out the same.
std::mt19937_64 imageRng(uint64_t seed, int index) {
    return std::mt19937_64(splitMix64(seed ^ splitMix64(uint64_t(index) + 0x5DEECE66Dull)));
}

} // namespace

DemoScene freshDemoScene(uint64_t seed, int epoch, size_t index) {
    // A different mix from imageRng's (which xors a function of the index alone into the seed).
    const uint64_t stream = splitMix64(splitMix64(seed + 0x9E3779B97F4A7C15ull) ^ (uint64_t(uint32_t(epoch)) << 32));
    std::mt19937_64 rng(splitMix64(stream ^ splitMix64(uint64_t(index) ^ 0xF4E5D6C7B8A99180ull)));
    return randomScene(rng);
}

namespace {

std::string fileNameFor(int index, int count) {
    const int width = std::max<int>(5, int(std::to_string(std::max(count - 1, 0)).size()));
    std::string digits = std::to_string(index);
    return std::string(size_t(std::max(0, width - int(digits.size()))), '0') + digits + ".png";
}

void writeBytes(const fs::path& path, const std::vector<uchar>& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    f.close();
    if (!f) throw Error(path.string(), "cannot write file");
}

} // namespace

void writeDemoDataset(const std::string& outDir, const DemoDatasetOptions& options) {
    if (outDir.empty()) throw Error(outDir, "no output folder given");
    if (options.count < 1)
        throw Error(outDir, "image count must be at least 1 (got " + std::to_string(options.count) + ")");
    if (options.imageSize < 16 || options.imageSize > 4096)
        throw Error(outDir, "image size must be between 16 and 4096 (got " + std::to_string(options.imageSize) + ")");

    const fs::path out = fs::path(outDir).lexically_normal();
    std::error_code ec;
    if (fs::exists(out, ec)) {
        if (!fs::is_directory(out, ec)) throw Error(outDir, "exists and is not a folder");
        if (!fs::is_empty(out, ec)) throw Error(outDir, "folder exists and is not empty");
    }
    const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
    fs::create_directories(parent, ec);
    if (ec) throw Error(parent.string(), "cannot create folder: " + ec.message());
    const fs::path tmp = parent / ("." + out.filename().string() + ".tmp-" + std::to_string(::getpid()));
    fs::remove_all(tmp, ec);
    if (!fs::create_directory(tmp, ec) || ec)
        throw Error(tmp.string(), "cannot create folder: " + (ec ? ec.message() : std::string("already exists")));

    const int total = options.count;
    std::vector<std::string> captions(static_cast<size_t>(total));
    std::atomic<int> nextIndex{0}, done{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::condition_variable cv;
    std::string firstError;

    auto work = [&] {
        try {
            for (int i = nextIndex++; i < total && !stop; i = nextIndex++) {
                std::mt19937_64 rng = imageRng(options.seed, i);
                const DemoScene scene = randomScene(rng);
                captions[size_t(i)] = describeScene(scene);
                cv::Mat bgr;
                cv::cvtColor(renderScene(scene, options.imageSize), bgr, cv::COLOR_RGB2BGR);
                std::vector<uchar> png;
                if (!cv::imencode(".png", bgr, png)) throw Error(fileNameFor(i, total), "PNG encoding failed");
                writeBytes(tmp / fileNameFor(i, total), png);
                ++done;
                cv.notify_one();
            }
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lock(mutex);
            if (firstError.empty()) firstError = e.what();
            stop = true;
            cv.notify_one();
        }
    };

    const int hw = int(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = std::clamp(options.threads > 0 ? options.threads : hw, 1, std::min(total, 64));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work);

    bool cancelled = false;
    int reported = -1;
    {
        std::unique_lock<std::mutex> lock(mutex);
        while (done < total && !stop) {
            cv.wait_for(lock, std::chrono::milliseconds(50));
            const int now = done;
            lock.unlock();
            if (options.progress && now != reported) options.progress(now, total);
            reported = now;
            if (options.shouldCancel && options.shouldCancel()) {
                cancelled = true;
                stop = true;
            }
            lock.lock();
        }
    }
    for (auto& t : pool) t.join();

    if (cancelled || !firstError.empty()) {
        fs::remove_all(tmp, ec);
        throw Error(outDir, cancelled ? std::string("cancelled") : firstError);
    }
    if (options.progress && reported != total) options.progress(total, total);

    try {
        std::string jsonl;
        for (int i = 0; i < total; ++i)
            jsonl += nlohmann::json{{"file_name", fileNameFor(i, total)}, {"text", captions[size_t(i)]}}.dump() + "\n";
        writeFileAtomically((tmp / "metadata.jsonl").string(), jsonl);
        if (fs::exists(out)) fs::remove(out); // empty, checked above
        fs::rename(tmp, out);
    } catch (const fs::filesystem_error& e) {
        fs::remove_all(tmp, ec);
        throw Error(outDir, std::string("cannot move the finished dataset into place: ") + e.code().message());
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
}

} // namespace captioner
