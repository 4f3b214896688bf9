#pragma once
// Threads that live as long as a training run and run one part of every step's work each
// (TrainingOptions::dataParallelThreads). A thread started per step costs more than a tiny model's
// step gains: each new thread pays for its OpenMP team, allocator arena and BLAS buffers again.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace captioner::detail {

class ShardThreads {
public:
    explicit ShardThreads(int parts); // parts - 1 threads; the caller takes part 0
    ~ShardThreads();
    ShardThreads(const ShardThreads&) = delete;
    ShardThreads& operator=(const ShardThreads&) = delete;

    int parts() const { return static_cast<int>(m_threads.size()) + 1; }
    // Runs task(0) on the calling thread and task(k) on thread k for k in 1..parts-1; returns when
    // all are done. `task` must not throw.
    void run(const std::function<void(int)>& task);

private:
    void loop(int part);

    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_start, m_done;
    const std::function<void(int)>* m_task = nullptr;
    uint64_t m_generation = 0;
    int m_pending = 0;
    bool m_stop = false;
};

} // namespace captioner::detail
