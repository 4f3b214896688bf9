#include "process_group.h"

#include "captioner/error.h"

#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

namespace captioner::detail {

namespace {

constexpr auto kHeartbeatPeriod = std::chrono::milliseconds(1000);

// The collectives the trainer uses, over whichever backend class LibTorch provides (in 1.13 the
// backends derive from ProcessGroup, in 2.x from Backend: the template keeps both compiling).
struct Collectives {
    virtual ~Collectives() = default;
    virtual c10::intrusive_ptr<c10d::Work> allreduce(std::vector<at::Tensor>& t) = 0;
    virtual c10::intrusive_ptr<c10d::Work> broadcast(std::vector<at::Tensor>& t) = 0;
    virtual c10::intrusive_ptr<c10d::Work> barrier() = 0;
};

template <class Backend> struct CollectivesOf : Collectives {
    explicit CollectivesOf(c10::intrusive_ptr<Backend> b) : backend(std::move(b)) {}
    c10::intrusive_ptr<c10d::Work> allreduce(std::vector<at::Tensor>& t) override {
        return backend->allreduce(t, c10d::AllreduceOptions());
    }
    c10::intrusive_ptr<c10d::Work> broadcast(std::vector<at::Tensor>& t) override {
        c10d::BroadcastOptions o;
        o.rootRank = 0;
        return backend->broadcast(t, o);
    }
    c10::intrusive_ptr<c10d::Work> barrier() override { return backend->barrier(c10d::BarrierOptions()); }
    c10::intrusive_ptr<Backend> backend;
};

std::string firstLine(const std::exception& e) {
    std::string s = e.what();
    if (const auto* c = dynamic_cast<const c10::Error*>(&e)) s = c->what_without_backtrace();
    if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
    return s;
}

c10::intrusive_ptr<c10d::TCPStore> connectStore(const DistributedConfig& c, bool server) {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(c.masterPort);
    so.isServer = server;
    so.numWorkers = static_cast<size_t>(c.worldSize);
    so.waitWorkers = false;
    so.timeout = std::chrono::milliseconds(static_cast<int64_t>(c.timeoutSeconds * 1000));
    return c10::make_intrusive<c10d::TCPStore>(c.masterAddr, so);
}

std::string rankList(const std::vector<int>& ranks) {
    std::string s = ranks.size() == 1 ? "rank " : "ranks ";
    for (size_t i = 0; i < ranks.size(); ++i) s += (i ? ", " : "") + std::to_string(ranks[i]);
    return s;
}

} // namespace

struct ProcessGroup::Impl {
    c10::intrusive_ptr<c10d::Store> store, heartbeatStore;
    std::unique_ptr<Collectives> collectives;
    std::string backend;
    int64_t progress = 0;
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::condition_variable cv;
    std::thread heartbeat;
};

ProcessGroup::ProcessGroup(const DistributedConfig& config, const torch::Device& device)
    : m(std::make_unique<Impl>()), m_config(config) {
    // A peer that dies leaves sockets whose next write raises SIGPIPE, which would end this
    // process without a word; the failed write is reported as an error instead.
    std::signal(SIGPIPE, SIG_IGN);
    const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(config.timeoutSeconds * 1000));
    const std::string where = config.masterAddr + ":" + std::to_string(config.masterPort);
    const std::string prefix = "captioner/" + config.runId;
    try {
        const bool server = config.rank == 0 && !config.agentStore;
        m->store = c10::make_intrusive<c10d::PrefixStore>(prefix, connectStore(config, server));
        m->heartbeatStore = c10::make_intrusive<c10d::PrefixStore>(prefix, connectStore(config, false));
    } catch (const std::exception& e) {
        throw Error("rendezvous store at " + where,
                    (config.rank == 0 && !config.agentStore ? "cannot serve it: " : "cannot reach it: ") +
                        firstLine(e));
    }
    std::string backend = config.backend;
    if (backend == "auto") backend = device.is_cuda() ? "nccl" : "gloo";
    try {
        if (backend == "gloo") {
            auto o = c10d::ProcessGroupGloo::Options::create(timeout);
            if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
                o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
            else o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
            o->threads = 2;
            m->collectives = std::make_unique<CollectivesOf<c10d::ProcessGroupGloo>>(
                c10::make_intrusive<c10d::ProcessGroupGloo>(m->store, config.rank, config.worldSize, o));
        } else if (backend == "nccl") {
#ifdef USE_C10D_NCCL
            auto o = c10d::ProcessGroupNCCL::Options::create();
            o->timeout = timeout;
            m->collectives = std::make_unique<CollectivesOf<c10d::ProcessGroupNCCL>>(
                c10::make_intrusive<c10d::ProcessGroupNCCL>(m->store, config.rank, config.worldSize, o));
#else
            throw Error("distributed backend", "NCCL is not built into this LibTorch (use --ddp-backend gloo, or "
                                               "build against a CUDA LibTorch 2.x)");
#endif
        } else {
            throw Error("distributed backend", "unknown backend '" + backend + "' (valid: auto, gloo, nccl)");
        }
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error("process group at " + where, "rank " + std::to_string(config.rank) + " of " +
                                                     std::to_string(config.worldSize) + " could not join within " +
                                                     std::to_string(static_cast<int64_t>(config.timeoutSeconds)) +
                                                     " s: " + firstLine(e));
    }
    m->backend = backend;
    markProgress(0);
    m->heartbeat = std::thread([this] { heartbeatLoop(); });
}

