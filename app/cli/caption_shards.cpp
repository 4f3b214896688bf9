#include "caption_shards.h"

#include "args.h"

#include "captioner/distributed.h"

namespace cli {

namespace {

// A whole number without sign or spaces, small enough for an int; nullopt otherwise.
std::optional<int> wholeNumber(const std::string& s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

int envNumber(const EnvLookup& env, const char* name) {
    const char* v = env(name);
    const auto n = wholeNumber(v ? v : "");
    if (!n) throw UsageError(std::string(name) + "='" + (v ? v : "") + "' is not a whole number");
    return *n;
}

bool isSet(const EnvLookup& env, const char* name) {
    const char* v = env(name);
    return v && *v;
}

std::optional<ShardSelection> fromSlurmArray(const EnvLookup& env) {
    if (!isSet(env, "SLURM_ARRAY_TASK_ID")) return std::nullopt;
    if (!isSet(env, "SLURM_ARRAY_TASK_COUNT"))
        throw UsageError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: pass --shard K/N");
    const int id = envNumber(env, "SLURM_ARRAY_TASK_ID");
    const int count = envNumber(env, "SLURM_ARRAY_TASK_COUNT");
    // `--array=1-4` numbers the tasks 1..4 and `--array=0-10:2` steps by 2: both map onto 0..N-1.
    const int min = isSet(env, "SLURM_ARRAY_TASK_MIN") ? envNumber(env, "SLURM_ARRAY_TASK_MIN") : 0;
    const int step = isSet(env, "SLURM_ARRAY_TASK_STEP") ? envNumber(env, "SLURM_ARRAY_TASK_STEP") : 1;
    const std::string vars =
        "SLURM_ARRAY_TASK_ID=" + std::to_string(id) + ", SLURM_ARRAY_TASK_MIN=" + std::to_string(min) +
        ", SLURM_ARRAY_TASK_STEP=" + std::to_string(step) + ", SLURM_ARRAY_TASK_COUNT=" + std::to_string(count);
    if (count < 1 || step < 1 || id < min || (id - min) % step != 0 || (id - min) / step >= count)
        throw UsageError(vars + " name no shard: submit an evenly spaced range such as --array=0-" +
                         std::to_string(count > 0 ? count - 1 : 0) +
                         " (a list such as 1,5,7 cannot be mapped), or pass --shard K/N");
    ShardSelection s;
    s.index = (id - min) / step;
    s.count = count;
    s.source = vars + " (Slurm array)";
    return s;
}

std::optional<ShardSelection> fromIndexedJob(const EnvLookup& env, std::optional<int> shardCount) {
    if (!isSet(env, "JOB_COMPLETION_INDEX")) return std::nullopt;
    if (!shardCount)
        throw UsageError("JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but --shard-count is not: "
                         "pass the Job's completions as --shard-count N");
    const int index = envNumber(env, "JOB_COMPLETION_INDEX");
    if (index >= *shardCount)
        throw UsageError("JOB_COMPLETION_INDEX=" + std::to_string(index) + " is not below --shard-count " +
                         std::to_string(*shardCount));
    ShardSelection s;
    s.index = index;
    s.count = *shardCount;
    s.source = "JOB_COMPLETION_INDEX=" + std::to_string(index) + " and --shard-count " + std::to_string(*shardCount) +
               " (Kubernetes Indexed Job)";
    return s;
}

std::optional<ShardSelection> fromTorchrun(const EnvLookup& env) {
    if (!isSet(env, "RANK") || !isSet(env, "WORLD_SIZE")) return std::nullopt;
    const int rank = envNumber(env, "RANK");
    const int world = envNumber(env, "WORLD_SIZE");
    if (world < 1 || rank >= world)
        throw UsageError("RANK=" + std::to_string(rank) + " and WORLD_SIZE=" + std::to_string(world) +
                         " name no shard");
    ShardSelection s;
    s.index = rank;
    s.count = world;
    s.source = "RANK=" + std::to_string(rank) + ", WORLD_SIZE=" + std::to_string(world) + " (torchrun)";
    return s;
}

} // namespace

ShardSelection parseShardSpec(const std::string& spec) {
    const auto slash = spec.find('/');
    const auto k = slash == std::string::npos ? std::nullopt : wholeNumber(spec.substr(0, slash));
    const auto n = slash == std::string::npos ? std::nullopt : wholeNumber(spec.substr(slash + 1));
    if (!k || !n)
        throw UsageError("--shard " + spec + ": expected K/N, two whole numbers such as 0/4 (K counts from 0)");
    if (*n < 1) throw UsageError("--shard " + spec + ": N must be at least 1");
    if (*k >= *n)
        throw UsageError("--shard " + spec + ": K must be below N (shards are numbered from 0 to " +
                         std::to_string(*n - 1) + ")");
    ShardSelection s;
    s.index = *k;
    s.count = *n;
    s.source = "--shard " + spec;
    return s;
}

std::optional<ShardSelection> resolveShard(const std::optional<std::string>& spec,
                                           const std::optional<std::string>& shardCount, const EnvLookup& env) {
    std::optional<int> count;
    if (shardCount) {
        count = wholeNumber(*shardCount);
        if (!count || *count < 1)
            throw UsageError("--shard-count must be a whole number of at least 1, not '" + *shardCount + "'");
    }
    std::optional<ShardSelection> s;
    if (spec) s = parseShardSpec(*spec);
    if (!s) s = fromSlurmArray(env);
    if (!s) s = fromIndexedJob(env, count);
    if (!s) s = fromTorchrun(env);
    if (!s && count)
        throw UsageError("--shard-count needs a shard index to go with it: --shard K/N or JOB_COMPLETION_INDEX");
    if (s && count && *count != s->count)
        throw UsageError("--shard-count " + *shardCount + " disagrees with " + std::to_string(s->count) +
                         " shards from " + s->source);
    // Several processes on one node each want their own GPU, whichever variable numbered the shards.
    if (s && isSet(env, "LOCAL_RANK")) s->localRank = envNumber(env, "LOCAL_RANK");
    return s;
}

int shardOfIndex(std::size_t index, std::size_t total, int n) {
    // The last shard whose block starts at or before `index`: block starts never decrease, and an
    // empty block starts where the next one does, so that shard's block is the one holding it.
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        const int mid = lo + (hi - lo + 1) / 2;
        if (captioner::shardRange(total, mid, n).begin <= index) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

std::string deviceForShard(const std::string& device, const ShardSelection& s, bool cudaAvailable) {
    if (!s.localRank) return device;
    const std::string gpu = "cuda:" + std::to_string(*s.localRank);
    if (device == "cuda") return gpu;
    if (device == "auto") return cudaAvailable ? gpu : "cpu";
    return device;
}

std::string expandShardPattern(const std::string& pattern, const ShardSelection& s) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size();) {
        if (pattern.compare(i, 7, "{shard}") == 0) {
            out += std::to_string(s.index);
            i += 7;
        } else if (pattern.compare(i, 8, "{shards}") == 0) {
            out += std::to_string(s.count);
            i += 8;
        } else {
            out += pattern[i++];
        }
    }
    return out;
}

} // namespace cli
