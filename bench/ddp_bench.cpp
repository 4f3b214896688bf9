// ddp_bench: what data parallelism costs per optimizer step in communication. For each preset it
// sums gradients shaped like the model's (every parameter, float32) across 2 local processes over
// Gloo, as the trainer does after backward (25 MB buckets, all started before the first is awaited),
// and prints the time and bytes per step beside the one-process reference measured in the same run:
// the same model's forward + backward at the given batch, which has no such cost. On 2 cores no
// speed-up is expected from 2 processes; the figure is the overhead a step pays.
//
//   ddp_bench [--presets tiny,git-base] [--steps N] [--batch B]
//
// It starts its own two ranks (itself, with WORLD_SIZE/RANK/MASTER_* set as torchrun sets them).
#include "../core/src/train/process_group.h"
#include "bench_util.h"

#include "captioner/distributed.h"
#include "captioner/git_model.h"
#include "captioner/model_presets.h"
#include "captioner/runtime.h"

#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

std::vector<torch::Tensor> gradientsLike(const std::string& preset) {
    torch::NoGradGuard noGrad;
    captioner::GitForCausalLM model(captioner::presetConfig(preset));
    std::vector<torch::Tensor> grads;
    for (const auto& p : model->parameters()) grads.push_back(torch::randn_like(p));
    return grads;
}

int64_t bytesOf(const std::vector<torch::Tensor>& ts) {
    int64_t b = 0;
    for (const auto& t : ts) b += t.numel() * static_cast<int64_t>(t.element_size());
    return b;
}

// Rank mode: join the group, reduce `steps` times (after one warm-up), rank 0 prints "ms bytes".
int runRank(const std::string& preset, int steps) {
    captioner::DistributedConfig config = captioner::distributedConfigFromEnvironment();
    config.runId = "ddp_bench";
    config.timeoutSeconds = 120;
    captioner::detail::ProcessGroup group(config, torch::Device(torch::kCPU));
    auto grads = gradientsLike(preset);
    group.allReduceSum(grads);
    group.barrier();
    const auto t0 = bench::Clock::now();
    for (int i = 0; i < steps; ++i) group.allReduceSum(grads);
    const double seconds = bench::since(t0) / steps;
    group.barrier();
    if (group.rank() == 0) std::printf("%.6f %lld\n", seconds, static_cast<long long>(bytesOf(grads)));
    return 0;
}

// One process, the reference: forward + backward of the preset at `batch`, mean of `steps`.
double stepSeconds(const std::string& preset, int batch, int steps) {
    const auto config = captioner::presetConfig(preset);
    captioner::GitForCausalLM model(config);
    model->train();
    const int64_t size = config.vision.imageSize;
    auto pixels = torch::randn({batch, 3, size, size});
    auto ids = torch::randint(1000, 2000, {batch, 20}, torch::kLong);
    auto mask = torch::ones({batch, 20}, torch::kLong);
    auto once = [&] {
        auto loss = model->forward(pixels, ids, mask, ids).loss;
        loss.backward();
        for (auto& p : model->parameters()) p.mutable_grad() = torch::Tensor();
    };
    once();
    const auto t0 = bench::Clock::now();
    for (int i = 0; i < steps; ++i) once();
    return bench::since(t0) / steps;
}

// Starts two copies of this program as ranks 0 and 1 and returns rank 0's output line.
std::string launchTwo(const std::string& preset, int steps, int port) {
    int fds[2];
    if (pipe(fds) != 0) return {};
    // Everything the children need is built before fork(): between fork and exec only
    // async-signal-safe calls are allowed in a process that has threads.
    const std::string stepsText = std::to_string(steps);
    std::vector<std::vector<std::string>> envs(2);
    for (int rank = 0; rank < 2; ++rank) {
        for (char** e = environ; *e; ++e) {
            const std::string kv = *e;
            const std::string key = kv.substr(0, kv.find('='));
            if (key != "WORLD_SIZE" && key != "RANK" && key != "LOCAL_RANK" && key != "MASTER_ADDR" &&
                key != "MASTER_PORT" && key != "OMP_NUM_THREADS")
                envs[static_cast<size_t>(rank)].push_back(kv);
        }
        for (const std::string& kv : {std::string("WORLD_SIZE=2"), "RANK=" + std::to_string(rank),
                                      "LOCAL_RANK=" + std::to_string(rank), std::string("MASTER_ADDR=127.0.0.1"),
                                      "MASTER_PORT=" + std::to_string(port), std::string("OMP_NUM_THREADS=1")})
            envs[static_cast<size_t>(rank)].push_back(kv);
    }
    std::vector<std::vector<char*>> envp(2);
    for (size_t r = 0; r < 2; ++r) {
        for (auto& kv : envs[r]) envp[r].push_back(kv.data());
        envp[r].push_back(nullptr);
    }
    std::vector<pid_t> pids;
    for (int rank = 0; rank < 2; ++rank) {
        const pid_t pid = fork();
        if (pid == 0) {
            if (rank == 0) dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
            execle("/proc/self/exe", "ddp_bench", "--rank-mode", preset.c_str(), stepsText.c_str(),
                   static_cast<char*>(nullptr), envp[static_cast<size_t>(rank)].data());
            _exit(127);
        }
        pids.push_back(pid);
    }
    close(fds[1]);
    std::string out;
    char buf[256];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    for (pid_t p : pids) waitpid(p, nullptr, 0);
    return out;
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::strcmp(argv[1], "--rank-mode") == 0) {
        captioner::configureThreads(1);
        return runRank(argv[2], std::atoi(argv[3]));
    }
    captioner::preferPassiveThreadWaiting(argv);
    std::vector<std::string> presets = {"tiny", "git-base"};
    int steps = 10, batch = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--presets") presets = split(v);
        else if (a == "--steps") steps = std::max(1, std::atoi(v.c_str()));
        else if (a == "--batch") batch = std::max(1, std::atoi(v.c_str()));
    }
    captioner::configureThreads(0);
    std::printf("ddp_bench on %s, LibTorch %s\n", bench::cpuDescription().c_str(),
                captioner::torchDescription().c_str());
    std::printf("%-9s %12s %14s %18s %14s %20s %10s\n", "preset", "parameters", "gradient MB", "all-reduce ms/step",
                "GB/s (alg.)", "1-process step ms", "overhead");
    int port = 29700 + static_cast<int>(getpid() % 1000);
    for (const auto& preset : presets) {
        const std::string line = launchTwo(preset, steps, port++);
        double seconds = 0;
        long long bytes = 0;
        if (std::sscanf(line.c_str(), "%lf %lld", &seconds, &bytes) != 2) {
            std::fprintf(stderr, "ddp_bench: the 2-process run of %s printed nothing usable\n", preset.c_str());
            return 1;
        }
        const double step = stepSeconds(preset, batch, preset == "git-base" ? 2 : steps);
        std::printf("%-9s %12lld %14.1f %18.2f %14.2f %20.1f %9.1f%%\n", preset.c_str(), bytes / 4, bytes / 1e6,
                    seconds * 1e3, bytes / seconds / 1e9, step * 1e3, 100.0 * seconds / step);
    }
    std::printf("(1-process step: forward + backward at batch %d, all cores; 2 processes: 1 thread each; "
                "overhead = all-reduce / 1-process step)\n",
                batch);
    return 0;
}