ProcessGroup::~ProcessGroup() { stopHeartbeat(true); }

const std::string& ProcessGroup::backendName() const { return m->backend; }

void ProcessGroup::abandon() {
    stopHeartbeat(false);
    (void)m.release(); // see the header: never destroyed after a failure
}

// Tells the heartbeat thread to end; joins it, or (after a failure, when a store call may hang on a
// dead peer) lets it go.
void ProcessGroup::stopHeartbeat(bool wait) {
    if (!m) return;
    m->stop = true;
    m->cv.notify_all();
    if (!m->heartbeat.joinable()) return;
    if (wait) m->heartbeat.join();
    else m->heartbeat.detach();
}

void ProcessGroup::heartbeatLoop() {
    const std::string key = "hb/" + std::to_string(m_config.rank);
    auto* impl = m.get();
    while (!impl->stop) {
        try {
            impl->heartbeatStore->add(key, 1);
        } catch (const std::exception&) {
            return; // the store is gone; the next collective reports it
        }
        std::unique_lock<std::mutex> lock(impl->mutex);
        impl->cv.wait_for(lock, kHeartbeatPeriod, [impl] { return impl->stop.load(); });
    }
}

void ProcessGroup::markProgress(int64_t step) {
    // A counter moved by deltas: add() never blocks, where get() would wait for a missing key.
    const int64_t delta = step - m->progress;
    m->progress = step;
    try {
        m->store->add("step/" + std::to_string(m_config.rank), delta);
    } catch (const std::exception& e) {
        fail("recording progress", firstLine(e));
    }
}

std::string ProcessGroup::diagnose() {
    const int n = m_config.worldSize;
    std::vector<int64_t> before(static_cast<size_t>(n)), after(static_cast<size_t>(n)), steps(static_cast<size_t>(n));
    try {
        for (int r = 0; r < n; ++r) before[static_cast<size_t>(r)] = m->store->add("hb/" + std::to_string(r), 0);
        std::this_thread::sleep_for(3 * kHeartbeatPeriod);
        for (int r = 0; r < n; ++r) {
            after[static_cast<size_t>(r)] = m->store->add("hb/" + std::to_string(r), 0);
            steps[static_cast<size_t>(r)] = m->store->add("step/" + std::to_string(r), 0);
        }
    } catch (const std::exception& e) {
        if (m_config.agentStore)
            return "lost the rendezvous store of torchrun's agent at " + m_config.masterAddr + ":" +
                   std::to_string(m_config.masterPort) + " (" + firstLine(e) + ")";
        return "rank 0 (of " + std::to_string(n) + "), which hosts the rendezvous store at " + m_config.masterAddr +
               ":" + std::to_string(m_config.masterPort) +
               ", is gone: its process died, was stopped or lost its connection";
    }
    std::vector<int> dead, behind;
    for (int r = 0; r < n; ++r) {
        if (r == m_config.rank) continue;
        if (after[static_cast<size_t>(r)] == before[static_cast<size_t>(r)]) dead.push_back(r);
        else if (steps[static_cast<size_t>(r)] < m->progress) behind.push_back(r);
    }
    const std::string of = " (of " + std::to_string(n) + ")";
    if (!dead.empty())
        return rankList(dead) + of + (dead.size() == 1 ? " is gone: its process" : " are gone: their processes") +
               " died, was stopped or lost its connection";
    if (!behind.empty()) {
        std::string s = rankList(behind) + of + " stopped responding";
        for (int r : behind)
            s += "; rank " + std::to_string(r) + " is at step " + std::to_string(steps[static_cast<size_t>(r)]);
        return s + ", this rank at step " + std::to_string(m->progress) + " (a hang, or far slower)";
    }
    return "a peer failed (every rank's heartbeat is still running)";
}

