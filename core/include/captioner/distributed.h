#pragma once
// Where this process stands in a data-parallel run, read from the launcher's environment as
// torch.distributed's env:// rendezvous reads it: torchrun and Kubeflow's PyTorchJob set WORLD_SIZE,
// RANK, LOCAL_RANK, MASTER_ADDR and MASTER_PORT; Slurm's srun sets SLURM_PROCID, SLURM_NTASKS and
// SLURM_LOCALID (MASTER_ADDR must then be exported by the job script). With none of them, or a
// world of one, the process runs alone exactly as before. Torch-free: the process group itself is
// internal to the trainer (core/src/train/process_group.h).
#include <cstddef>
#include <functional>
#include <string>

namespace captioner {

struct DistributedConfig {
    int worldSize = 1;
    int rank = 0;
    int localRank = 0;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    std::string launcher; // "torchrun", "env" or "slurm"; empty when alone
    // torchrun's elastic agent already serves the TCPStore on MASTER_PORT
    // (TORCHELASTIC_USE_AGENT_STORE=True): rank 0 then connects as a client instead of binding it.
    bool agentStore = false;
    std::string runId;            // separates the keys of restarts that share a store
    std::string backend = "auto"; // auto (NCCL for CUDA where built in, else Gloo), gloo, nccl
    double timeoutSeconds = 300;  // a peer silent for this long stops the run, naming it

    bool enabled() const { return worldSize > 1; }
    // "rank 1 of 2 (torchrun, 127.0.0.1:29500)"
    std::string describe() const;
};

using EnvironmentLookup = std::function<const char*(const char*)>;

// Reads the launcher's variables. Throws Error naming the variable when one is malformed or the set
// is inconsistent (RANK >= WORLD_SIZE, Slurm without MASTER_ADDR, ...).
DistributedConfig distributedConfigFromEnvironment(const EnvironmentLookup& getenv = {});

// The contiguous part [begin, end) of `count` items that shard `index` of `shards` takes: sizes
// differ by at most one, earlier shards take the larger parts, and the parts cover all items in order.
struct ShardRange {
    size_t begin = 0, end = 0;
    size_t size() const { return end - begin; }
};
ShardRange shardRange(size_t count, int index, int shards);

} // namespace captioner
