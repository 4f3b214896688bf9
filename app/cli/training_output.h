#pragma once
// How `captioner train` and `captioner demo` show training events: JSON lines (--json) or a
// progress line that redraws itself on a terminal and prints one line per logging step elsewhere.
#include "captioner/trainer.h"

#include <cstdint>
#include <string>

namespace cli {

class TrainingPrinter : public captioner::TrainingObserver {
public:
    TrainingPrinter(bool json, int64_t lineEvery);
    void onEvent(const captioner::TrainingEvent& event) override;

private:
    void endProgressLine();
    bool m_json;
    bool m_tty;
    int64_t m_lineEvery;
    bool m_progressOpen = false;
};

// Runs a trainer with a TrainingPrinter and Ctrl+C cancelling; exit code 0, 1 (failed) or 130 (cancelled).
int runTraining(captioner::TrainingOptions options, bool json);

std::string formatDuration(double seconds); // "1h02m", "3m05s", "12s"
std::string formatEvalMetrics(const captioner::EvalResult& eval);

// Ctrl+C cancels the trainer (it finishes the step and saves); a second Ctrl+C kills the process.
class InterruptToCancel {
public:
    explicit InterruptToCancel(captioner::Trainer& trainer);
    ~InterruptToCancel();
    InterruptToCancel(const InterruptToCancel&) = delete;
    InterruptToCancel& operator=(const InterruptToCancel&) = delete;

private:
    struct Impl;
    Impl* m_impl;
};

} // namespace cli