void ProcessGroup::fail(const std::string& what, const std::string& cause) {
    const std::string who = diagnose();
    abandon();
    throw Error("distributed training",
                who + "; rank " + std::to_string(m_config.rank) + " stopped while " + what + " (" + cause + ")");
}

void ProcessGroup::wait(const std::string& what, const std::function<void()>& op) {
    try {
        op();
    } catch (const std::exception& e) {
        fail(what, firstLine(e));
    }
}

void ProcessGroup::allReduceSum(const std::vector<torch::Tensor>& tensors, const std::string& what,
                                int64_t bucketBytes) {
    struct Bucket {
        std::vector<torch::Tensor> members;
        at::Tensor flat;
    };
    std::vector<Bucket> buckets;
    std::map<std::pair<int, int>, size_t> open; // (dtype, device) -> bucket being filled
    std::map<size_t, int64_t> fill;
    for (const auto& t : tensors) {
        if (!t.defined() || t.numel() == 0) continue;
        const auto key = std::make_pair(static_cast<int>(t.scalar_type()), static_cast<int>(t.device().type()));
        auto it = open.find(key);
        const int64_t bytes = t.numel() * static_cast<int64_t>(t.element_size());
        if (it == open.end() || fill[it->second] + bytes > bucketBytes) {
            buckets.push_back({});
            it = open.insert_or_assign(key, buckets.size() - 1).first;
            fill[it->second] = 0;
        }
        buckets[it->second].members.push_back(t);
        fill[it->second] += bytes;
    }
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    wait(what, [&] {
        for (auto& b : buckets) {
            std::vector<at::Tensor> flat;
            for (const auto& t : b.members) flat.push_back(t.reshape({-1}));
            b.flat = at::cat(flat);
            std::vector<at::Tensor> one{b.flat};
            works.push_back(m->collectives->allreduce(one));
            m_bytesReduced += b.flat.numel() * static_cast<int64_t>(b.flat.element_size());
        }
        for (auto& w : works) w->wait();
    });
    for (auto& b : buckets) {
        int64_t offset = 0;
        for (auto& t : b.members) {
            t.copy_(b.flat.narrow(0, offset, t.numel()).view(t.sizes()));
            offset += t.numel();
        }
    }
}

void ProcessGroup::broadcastFromRankZero(const std::vector<torch::Tensor>& tensors) {
    wait("receiving the weights from rank 0", [&] {
        for (const auto& t : tensors) {
            std::vector<at::Tensor> one{t};
            m->collectives->broadcast(one)->wait();
        }
    });
}

void ProcessGroup::barrier() {
    wait("waiting for the other ranks", [&] { m->collectives->barrier()->wait(); });
}

std::vector<std::string> ProcessGroup::allGatherStrings(const std::string& value) {
    const int n = m_config.worldSize;
    auto lengths = at::zeros({n}, at::kLong);
    lengths[m_config.rank] = static_cast<int64_t>(value.size());
    allReduceSum({lengths}, "gathering results");
    const int64_t longest = lengths.max().item<int64_t>();
    auto rows = at::zeros({n, std::max<int64_t>(longest, 1)}, at::kByte);
    if (!value.empty()) std::memcpy(rows[m_config.rank].data_ptr<uint8_t>(), value.data(), value.size());
    allReduceSum({rows}, "gathering results");
    std::vector<std::string> out;
    for (int r = 0; r < n; ++r)
        out.emplace_back(reinterpret_cast<const char*>(rows[r].data_ptr<uint8_t>()),
                         static_cast<size_t>(lengths[r].item<int64_t>()));
    return out;
}

} // namespace captioner::detail
