#include "training_output.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace cli {

namespace {

std::string fixed(double v, int digits) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

volatile std::sig_atomic_t g_interrupted = 0;

void onInterrupt(int) {
    g_interrupted = 1;
    std::signal(SIGINT, SIG_DFL); // the second Ctrl+C ends the process at once
}

} // namespace

std::string formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    const auto s = static_cast<int64_t>(std::llround(seconds));
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else if (s >= 60) std::snprintf(buf, sizeof buf, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
    else std::snprintf(buf, sizeof buf, "%llds", (long long)s);
    return buf;
}

std::string formatEvalMetrics(const captioner::EvalResult& e) {
    std::string out = "loss " + fixed(e.loss, 4) + "  WER (teacher-forced) " + fixed(e.werTeacherForced.wer, 4);
    if (e.generated.count > 0)
        out += "  WER " + fixed(e.generated.wer.wer, 4) + "  ROUGE-L " + fixed(e.generated.rougeL, 4) + "  BLEU-4 " +
               fixed(e.generated.bleu4, 4) + "  CIDEr-D " + fixed(e.generated.cider, 4);
    return out + "  (" + std::to_string(e.count) + " images)";
}

TrainingPrinter::TrainingPrinter(bool json, int64_t lineEvery)
    : m_json(json), m_tty(::isatty(2) != 0), m_lineEvery(lineEvery > 0 ? lineEvery : 50) {}

void TrainingPrinter::endProgressLine() {
    if (m_progressOpen) std::cerr << "\n";
    m_progressOpen = false;
}

void TrainingPrinter::onEvent(const captioner::TrainingEvent& e) {
    using T = captioner::TrainingEventType;
    if (m_json) {
        std::cout << e.toJson().dump() << std::endl;
        return;
    }
    switch (e.type) {
    case T::Step: {
        std::string line = "step " + std::to_string(e.step) + "/" + std::to_string(e.maxSteps) + "  epoch " +
                           fixed(e.epoch, 2) + "  loss " + (std::isfinite(e.loss) ? fixed(e.loss, 4) : "NaN") +
                           "  lr " +
                           [&] {
                               std::ostringstream s;
                               s << e.learningRate;
                               return s.str();
                           }() +
                           "  " + fixed(e.samplesPerSecond, 1) + " samples/s  ETA " + formatDuration(e.etaSeconds);
        if (m_tty) {
            std::cerr << "\r" << line << "\033[K" << std::flush;
            m_progressOpen = true;
        } else if (e.step % m_lineEvery == 0 || e.step == e.maxSteps) {
            std::cerr << line << "\n";
        }
        break;
    }
    case T::Started:
        endProgressLine();
        std::cerr << "training " << e.trainCount << " images (" << e.testCount << " held out) on " << e.device << ", "
                  << e.precision << ": " << e.maxSteps << " steps, " << e.stepsPerEpoch << " per epoch"
                  << (e.resumedFromStep > 0 ? ", resuming at step " + std::to_string(e.resumedFromStep) : "") << "\n";
        break;
    case T::Evaluated:
        endProgressLine();
        std::cerr << "eval at step " << e.step << ": " << formatEvalMetrics(e.eval) << "\n";
        for (const auto& s : e.eval.samples)
            std::cerr << "  " << s.imagePath << "\n    predicted: " << s.prediction
                      << "\n    reference: " << s.reference << "\n";
        break;
    case T::CheckpointSaved:
        endProgressLine();
        std::cerr << "saved " << e.path << (e.isBest ? " (best so far)" : "") << "\n";
        break;
    case T::NonFiniteLoss:
    case T::Log:
        endProgressLine();
        std::cerr << e.message << "\n";
        break;
    case T::Paused:
        endProgressLine();
        std::cerr << "paused at step " << e.step << "\n";
        break;
    case T::Resumed: std::cerr << "resumed\n"; break;
    case T::Finished:
        endProgressLine();
        std::cerr << "training " << e.status << " at step " << e.step;
        if (!e.bestCheckpoint.empty())
            std::cerr << "; best " << e.bestCheckpoint << " (" << e.metricForBest << " " << e.bestMetric << ")";
        std::cerr << "\n";
        break;
    case T::Failed:
        endProgressLine();
        std::cerr << "training failed at step " << e.step << ": " << e.message << "\n";
        if (!e.lastCheckpoint.empty()) std::cerr << "the last complete checkpoint is " << e.lastCheckpoint << "\n";
        break;
    case T::Epoch: break;
    }
}

struct InterruptToCancel::Impl {
    std::atomic<bool> stop{false};
    std::thread watcher;
    void (*previous)(int) = nullptr;
};

InterruptToCancel::InterruptToCancel(captioner::Trainer& trainer) : m_impl(new Impl) {
    g_interrupted = 0;
    m_impl->previous = std::signal(SIGINT, onInterrupt);
    // Trainer::cancel takes a mutex, which a signal handler must not: a thread forwards the flag.
    m_impl->watcher = std::thread([this, &trainer] {
        while (!m_impl->stop.load()) {
            if (g_interrupted) {
                std::cerr
                    << "\ninterrupted: finishing the current step and saving a checkpoint (Ctrl+C again to kill)\n";
                trainer.cancel();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
}

InterruptToCancel::~InterruptToCancel() {
    m_impl->stop = true;
    m_impl->watcher.join();
    std::signal(SIGINT, m_impl->previous == SIG_ERR ? SIG_DFL : m_impl->previous);
    delete m_impl;
}

} // namespace cli
