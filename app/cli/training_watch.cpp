#include "training_watch.h"

#include "training_output.h"

#include "captioner/event_log.h"

#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

namespace cli {

int watchTraining(const std::string& outputDir, bool json, int64_t lineEvery, int pollMilliseconds) {
    using T = captioner::TrainingEventType;
    const std::string path = captioner::eventLogPath(outputDir);
    captioner::EventLogFollower follower(path);
    TrainingPrinter printer(json, lineEvery);
    std::optional<captioner::TrainingEvent> last;
    bool waitingSaid = false;
    for (;;) {
        captioner::EventLogChunk chunk = follower.poll(4u << 20);
        if (!chunk.exists && chunk.events.empty() && !waitingSaid) {
            std::cerr << "waiting for " << path << ": no run has written events there yet\n";
            waitingSaid = true;
        }
        if (chunk.restarted) std::cerr << path << " was truncated or replaced: reading the new file from its start\n";
        for (const std::string& problem : chunk.problems) std::cerr << "warning: " << problem << "\n";
        for (const captioner::TrainingEvent& e : chunk.events) printer.onEvent(e);
        if (!chunk.events.empty()) last = std::move(chunk.events.back());
        // The end of a run counts only as the file's last line: a cancelled run resumed later, or a
        // failed one started again, appends a new Started event after it.
        if (chunk.atEnd && last && last->type == T::Failed) return 1;
        if (chunk.atEnd && last && last->type == T::Finished) return last->status == "cancelled" ? 130 : 0;
        if (!chunk.atEnd) continue; // more is waiting: read on without sleeping
        std::this_thread::sleep_for(std::chrono::milliseconds(pollMilliseconds));
    }
}

} // namespace cli
