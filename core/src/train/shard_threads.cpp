#include "shard_threads.h"

#include <ATen/Parallel.h>

namespace captioner::detail {

ShardThreads::ShardThreads(int parts) {
    for (int k = 1; k < parts; ++k) m_threads.emplace_back([this, k] { loop(k); });
}

ShardThreads::~ShardThreads() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_start.notify_all();
    for (auto& t : m_threads) t.join();
}

void ShardThreads::run(const std::function<void(int)>& task) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_task = &task;
        m_pending = static_cast<int>(m_threads.size());
        ++m_generation;
    }
    m_start.notify_all();
    task(0);
    std::unique_lock<std::mutex> lock(m_mutex);
    m_done.wait(lock, [this] { return m_pending == 0; });
    m_task = nullptr;
}

void ShardThreads::loop(int part) {
    // A new thread starts with OpenMP's default team size: LibTorch's configured count instead.
    at::init_num_threads();
    uint64_t seen = 0;
    for (;;) {
        const std::function<void(int)>* task = nullptr;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_start.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop) return;
            seen = m_generation;
            task = m_task;
        }
        (*task)(part);
        bool last = false;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            last = --m_pending == 0;
        }
        if (last) m_done.notify_one();
    }
}

} // namespace captioner::detail
