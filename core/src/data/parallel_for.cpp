#include "data/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace captioner::detail {

bool parallelFor(std::size_t count, int threads, const std::function<void(std::size_t)>& task,
                 const std::function<void(std::size_t, std::size_t)>& progress,
                 const std::function<bool()>& shouldCancel) {
    if (count == 0) return !(shouldCancel && shouldCancel());
    std::size_t workers = threads > 0 ? std::size_t(threads) : std::max(1u, std::thread::hardware_concurrency());
    workers = std::min(workers, count);
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> cancelled{false};
    auto work = [&] {
        for (std::size_t i; !cancelled.load() && (i = next.fetch_add(1)) < count;) {
            task(i);
            done.fetch_add(1);
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
    // The calling thread works too, one task at a time, reporting and checking for cancellation.
    std::size_t reported = 0;
    for (std::size_t i; !cancelled.load() && (i = next.fetch_add(1)) < count;) {
        task(i);
        done.fetch_add(1);
        if (shouldCancel && shouldCancel()) cancelled = true;
        const std::size_t d = done.load();
        if (progress && d != reported) progress(reported = d, count);
    }
    for (auto& t : pool) t.join();
    if (!cancelled && shouldCancel && shouldCancel()) cancelled = true;
    if (progress && !cancelled && reported != count) progress(count, count);
    return !cancelled;
}

} // namespace captioner::detail
