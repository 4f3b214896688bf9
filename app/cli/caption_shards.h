#pragma once
// Sharded batch captioning: which slice of the inputs one process takes. The inputs of a sharded run
// are the sorted, de-duplicated list of image paths after folder expansion; shard K of N (0-based)
// takes one contiguous block of it, so concatenating shards 0..N-1 gives the input order back and
// every process that sees the same arguments and files computes the same slices without talking to
// the others. K/N come from --shard, else from the launcher's environment (Slurm array, Kubernetes
// Indexed Job, torchrun), so one command line serves every task of an array or job.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace cli {

struct ShardSelection {
    int index = 0;                // K, 0-based
    int count = 1;                // N
    std::string source;           // where K/N came from, for the stderr line (e.g. "--shard")
    std::optional<int> localRank; // LOCAL_RANK under torchrun: which CUDA device this process uses
};

// Reads an environment variable; nullptr when unset. Tests pass their own.
using EnvLookup = std::function<const char*(const char*)>;

// "K/N" with 0 <= K < N; throws UsageError naming the value and what is wrong.
ShardSelection parseShardSpec(const std::string& spec);

// --shard wins, then SLURM_ARRAY_TASK_ID/COUNT (offset by SLURM_ARRAY_TASK_MIN, divided by
// SLURM_ARRAY_TASK_STEP), then JOB_COMPLETION_INDEX with shardCount (Kubernetes sets no count), then
// RANK/WORLD_SIZE (torchrun, PyTorchJob). nullopt when none applies. Throws UsageError on values
// that cannot name a shard, and when shardCount is given but disagrees with the source's N or has
// no index to go with.
std::optional<ShardSelection> resolveShard(const std::optional<std::string>& spec,
                                           const std::optional<std::string>& shardCount, const EnvLookup& env);

// The blocks are captioner::shardRange's (distributed.h), the same split the trainer uses: sizes
// differ by at most one and earlier shards take the larger ones. This is the shard whose block holds
// input `index` of `total`.
int shardOfIndex(std::size_t index, std::size_t total, int n);

// The device a shard uses: under torchrun (LOCAL_RANK set) "cuda" and, when CUDA is available,
// "auto" become cuda:LOCAL_RANK, so the ranks of a node spread over its GPUs; anything else as given.
std::string deviceForShard(const std::string& device, const ShardSelection& s, bool cudaAvailable);

// --out with {shard} and {shards} replaced by K and N: one command line, one file per shard.
std::string expandShardPattern(const std::string& pattern, const ShardSelection& s);

} // namespace cli
