#pragma once
// `captioner train --watch OUTPUT`: follows OUTPUT/events.jsonl (written by the trainer of a run
// started anywhere that shares the folder) and prints it as `captioner train` prints its own run.
#include <cstdint>
#include <string>

namespace cli {

// Prints the run's history so far, then its new events as they are appended, until the file's last
// event is the end of a run: exit code 0 when it completed, 130 when it was cancelled, 1 when it
// failed (as `captioner train` itself exits). A folder without the file yet is waited for (and said
// so). Ctrl+C stops watching; the run goes on.
int watchTraining(const std::string& outputDir, bool json, int64_t lineEvery, int pollMilliseconds = 500);

} // namespace cli
