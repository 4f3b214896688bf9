#include "captioner/distributed.h"

#include "captioner/error.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <optional>

namespace captioner {

namespace {

std::optional<std::string> lookup(const EnvironmentLookup& getenv, const char* name) {
    const char* v = getenv ? getenv(name) : std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

long parseInt(const std::string& name, const std::string& value, long min, long max) {
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(value.c_str(), &end, 10);
    if (errno != 0 || end == value.c_str() || *end != '\0' || v < min || v > max)
        throw Error(name,
                    "'" + value + "' is not a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return v;
}

} // namespace

std::string DistributedConfig::describe() const {
    if (!enabled()) return "alone";
    return "rank " + std::to_string(rank) + " of " + std::to_string(worldSize) + " (" + launcher + ", " + masterAddr +
           ":" + std::to_string(masterPort) + ")";
}

DistributedConfig distributedConfigFromEnvironment(const EnvironmentLookup& getenv) {
    DistributedConfig c;
    auto get = [&](const char* name) { return lookup(getenv, name); };
    constexpr long kMaxWorld = 1 << 20;
    std::string rankVar, worldVar, localVar;
    if (auto world = get("WORLD_SIZE")) {
        // torchrun, Kubeflow's PyTorchJob, or variables set by hand.
        worldVar = "WORLD_SIZE";
        rankVar = "RANK";
        localVar = "LOCAL_RANK";
        c.launcher = get("TORCHELASTIC_RUN_ID") ? "torchrun" : "env";
    } else if (get("SLURM_PROCID") && get("SLURM_NTASKS")) {
        // srun: one task per process. SLURM_STEP_NUM_TASKS is the step's own count where srun set it.
        worldVar = get("SLURM_STEP_NUM_TASKS") ? "SLURM_STEP_NUM_TASKS" : "SLURM_NTASKS";
        rankVar = "SLURM_PROCID";
        localVar = "SLURM_LOCALID";
        c.launcher = "slurm";
    } else {
        return c;
    }
    c.worldSize = static_cast<int>(parseInt(worldVar, *get(worldVar.c_str()), 1, kMaxWorld));
    if (c.worldSize == 1) {
        c.launcher.clear();
        return c;
    }
    const auto rank = get(rankVar.c_str());
    if (!rank) throw Error(rankVar, "is not set, but " + worldVar + " is " + std::to_string(c.worldSize));
    c.rank = static_cast<int>(parseInt(rankVar, *rank, 0, c.worldSize - 1));
    if (auto local = get(localVar.c_str())) c.localRank = static_cast<int>(parseInt(localVar, *local, 0, kMaxWorld));
    if (auto addr = get("MASTER_ADDR")) {
        c.masterAddr = *addr;
    } else if (c.launcher == "slurm") {
        throw Error("MASTER_ADDR", "is not set: under Slurm export the first node's address, e.g. "
                                   "MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)");
    } else {
        throw Error("MASTER_ADDR", "is not set, but " + worldVar + " is " + std::to_string(c.worldSize));
    }
    if (auto port = get("MASTER_PORT")) c.masterPort = static_cast<int>(parseInt("MASTER_PORT", *port, 1, 65535));
    if (auto agent = get("TORCHELASTIC_USE_AGENT_STORE"))
        c.agentStore = *agent == "True" || *agent == "true" || *agent == "1";
    std::string run = get("TORCHELASTIC_RUN_ID").value_or(get("SLURM_JOB_ID").value_or("run"));
    if (auto restart = get("TORCHELASTIC_RESTART_COUNT")) run += "." + *restart;
    c.runId = run;
    return c;
}

ShardRange shardRange(size_t count, int index, int shards) {
    if (shards < 1 || index < 0 || index >= shards)
        throw Error("shard", std::to_string(index) + " of " + std::to_string(shards) + " does not exist");
    const size_t n = static_cast<size_t>(shards), k = static_cast<size_t>(index);
    const size_t base = count / n, extra = count % n;
    ShardRange r;
    r.begin = k * base + std::min(k, extra);
    r.end = r.begin + base + (k < extra ? 1 : 0);
    return r;
}

} // namespace captioner
