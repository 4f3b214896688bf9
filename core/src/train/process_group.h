#pragma once
// The trainer's link to the other processes of a data-parallel run: LibTorch's c10d (TCPStore for
// rendezvous, ProcessGroupGloo on CPU, ProcessGroupNCCL on CUDA where LibTorch has it). Collectives
// that fail or time out throw Error naming the lost rank(s): a heartbeat thread counts in the store
// once a second and every rank records the step it has reached, so a survivor can tell a peer that
// died (heartbeat stopped, or the store host gone) from one that hangs (alive but behind).
// Internal to the trainer; use from the training thread only (the heartbeat has its own connection).
#include "captioner/distributed.h"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace captioner::detail {

class ProcessGroup {
public:
    // Joins the group (blocks until every rank has arrived or the timeout ends). `device` picks
    // the backend when config.backend is "auto".
    ProcessGroup(const DistributedConfig& config, const torch::Device& device);
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;

    int rank() const { return m_config.rank; }
    int size() const { return m_config.worldSize; }
    const std::string& backendName() const;

    // In-place sum over all ranks. Tensors are flattened into buckets of about bucketBytes each;
    // every bucket's all-reduce is started before the first is waited on.
    void allReduceSum(const std::vector<torch::Tensor>& tensors, const std::string& what = "summing gradients",
                      int64_t bucketBytes = 25 << 20);
    void broadcastFromRankZero(const std::vector<torch::Tensor>& tensors);
    void barrier();
    // Every rank's `value`, in rank order, on every rank.
    std::vector<std::string> allGatherStrings(const std::string& value);

    // Recorded in the store so that a failure report can say which rank is behind.
    void markProgress(int64_t step);

    // Bytes handed to all-reduce since construction (for benchmarks).
    int64_t bytesReduced() const { return m_bytesReduced; }

    // After a failed collective: a process group cannot be used again, and destroying one whose
    // peer is gone may block in its worker threads, so the failure path leaks it on purpose.
    void abandon();

private:
    void wait(const std::string& what, const std::function<void()>& op);
    [[noreturn]] void fail(const std::string& what, const std::string& cause);
    std::string diagnose();
    void heartbeatLoop();
    void stopHeartbeat(bool wait);

    struct Impl;
    std::unique_ptr<Impl> m;
    DistributedConfig m_config;
    int64_t m_bytesReduced = 0;
};

} // namespace captioner::detail
